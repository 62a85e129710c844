using System;
using System.Collections;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ServerTools.Auditing;

/// <summary>
/// How the audit trail reads the values of a property whose CLR type <see cref="AuditValueFormatter"/> does not write
/// itself, decided once per property from the model, as EF Core maps it:
/// <list type="bullet">
/// <item>a primitive collection (<c>int[]</c>, <c>List&lt;string&gt;</c>, <c>IList&lt;CustomerId&gt;</c>): a JSON array of its
/// elements' texts (<see cref="AuditValueFormatter.FormatArray"/>), each element read by these same rules;</item>
/// <item>a value with a value converter (a strongly typed id, a <c>Money</c> stored as a decimal): the value the converter
/// stores, as keys are logged;</item>
/// <item>a value without one that is <see cref="IFormattable"/> (<c>BigInteger</c>): its invariant text;</item>
/// <item>anything else: no text, and the field is not logged (Npgsql's own such types, <c>NpgsqlRange&lt;T&gt;</c>, are not
/// listed by the generator, and ST1004 reports them).</item>
/// </list>
/// </summary>
internal static class AuditModelValue
{
    /// <summary>
    /// The reader that turns a value of <paramref name="property"/> (never null) into one the formatter writes: null when
    /// the formatter writes the value as it is; false when the audit trail has no text for it.
    /// </summary>
    public static bool TryGetReader(IProperty property, out Func<object, object?>? read)
    {
        if (AuditValueFormatter.Writes(property.ClrType))
        {
            read = null;
            return true;
        }

        if (property.GetElementType() is { } element)
        {
            if (!TryGetScalarReader(element.ClrType, element.GetTypeMapping().Converter, out var readElement))
            {
                read = null;
                return false;
            }

            var form = AuditFieldAccess.StoredFormOf(element.ClrType, element.FindRelationalTypeMapping());
            read = value => AuditValueFormatter.FormatArray((IEnumerable)value, readElement, form);
            return true;
        }

        return TryGetScalarReader(property.ClrType, property.GetTypeMapping().Converter, out read);
    }

    /// <summary>
    /// The reader of single values of <paramref name="type"/>: none when the formatter writes them, else through
    /// <paramref name="converter"/> to a value the formatter writes or to the invariant text of an <see cref="IFormattable"/>
    /// provider value, else the value's own invariant text when it is <see cref="IFormattable"/>.
    /// </summary>
    private static bool TryGetScalarReader(Type type, ValueConverter? converter, out Func<object, object?>? read)
    {
        read = null;
        if (AuditValueFormatter.Writes(type))
        {
            return true;
        }

        if (converter is not null && TryGetScalarReader(converter.ProviderClrType, converter: null, out var readStored))
        {
            read = readStored is null
                ? converter.ConvertToProvider
                : value => converter.ConvertToProvider(value) is { } stored ? readStored(stored) : null;
            return true;
        }

        if (typeof(IFormattable).IsAssignableFrom(Nullable.GetUnderlyingType(type) ?? type))
        {
            read = static value => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture);
            return true;
        }

        return false;
    }
}
