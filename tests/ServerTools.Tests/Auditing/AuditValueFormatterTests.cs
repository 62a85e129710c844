using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ServerTools.Auditing;

namespace ServerTools.Tests.Auditing;

/// <summary>Every supported value type is written invariantly, and the text reads back to the same value.</summary>
public sealed class AuditValueFormatterTests
{
    [Fact]
    public void Every_supported_type_round_trips_through_its_text()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            RoundTrip(123456789012L, s => long.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip(-42, s => int.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip((short)-7, s => short.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip((byte)255, s => byte.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip((sbyte)-8, s => sbyte.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip((ushort)65535, s => ushort.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip(4000000000u, s => uint.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip(ulong.MaxValue, s => ulong.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip(0.1 + 0.2, s => double.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip(1.1f, s => float.Parse(s, CultureInfo.InvariantCulture));
            RoundTrip('é', s => s[0]);
            RoundTrip(true, bool.Parse);
            RoundTrip(Guid.Parse("0b6f1c2e-9c52-4f43-8c3e-2a5d1a0e7b11"), Guid.Parse);
            RoundTrip(new DateTimeOffset(2026, 3, 29, 1, 30, 15, 123, TimeSpan.FromHours(2)), s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
            RoundTrip(new DateTime(2026, 3, 29, 1, 30, 15, DateTimeKind.Utc), s => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
            RoundTrip(new DateOnly(2026, 2, 28), s => DateOnly.ParseExact(s, "O", CultureInfo.InvariantCulture));
            RoundTrip(new TimeOnly(23, 59, 58, 999), s => TimeOnly.ParseExact(s, "O", CultureInfo.InvariantCulture));
            RoundTrip(TimeSpan.FromDays(1.5) + TimeSpan.FromTicks(7), s => TimeSpan.ParseExact(s, "c", CultureInfo.InvariantCulture));
            RoundTrip(DayOfWeek.Friday, Enum.Parse<DayOfWeek>);
            RoundTrip(AttributeTargets.Class | AttributeTargets.Property, Enum.Parse<AttributeTargets>);
            RoundTrip("quotes \" and ; and ünïcödé", s => s);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>A created entity's values are formatted straight into the JSON's UTF-8: the text must be Format's, byte for byte.</summary>
    [Fact]
    public void Values_written_into_json_have_the_same_text_as_format()
    {
        object?[] values =
        [
            123456789012L, long.MinValue, -42, int.MaxValue, (short)-7, (byte)255, (sbyte)-8, (ushort)65535, 4000000000u, ulong.MaxValue,
            0.1 + 0.2, double.MaxValue, double.Epsilon, double.NaN, double.NegativeInfinity, -0.0, 1.1f, 'é', true, false,
            Guid.Parse("0b6f1c2e-9c52-4f43-8c3e-2a5d1a0e7b11"), decimal.MaxValue, decimal.MinValue, 1500.50m, -0.0001m, 0m,
            new DateTimeOffset(2026, 3, 29, 1, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567), DateTimeOffset.MaxValue, DateTimeOffset.MinValue,
            new DateTime(2026, 3, 29, 1, 30, 15, DateTimeKind.Utc), new DateTime(2026, 3, 29, 1, 30, 15, DateTimeKind.Local), DateTime.MaxValue,
            new DateTime(2026, 3, 29, 1, 30, 15, DateTimeKind.Unspecified), new DateOnly(2026, 2, 28), DateOnly.MinValue,
            new TimeOnly(23, 59, 58, 999), TimeSpan.FromDays(1.5) + TimeSpan.FromTicks(7), DayOfWeek.Friday,
            "quotes \" and \\ and ünïcödé and \u0001 and </script>", "", new byte[] { 1, 2, 3 },
        ];
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("ar-SA");
        try
        {
            foreach (var value in values)
            {
                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    AuditValueFormatter.WriteProperty(writer, JsonEncodedText.Encode("v"), value);
                    writer.WriteEndObject();
                }

                using var json = JsonDocument.Parse(buffer.WrittenMemory);
                Assert.Equal(AuditValueFormatter.Format(value), json.RootElement.GetProperty("v").GetString());
            }

            var empty = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(empty))
            {
                writer.WriteStartObject();
                AuditValueFormatter.WriteProperty(writer, JsonEncodedText.Encode("v"), null);
                writer.WriteEndObject();
            }

            Assert.Equal("{}", Encoding.UTF8.GetString(empty.WrittenSpan));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Decimals_keep_their_exact_digits_and_scale()
    {
        Assert.Equal("1500.50", AuditValueFormatter.Format(1500.50m));
        Assert.Equal("-0.0001", AuditValueFormatter.Format(-0.0001m));
        Assert.Equal("79228162514264337593543950335", AuditValueFormatter.Format(decimal.MaxValue));
    }

    [Fact]
    public void Dates_are_iso_8601_and_enums_are_names()
    {
        Assert.Equal("2026-11-21T09:30:00.0000000+00:00", AuditValueFormatter.Format(new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero)));
        Assert.Equal("2026-11-21", AuditValueFormatter.Format(new DateOnly(2026, 11, 21)));
        Assert.Equal("Friday", AuditValueFormatter.Format(DayOfWeek.Friday));
        Assert.Equal("Class, Property", AuditValueFormatter.Format(AttributeTargets.Class | AttributeTargets.Property));
    }

    [Fact]
    public void Byte_arrays_are_written_as_length_and_hash_and_null_stays_null()
    {
        Assert.Equal("len=0;sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", AuditValueFormatter.Format(Array.Empty<byte>()));
        Assert.Null(AuditValueFormatter.Format(null));
    }

    [Fact]
    public void Unsupported_type_is_refused_with_the_type_and_the_fix()
    {
        var error = Assert.Throws<NotSupportedException>(() => AuditValueFormatter.Format(new Version(1, 2)));

        Assert.Contains("'System.Version'", error.Message, StringComparison.Ordinal);
        Assert.Contains("[AuditIgnore]", error.Message, StringComparison.Ordinal);
    }

    private static void RoundTrip<T>(T value, Func<string, T> parse)
    {
        var text = AuditValueFormatter.Format(value);
        Assert.NotNull(text);
        Assert.Equal(value, parse(text));
    }

    [Fact]
    public void A_collection_is_a_JSON_array_of_its_elements_texts_with_null_elements_as_null()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            List<string?> texts = ["quote \" é", "", null];
            List<decimal> amounts = [1.50m, -2m];
            List<DayOfWeek?> days = [DayOfWeek.Friday, null];
            Assert.Equal("""["quote \" é","",null]""", AuditValueFormatter.FormatArray(texts, read: null, default));
            Assert.Equal("""["1.50","-2"]""", AuditValueFormatter.FormatArray(amounts, read: null, default));
            Assert.Equal("""["Friday",null]""", AuditValueFormatter.FormatArray(days, read: null, default));
            Assert.Equal("[]", AuditValueFormatter.FormatArray(new List<int>(), read: null, default));
            Assert.Equal("""["x7"]""", AuditValueFormatter.FormatArray(new List<int> { 7 }, read: value => "x" + value, default));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
