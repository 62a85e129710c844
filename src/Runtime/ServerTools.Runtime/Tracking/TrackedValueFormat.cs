using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.Tracking;

/// <summary>
/// How the values of a tracked field are written as the invariant text the outbox stores, and read back: exact
/// inverses of each other. The built-in formats are in <see cref="TrackedValueFormats"/>; generated code picks one per
/// tracked property.
/// </summary>
/// <typeparam name="TValue">The property type.</typeparam>
public sealed class TrackedValueFormat<TValue>
{
    private readonly Func<TValue, string?> _format;
    private readonly Func<string, TValue> _parse;
    private readonly Func<IProperty, TrackedValueFormat<TValue>>? _bind;

    /// <summary>Creates a format from its two directions.</summary>
    /// <param name="format">Writes a value as invariant, reversible text (null for null).</param>
    /// <param name="parse">Reads a non-null text written by <paramref name="format"/> back.</param>
    public TrackedValueFormat(Func<TValue, string?> format, Func<string, TValue> parse)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(parse);
        _format = format;
        _parse = parse;
    }

    /// <summary>A format decided from the EF Core model, per property (<see cref="TrackedValueFormats.Model{T}"/>).</summary>
    internal TrackedValueFormat(Func<IProperty, TrackedValueFormat<TValue>> bind)
    {
        _bind = bind;
        _format = static _ => throw NeedsModel();
        _parse = static _ => throw NeedsModel();
    }

    /// <summary>Whether the text of the values is decided from the EF Core model (<see cref="For"/>).</summary>
    internal bool IsFromModel => _bind is not null;

    /// <summary>
    /// The format of the values of <paramref name="property"/>: this one, or for a format decided from the model the one the
    /// model gives the property, built once and kept on it.
    /// </summary>
    internal TrackedValueFormat<TValue> For(IProperty property)
        => _bind is null
            ? this
            : property.GetOrAddRuntimeAnnotationValue(
                "ServerTools:TrackedFormat",
                static bind => bind.Bind(bind.Property),
                (Bind: _bind, Property: property));

    /// <summary>Writes <paramref name="value"/> as invariant text; null for null.</summary>
    /// <exception cref="InvalidOperationException">The format is decided from the EF Core model (<see cref="TrackedValueFormats.Model{T}"/>).</exception>
    public string? Format(TValue value) => _format(value);

    /// <summary>Reads a non-null text written by <see cref="Format"/> back.</summary>
    /// <exception cref="InvalidOperationException">The format is decided from the EF Core model (<see cref="TrackedValueFormats.Model{T}"/>).</exception>
    public TValue Parse(string text) => _parse(text);

    private static InvalidOperationException NeedsModel()
        => new($"The text of a tracked '{typeof(TValue)}' is decided by the EF Core model (its value converter, or its elements' for a "
               + "collection): read it with TrackedChange<T>.TryGet, which the dispatcher gives the model.");
}

/// <summary>
/// The text formats of the property types tracking supports, shared by every tracked field of the type so that
/// generated code names one instead of declaring its own (a nullable value type's field wraps one in
/// <see cref="Nullable{T}(TrackedValueFormat{T})"/>). Numbers use the invariant culture; timestamps the round-trip
/// format <c>O</c>; <see cref="System.DateOnly"/> <c>yyyy-MM-dd</c>; <see cref="System.TimeOnly"/> <c>HH:mm:ss.fffffff</c>;
/// <see cref="System.TimeSpan"/> the constant format <c>c</c>; <see cref="System.Guid"/> the format <c>D</c>; enums the member
/// name (or number); <c>byte[]</c> Base64.
/// </summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Each member is named after the CLR type whose values it formats, as Convert.ToInt32 is.")]
public static class TrackedValueFormats
{
    /// <summary><see cref="string"/>: the text is the value.</summary>
    public static TrackedValueFormat<string> String => NullableString!;

    /// <summary>A nullable <see cref="string"/>: the text is the value (the same instance as <see cref="String"/>).</summary>
    public static TrackedValueFormat<string?> NullableString { get; } = new(static value => value, static text => text);

    /// <summary><see cref="bool"/>: <c>true</c> or <c>false</c>.</summary>
    public static TrackedValueFormat<bool> Boolean { get; } = new(static value => value ? "true" : "false", static text => bool.Parse(text));

    /// <summary><see cref="char"/>: the character itself.</summary>
    public static TrackedValueFormat<char> Char { get; } = new(static value => value.ToString(), static text => text[0]);

    /// <summary><see cref="sbyte"/>, invariant.</summary>
    public static TrackedValueFormat<sbyte> SByte { get; } = Number<sbyte>();

    /// <summary><see cref="byte"/>, invariant.</summary>
    public static TrackedValueFormat<byte> Byte { get; } = Number<byte>();

    /// <summary><see cref="short"/>, invariant.</summary>
    public static TrackedValueFormat<short> Int16 { get; } = Number<short>();

    /// <summary><see cref="ushort"/>, invariant.</summary>
    public static TrackedValueFormat<ushort> UInt16 { get; } = Number<ushort>();

    /// <summary><see cref="int"/>, invariant.</summary>
    public static TrackedValueFormat<int> Int32 { get; } = Number<int>();

    /// <summary><see cref="uint"/>, invariant.</summary>
    public static TrackedValueFormat<uint> UInt32 { get; } = Number<uint>();

    /// <summary><see cref="long"/>, invariant.</summary>
    public static TrackedValueFormat<long> Int64 { get; } = Number<long>();

    /// <summary><see cref="ulong"/>, invariant.</summary>
    public static TrackedValueFormat<ulong> UInt64 { get; } = Number<ulong>();

    /// <summary><see cref="float"/>, invariant (shortest text that reads back to the same value).</summary>
    public static TrackedValueFormat<float> Single { get; } = Number<float>();

    /// <summary><see cref="double"/>, invariant (shortest text that reads back to the same value).</summary>
    public static TrackedValueFormat<double> Double { get; } = Number<double>();

    /// <summary><see cref="decimal"/>, invariant, scale kept (<c>12.50</c>).</summary>
    public static TrackedValueFormat<decimal> Decimal { get; } = Number<decimal>();

    /// <summary><see cref="System.DateTime"/>: the round-trip format <c>O</c>, kind kept.</summary>
    public static TrackedValueFormat<DateTime> DateTime { get; } = new(
        static value => value.ToString("O", CultureInfo.InvariantCulture),
        static text => System.DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));

    /// <summary><see cref="System.DateTimeOffset"/>: the round-trip format <c>O</c>, offset kept.</summary>
    public static TrackedValueFormat<DateTimeOffset> DateTimeOffset { get; } = new(
        static value => value.ToString("O", CultureInfo.InvariantCulture),
        static text => System.DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));

    /// <summary><see cref="System.DateOnly"/>: <c>yyyy-MM-dd</c>.</summary>
    public static TrackedValueFormat<DateOnly> DateOnly { get; } = new(
        static value => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        static text => System.DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary><see cref="System.TimeOnly"/>: <c>HH:mm:ss.fffffff</c>.</summary>
    public static TrackedValueFormat<TimeOnly> TimeOnly { get; } = new(
        static value => value.ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        static text => System.TimeOnly.ParseExact(text, "HH:mm:ss.fffffff", CultureInfo.InvariantCulture));

    /// <summary><see cref="System.TimeSpan"/>: the constant format <c>c</c>.</summary>
    public static TrackedValueFormat<TimeSpan> TimeSpan { get; } = new(
        static value => value.ToString("c", CultureInfo.InvariantCulture),
        static text => System.TimeSpan.ParseExact(text, "c", CultureInfo.InvariantCulture));

    /// <summary><see cref="System.Guid"/>: the format <c>D</c>.</summary>
    public static TrackedValueFormat<Guid> Guid { get; } = new(static value => value.ToString("D"), static text => System.Guid.Parse(text));

    /// <summary><c>byte[]</c>: Base64; null for null, as a property declared non-nullable can still hold null.</summary>
    public static TrackedValueFormat<byte[]> Bytes => NullableBytes!;

    /// <summary>A nullable <c>byte[]</c>: Base64, null for null (the same instance as <see cref="Bytes"/>).</summary>
    public static TrackedValueFormat<byte[]?> NullableBytes { get; } = new(
        static value => value is null ? null : Convert.ToBase64String(value),
        static text => Convert.FromBase64String(text));

    /// <summary>An enum: the member name, or the names of a flags combination, or the number, as <see cref="System.Enum.Parse{TEnum}(string)"/> reads it.</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    public static TrackedValueFormat<TEnum> Enum<TEnum>()
        where TEnum : struct, System.Enum
        => EnumFormat<TEnum>.Instance;

    /// <summary>A nullable value type: <paramref name="format"/> for a value, null for null.</summary>
    /// <param name="format">The format of the underlying type, such as <see cref="Int32"/>.</param>
    /// <typeparam name="T">The underlying value type.</typeparam>
    public static TrackedValueFormat<T?> Nullable<T>(TrackedValueFormat<T> format)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(format);
        return new(value => value is { } v ? format.Format(v) : null, text => format.Parse(text));
    }

    /// <summary>
    /// A field marked <c>[AuditMask]</c>: a value is written as <c>***</c> (null stays null, so a change shows that a value
    /// was set or cleared, as in the audit log); the value itself never reaches the outbox, so it cannot be read back.
    /// </summary>
    /// <param name="format">The format of the property type, for the type's sake only: it writes nothing.</param>
    /// <typeparam name="T">The property type.</typeparam>
    public static TrackedValueFormat<T> Masked<T>(TrackedValueFormat<T> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return new(
            static value => value is null ? null : Auditing.AuditValueFormatter.Mask,
            static _ => throw new InvalidOperationException(
                "The field is [AuditMask]: its values are written to the outbox as '***' and cannot be read back. Read the entity "
                + "itself for its current value, or remove [AuditMask] to deliver the values."));
    }

    /// <summary>
    /// A value whose text the EF Core model decides, per property, as the audit trail logs it: a strongly typed id or other
    /// value with a value converter as the value the converter stores (read back through the converter), a value the
    /// provider maps itself by its invariant text (<c>BigInteger</c>). Generated code picks it for struct properties the
    /// other formats do not cover.
    /// </summary>
    /// <typeparam name="T">The property type, nullable included.</typeparam>
    public static TrackedValueFormat<T> Model<T>() => ModelFormat<T>.Instance;

    /// <summary>
    /// A collection of values (<c>List&lt;string&gt;</c>, <c>int[]</c>) whose text the EF Core model decides: a primitive
    /// collection as a JSON array of its elements' texts (each as <see cref="Model{T}"/> writes one), read back as an array
    /// or a <c>List&lt;TElement&gt;</c>; a collection with a value converter of its own as the value the converter stores.
    /// </summary>
    /// <typeparam name="TCollection">The property type.</typeparam>
    /// <typeparam name="TElement">The element type.</typeparam>
    public static TrackedValueFormat<TCollection> Collection<TCollection, TElement>() => CollectionFormat<TCollection, TElement>.Instance;

    private static TrackedValueFormat<T> Number<T>()
        where T : struct, IFormattable, IParsable<T>
        => new(static value => value.ToString(null, CultureInfo.InvariantCulture), static text => T.Parse(text, CultureInfo.InvariantCulture));

    private static class ModelFormat<T>
    {
        public static readonly TrackedValueFormat<T> Instance = new(static property => TrackedModelFormat<T>.Scalar(property));
    }

    private static class CollectionFormat<TCollection, TElement>
    {
        public static readonly TrackedValueFormat<TCollection> Instance = new(static property => TrackedModelFormat<TCollection>.Collection<TElement>(property));
    }

    private static class EnumFormat<TEnum>
        where TEnum : struct, System.Enum
    {
        public static readonly TrackedValueFormat<TEnum> Instance = new(static value => value.ToString(), static text => System.Enum.Parse<TEnum>(text));
    }
}
