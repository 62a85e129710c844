using System;
using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ServerTools.Auditing;

/// <summary>
/// Writes audited values as invariant, reversible text: numbers and decimals exactly (decimals keep their
/// scale), dates and times in ISO 8601, enums by name, booleans as <c>true</c>/<c>false</c>, Guids in the
/// 36-character form, byte arrays as their length and SHA-256 hash (<c>len=3;sha256=...</c>).
/// </summary>
public static class AuditValueFormatter
{
    /// <summary>The text written in place of a masked value.</summary>
    public const string Mask = "***";

    // A collection's text goes into a line's value, never into HTML: only what JSON itself requires is escaped (as in the lines).
    private static readonly JsonWriterOptions s_arrayOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Formats <paramref name="value"/>; <see langword="null"/> stays <see langword="null"/>.</summary>
    /// <exception cref="NotSupportedException">The value's type is not one the audit trail writes (ST1004 reports such properties at compile time).</exception>
    public static string? Format(object? value) => TryFormat(value, out var text)
        ? text
        : throw new NotSupportedException(
            $"The audit trail cannot write a value of type '{value!.GetType().FullName}' as text. Mark the property [AuditIgnore] (diagnostic ST1004).");

    /// <summary>Formats <paramref name="value"/> as <see cref="Format"/> does; false for a type the audit trail does not write.</summary>
    internal static bool TryFormat(object? value, out string? text)
    {
        text = value switch
        {
            null => null,
            string s => s,
            bool b => b ? "true" : "false",
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            short s16 => s16.ToString(CultureInfo.InvariantCulture),
            byte u8 => u8.ToString(CultureInfo.InvariantCulture),
            sbyte s8 => s8.ToString(CultureInfo.InvariantCulture),
            ushort u16 => u16.ToString(CultureInfo.InvariantCulture),
            uint u32 => u32.ToString(CultureInfo.InvariantCulture),
            ulong u64 => u64.ToString(CultureInfo.InvariantCulture),
            char c => c.ToString(),
            Guid g => g.ToString("D"),
            DateTimeOffset dto => dto.ToString("O", CultureInfo.InvariantCulture),
            DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("O", CultureInfo.InvariantCulture),
            TimeOnly time => time.ToString("O", CultureInfo.InvariantCulture),
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            Enum e => e.ToString(),
            byte[] bytes => FormatBytes(bytes),
            _ => null,
        };
        return text is not null || value is null;
    }

    /// <summary>
    /// Formats <paramref name="value"/> as the column stores it (<paramref name="form"/>): a decimal rounded to the
    /// column's scale and written with it, a time truncated to PostgreSQL's microseconds, as Npgsql sends it.
    /// </summary>
    internal static string? FormatStored(object? value, StoredForm form) => Format(form.Normalize(value));

    /// <summary>
    /// The text of a primitive collection: a JSON array of its elements' texts, in the collection's order, each element
    /// read by <paramref name="read"/> (none: as it is) and written as <see cref="FormatStored"/> writes a single value in
    /// <paramref name="form"/> (<c>["a","b"]</c>, <c>["1","2"]</c>, <c>["2026-11-21"]</c>), a null element as <c>null</c>;
    /// an empty collection is <c>[]</c>.
    /// </summary>
    internal static string FormatArray(IEnumerable values, Func<object, object?>? read, StoredForm form)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_arrayOptions))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                if (FormatStored(value is null || read is null ? value : read(value), form) is { } text)
                {
                    writer.WriteStringValue(text);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Whether values of <paramref name="type"/> (or of its nullable form) are ones <see cref="Format"/> writes.</summary>
    internal static bool Writes(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsEnum
            || type == typeof(string) || type == typeof(bool) || type == typeof(int) || type == typeof(long) || type == typeof(decimal)
            || type == typeof(double) || type == typeof(float) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte)
            || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(char) || type == typeof(Guid)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeOnly)
            || type == typeof(TimeSpan) || type == typeof(byte[]);
    }

    /// <summary>
    /// Writes the property <paramref name="name"/> with the text <see cref="FormatStored"/> gives <paramref name="value"/>,
    /// formatted straight into the writer's UTF-8 for the common types (no string in between); nothing for null.
    /// </summary>
    internal static void WriteProperty(Utf8JsonWriter writer, JsonEncodedText name, object? value, StoredForm form = default)
    {
        value = form.Normalize(value);
        switch (value)
        {
            case null:
                return;
            case string s:
                writer.WriteString(name, s);
                return;
            case bool b:
                writer.WriteString(name, b ? "true"u8 : "false"u8);
                return;
            case int i:
                WriteFormatted(writer, name, i, default);
                return;
            case long l:
                WriteFormatted(writer, name, l, default);
                return;
            case decimal m:
                WriteFormatted(writer, name, m, default);
                return;
            case double d:
                WriteFormatted(writer, name, d, "R");
                return;
            case Guid g:
                WriteFormatted(writer, name, g, "D");
                return;
            case DateTimeOffset dto:
                WriteFormatted(writer, name, dto, "O");
                return;
            case DateTime dt:
                WriteFormatted(writer, name, dt, "O");
                return;
            case DateOnly date:
                WriteFormatted(writer, name, date, "O");
                return;
            default:
                writer.WriteString(name, Format(value));
                return;
        }
    }

    private static void WriteFormatted<T>(Utf8JsonWriter writer, JsonEncodedText name, T value, ReadOnlySpan<char> format)
        where T : IUtf8SpanFormattable
    {
        // 64 bytes hold every value of these types in these formats (a decimal needs 31, a DateTimeOffset 33).
        Span<byte> utf8 = stackalloc byte[64];
        if (value.TryFormat(utf8, out var written, format, CultureInfo.InvariantCulture))
        {
            writer.WriteString(name, utf8[..written]);
        }
        else
        {
            writer.WriteString(name, Format(value));
        }
    }

    private static string FormatBytes(byte[] bytes)
        => string.Create(CultureInfo.InvariantCulture, $"len={bytes.Length};sha256={Convert.ToHexStringLower(SHA256.HashData(bytes))}");
}

/// <summary>
/// How a column stores a property's values where that differs from the CLR value, so that the trail logs what the
/// database holds: a <c>numeric(p, s)</c> column rounds a decimal to its scale <c>s</c> (half away from zero) and
/// writes it with that scale; Npgsql sends <c>timestamp</c>, <c>timestamptz</c>, <c>time</c> and <c>interval</c> values
/// in whole microseconds, truncated toward zero (from 2000-01-01 for timestamps). The default (<see langword="default"/>) is exact.
/// </summary>
internal readonly record struct StoredForm(int? Scale, bool Microseconds)
{
    private const long PostgresEpochTicks = 630822816000000000; // 2000-01-01T00:00:00

    /// <summary>Whether values are stored as they are (no scale, no truncation).</summary>
    public bool IsExact => Scale is null && !Microseconds;

    /// <summary>
    /// <paramref name="value"/> as the column stores it: a decimal rounded to <see cref="Scale"/>, a date, time or
    /// interval in whole microseconds; any other value (and every value of an exact form) as it is. A value the column
    /// stores as it is comes back as the same object, so the common case boxes nothing new.
    /// </summary>
    public object? Normalize(object? value)
    {
        if (IsExact)
        {
            return value;
        }

        return value switch
        {
            decimal m when Scale is not null => Round(m) is var rounded && (rounded != m || rounded.Scale != m.Scale) ? rounded : value,
            DateTime dt when Microseconds => Changed(dt, Truncate(dt), value),
            DateTimeOffset dto when Microseconds => Changed(dto, Truncate(dto), value),
            TimeSpan span when Microseconds => Changed(span, Truncate(span), value),
            TimeOnly time when Microseconds => Changed(time, Truncate(time), value),
            _ => value,
        };
    }

    /// <summary><paramref name="normalized"/> when it differs from <paramref name="original"/>, else the original's box.</summary>
    private static object Changed<T>(T original, T normalized, object boxed)
        where T : struct, IEquatable<T>
        => original.Equals(normalized) ? boxed : normalized;

    /// <summary><paramref name="value"/> rounded to <see cref="Scale"/>, half away from zero, and written with that scale (<c>1.5</c> to <c>1.50</c>).</summary>
    public decimal Round(decimal value)
    {
        var scale = Scale ?? value.Scale;
        var rounded = decimal.Round(value, scale, MidpointRounding.AwayFromZero);
        return rounded.Scale == scale ? rounded : rounded + new decimal(0, 0, 0, false, (byte)scale);
    }

    /// <summary>
    /// <paramref name="value"/> in whole microseconds; <see cref="DateTime.MaxValue"/> and <see cref="DateTime.MinValue"/>
    /// stay as they are, since Npgsql stores them as <c>infinity</c> and <c>-infinity</c> and reads them back as themselves.
    /// </summary>
    public static DateTime Truncate(DateTime value)
        => value == DateTime.MaxValue || value == DateTime.MinValue ? value : value.AddTicks(-((value.Ticks - PostgresEpochTicks) % 10));

    /// <inheritdoc cref="Truncate(DateTime)"/>
    public static DateTimeOffset Truncate(DateTimeOffset value)
        => value == DateTimeOffset.MaxValue || value == DateTimeOffset.MinValue ? value : value.AddTicks(-((value.UtcTicks - PostgresEpochTicks) % 10));

    public static TimeSpan Truncate(TimeSpan value) => new(value.Ticks - (value.Ticks % 10));

    public static TimeOnly Truncate(TimeOnly value) => new(value.Ticks - (value.Ticks % 10));
}
