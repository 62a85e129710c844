using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ServerTools.Tracking;

/// <summary>
/// The text of a tracked value whose type the built-in formats do not cover (a strongly typed id, a converted value, a
/// primitive collection, a <c>BigInteger</c>), decided once per property from the EF Core model, in the form the audit
/// trail logs it:
/// <list type="bullet">
/// <item>a value with a value converter: the value the converter stores, as the built-in formats write that type (a Guid
/// as <c>D</c>, a decimal invariant), read back through the converter's <c>ConvertFromProvider</c>;</item>
/// <item>a value without one that the provider maps itself and that is <see cref="IFormattable"/> (<c>BigInteger</c>): its
/// invariant text;</item>
/// <item>a primitive collection (<c>List&lt;string&gt;</c>, <c>int[]</c>): a JSON array of its elements' texts, each by these
/// same rules, null elements as <c>null</c>.</item>
/// </list>
/// One difference from the audit trail: a <c>byte[]</c> a converter stores is Base64, as a <c>byte[]</c> field's values are,
/// so that it reads back (the audit trail logs a hash).
/// </summary>
internal static class TrackedModelFormat
{
    /// <summary>How one value (never null) is written as text and read back; <see cref="Read"/> is null when it cannot be.</summary>
    internal sealed record Scalar(Func<object, string?> Write, Func<string, object?>? Read);

    /// <summary>The scalar form of values of <paramref name="clrType"/> mapped with <paramref name="converter"/> (a property's, or a collection's elements'), or null when it has none.</summary>
    internal static Scalar? For(Type clrType, ValueConverter? converter)
    {
        // As the audit trail decides (AuditModelValue): a type it writes itself as it is, whatever the mapping; a converted
        // value as the value the converter stores; another value by its invariant text.
        var type = Nullable.GetUnderlyingType(clrType) ?? clrType;
        if (converter is null || Auditing.AuditValueFormatter.Writes(type))
        {
            return Known(type) ?? Formattable(type);
        }

        if (Known(Nullable.GetUnderlyingType(converter.ProviderClrType) ?? converter.ProviderClrType) is not { } stored)
        {
            return Formattable(converter.ProviderClrType) is { } formattable
                ? new Scalar(value => converter.ConvertToProvider(value) is { } provider ? formattable.Write(provider) : null, null)
                : null;
        }

        return new Scalar(
            value => converter.ConvertToProvider(value) is { } provider ? stored.Write(provider) : null,
            text => converter.ConvertFromProvider(stored.Read!(text)));
    }

    /// <summary>The form of a type the built-in formats write, or null.</summary>
    private static Scalar? Known(Type type)
    {
        if (type.IsEnum)
        {
            return new Scalar(static value => value.ToString(), text => Enum.Parse(type, text));
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.String => Of(TrackedValueFormats.String),
            TypeCode.Boolean => Of(TrackedValueFormats.Boolean),
            TypeCode.Char => Of(TrackedValueFormats.Char),
            TypeCode.SByte => Of(TrackedValueFormats.SByte),
            TypeCode.Byte => Of(TrackedValueFormats.Byte),
            TypeCode.Int16 => Of(TrackedValueFormats.Int16),
            TypeCode.UInt16 => Of(TrackedValueFormats.UInt16),
            TypeCode.Int32 => Of(TrackedValueFormats.Int32),
            TypeCode.UInt32 => Of(TrackedValueFormats.UInt32),
            TypeCode.Int64 => Of(TrackedValueFormats.Int64),
            TypeCode.UInt64 => Of(TrackedValueFormats.UInt64),
            TypeCode.Single => Of(TrackedValueFormats.Single),
            TypeCode.Double => Of(TrackedValueFormats.Double),
            TypeCode.Decimal => Of(TrackedValueFormats.Decimal),
            TypeCode.DateTime => Of(TrackedValueFormats.DateTime),
            _ when type == typeof(DateTimeOffset) => Of(TrackedValueFormats.DateTimeOffset),
            _ when type == typeof(DateOnly) => Of(TrackedValueFormats.DateOnly),
            _ when type == typeof(TimeOnly) => Of(TrackedValueFormats.TimeOnly),
            _ when type == typeof(TimeSpan) => Of(TrackedValueFormats.TimeSpan),
            _ when type == typeof(Guid) => Of(TrackedValueFormats.Guid),
            _ when type == typeof(byte[]) => Of(TrackedValueFormats.Bytes),
            _ when type == typeof(BigInteger) => Parsable<BigInteger>(),
            _ when type == typeof(Half) => Parsable<Half>(),
            _ => null,
        };
    }

    /// <summary>Any other <see cref="IFormattable"/> type: its invariant text, which cannot be read back.</summary>
    private static Scalar? Formattable(Type type)
        => typeof(IFormattable).IsAssignableFrom(Nullable.GetUnderlyingType(type) ?? type)
            ? new Scalar(static value => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture), null)
            : null;

    private static Scalar Of<T>(TrackedValueFormat<T> format) => new(value => format.Format((T)value), text => format.Parse(text));

    private static Scalar Parsable<T>()
        where T : IFormattable, IParsable<T>
        => new(static value => ((T)value).ToString(null, CultureInfo.InvariantCulture), static text => T.Parse(text, CultureInfo.InvariantCulture));

    /// <summary>
    /// A collection's text: a JSON array of its elements' texts, in order, a null element as <c>null</c>, written by the audit
    /// trail's own writer (<see cref="Auditing.AuditValueFormatter.FormatArray"/>) with each element's text.
    /// </summary>
    internal static string WriteArray(IEnumerable values, Scalar element) => Auditing.AuditValueFormatter.FormatArray(values, element.Write, default);

    /// <summary>The elements' texts of a JSON array written by <see cref="WriteArray"/>.</summary>
    internal static List<string?> ReadArray(string text, string field)
    {
        var texts = new List<string?>();
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException($"The value of the tracked field '{field}' is not the JSON array of a collection's elements.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                texts.Add(reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw new FormatException($"The value of the tracked field '{field}' holds a JSON {reader.TokenType} where an element's text (a string or null) belongs."),
                });
            }
        }
        catch (JsonException exception)
        {
            throw new FormatException($"The value of the tracked field '{field}' is not the JSON array of a collection's elements: {exception.Message}", exception);
        }

        return texts;
    }
}

/// <summary>The model-decided format of one tracked field, bound to the model's property: see <see cref="TrackedModelFormat"/>.</summary>
internal static class TrackedModelFormat<TValue>
{
    /// <summary>A field whose whole value is one scalar (a converted value, also a collection with a converter of its own).</summary>
    public static TrackedValueFormat<TValue> Scalar(IProperty property)
    {
        var scalar = TrackedModelFormat.For(property.ClrType, property.GetTypeMapping().Converter) ?? throw NoText(property);
        var read = scalar.Read;
        return new(
            value => value is null ? null : scalar.Write(value),
            text => read is null ? throw NotReadable(property) : (TValue)read(text)!);
    }

    /// <summary>
    /// A primitive collection: a JSON array of the elements' texts, read back as an array or a <see cref="List{T}"/> (so into a
    /// property of an array type, <c>List&lt;T&gt;</c>, or an interface <c>List&lt;T&gt;</c> implements), each element as
    /// <see cref="Scalar"/> reads one.
    /// </summary>
    public static TrackedValueFormat<TValue> Collection<TElement>(IProperty property)
    {
        if (property.GetElementType() is not { } elementType)
        {
            return Scalar(property);
        }

        var element = TrackedModelFormat.For(elementType.ClrType, elementType.GetTypeMapping().Converter) ?? throw NoText(property);
        var read = element.Read;
        return new(
            value => value is null ? null : TrackedModelFormat.WriteArray((IEnumerable)value, element),
            text =>
            {
                var texts = TrackedModelFormat.ReadArray(text, property.Name);
                var list = new List<TElement>(texts.Count);
                foreach (var item in texts)
                {
                    list.Add(item is null ? default! : read is null ? throw NotReadable(property) : (TElement)read(item)!);
                }

                if (typeof(TValue) == typeof(TElement[]))
                {
                    return (TValue)(object)list.ToArray();
                }

                return list is TValue collection
                    ? collection
                    : throw new InvalidOperationException(
                        $"The tracked field '{property.DeclaringType.DisplayName()}.{property.Name}' is a '{typeof(TValue)}', which TryGet cannot "
                        + $"create: it reads a collection back as an array or a List<T>, so into a property of an array type, List<T>, IList<T>, "
                        + "ICollection<T>, IEnumerable<T>, IReadOnlyList<T> or IReadOnlyCollection<T>. Declare the property as one of those, "
                        + "or read the field's text (a JSON array of the elements' texts) from TrackedChange<T>.Fields.");
            });
    }

    private static InvalidOperationException NoText(IProperty property)
        => new($"The tracked field '{property.DeclaringType.DisplayName()}.{property.Name}' of type '{property.ClrType}' has no text form in the "
               + "model: it has no value converter and is not IFormattable. Give it a value converter (HasConversion) or mark it [AuditIgnore].");

    private static InvalidOperationException NotReadable(IProperty property)
        => new($"The tracked field '{property.DeclaringType.DisplayName()}.{property.Name}' of type '{property.ClrType}' is written to the "
               + "outbox as its invariant text, which TryGet cannot read back (only a value converter's stored value, the built-in types, "
               + "BigInteger and Half are). Give it a value converter (HasConversion), or read the field's text from TrackedChange<T>.Fields.");
}
