using System;
using System.Globalization;
using ServerTools.Tracking;

namespace ServerTools.Tests.Tracking;

/// <summary>
/// The shared text formats of tracked fields, directly. Every built-in format is also round-tripped through generated
/// fields in TrackedGeneratorTests (Generated_fields_format_and_parse_every_supported_type_as_exact_inverses).
/// </summary>
public sealed class TrackedValueFormatTests
{
    [Fact]
    public void A_masked_format_writes_stars_keeps_null_and_refuses_to_read_a_value_back()
    {
        var masked = TrackedValueFormats.Masked(TrackedValueFormats.String);
        var number = TrackedValueFormats.Masked(TrackedValueFormats.Nullable(TrackedValueFormats.Int32));

        Assert.Equal("***", masked.Format("s3cret"));
        Assert.Null(masked.Format(null!));
        Assert.Equal("***", number.Format(0));
        Assert.Null(number.Format(null));
        var error = Assert.Throws<InvalidOperationException>(() => masked.Parse("***"));
        Assert.Contains("[AuditMask]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("de-DE")] // decimal comma
    [InlineData("th-TH")] // Buddhist calendar: the year 2026 is 2569
    [InlineData("fi-FI")] // '.' as the time separator
    public void Formats_ignore_the_current_culture(string name)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        try
        {
            Assert.Equal("1234.5", TrackedValueFormats.Decimal.Format(1234.5m));
            Assert.Equal(1234.5m, TrackedValueFormats.Decimal.Parse("1234.5"));
            Assert.Equal("0.25", TrackedValueFormats.Double.Format(0.25));
            Assert.Equal("2026-03-01", TrackedValueFormats.DateOnly.Format(new DateOnly(2026, 3, 1)));
            Assert.Equal(new DateOnly(2026, 3, 1), TrackedValueFormats.DateOnly.Parse("2026-03-01"));
            Assert.Equal("2026-03-01T08:30:00.0000000+01:00", TrackedValueFormats.DateTimeOffset.Format(new DateTimeOffset(2026, 3, 1, 8, 30, 0, TimeSpan.FromHours(1))));
            Assert.Equal("08:30:15.0000000", TrackedValueFormats.TimeOnly.Format(new TimeOnly(8, 30, 15)));
            Assert.Equal(new TimeOnly(8, 30, 15), TrackedValueFormats.TimeOnly.Parse("08:30:15.0000000"));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void The_string_and_byte_array_formats_are_one_instance_for_both_annotations_and_write_null_as_null()
    {
        Assert.Same(TrackedValueFormats.NullableString, TrackedValueFormats.String);
        Assert.Same(TrackedValueFormats.NullableBytes, TrackedValueFormats.Bytes);
        Assert.Null(TrackedValueFormats.String.Format(null!));
        Assert.Null(TrackedValueFormats.Bytes.Format(null!));
        Assert.Equal("AAH+/w==", TrackedValueFormats.Bytes.Format([0, 1, 254, 255]));
    }

    [Fact]
    public void Nullable_formats_the_value_when_there_is_one_and_null_otherwise()
    {
        var format = TrackedValueFormats.Nullable(TrackedValueFormats.Int64);

        Assert.Null(format.Format(null));
        Assert.Equal("-7", format.Format(-7L));
        Assert.Equal(-7L, format.Parse("-7"));
    }

    [Fact]
    public void Enum_formats_are_shared_per_enum_type_and_read_flags_and_numbers()
    {
        Assert.Same(TrackedValueFormats.Enum<AttributeTargets>(), TrackedValueFormats.Enum<AttributeTargets>());
        var format = TrackedValueFormats.Enum<AttributeTargets>();

        Assert.Equal("Class, Method", format.Format(AttributeTargets.Class | AttributeTargets.Method));
        Assert.Equal(AttributeTargets.Class | AttributeTargets.Method, format.Parse("Class, Method"));
        Assert.Equal(AttributeTargets.Class, format.Parse("4"));
    }

    [Fact]
    public void A_custom_format_is_used_as_given_and_needs_both_directions()
    {
        var upper = new TrackedValueFormat<string>(static value => value.ToUpperInvariant(), static text => text.ToLowerInvariant());
        Assert.Equal("ABC", upper.Format("abc"));
        Assert.Equal("abc", upper.Parse("ABC"));

        Assert.Equal("format", Assert.Throws<ArgumentNullException>(() => new TrackedValueFormat<int>(null!, static text => 0)).ParamName);
        Assert.Equal("parse", Assert.Throws<ArgumentNullException>(() => new TrackedValueFormat<int>(static value => "", null!)).ParamName);
        Assert.Equal("format", Assert.Throws<ArgumentNullException>(() => TrackedValueFormats.Nullable<int>(null!)).ParamName);
    }

    [Fact]
    public void A_field_needs_a_format_and_reads_null_text_as_the_default_value()
    {
        Assert.Equal("format", Assert.Throws<ArgumentNullException>(() => new TrackedField<object, int>("Count", null!)).ParamName);

        var field = new TrackedField<object, int?>("Count", TrackedValueFormats.Nullable(TrackedValueFormats.Int32));
        Assert.Null(field.Parse(null));
        Assert.Equal(3, field.Parse("3"));
        Assert.Equal("3", field.Format(3));
        Assert.False(field.HasHook);
        Assert.Equal(typeof(int?), field.ValueType);
    }
}
