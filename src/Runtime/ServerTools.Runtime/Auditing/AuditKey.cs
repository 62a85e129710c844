using System.Collections.Generic;
using System.Text;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Update;

namespace ServerTools.Auditing;

/// <summary>How entity keys are written: stable, and composite keys reversible.</summary>
public static class AuditKey
{
    /// <summary>Separates the parts of a composite key.</summary>
    public const char Separator = '|';

    /// <summary>One key value as text (see <see cref="AuditValueFormatter"/>); a null part is written as an empty string.</summary>
    public static string Part(object? value) => AuditValueFormatter.Format(value) ?? "";

    /// <summary>
    /// The key text of the <paramref name="original"/> or current values of <paramref name="properties"/> (properties of
    /// the entry's own type) in <paramref name="entry"/>. A part of a type the audit trail does not write, such as a
    /// strongly typed id (<c>record struct OrderId(Guid Value)</c>), is written as the value EF Core stores for it, through
    /// the property's value converter.
    /// </summary>
    internal static string Of(IUpdateEntry entry, IReadOnlyList<IProperty> properties, bool original)
    {
        if (properties.Count == 1)
        {
            return Part(Stored(properties[0], original ? entry.GetOriginalValue(properties[0]) : entry.GetCurrentValue(properties[0])));
        }

        var parts = new object?[properties.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Stored(properties[i], original ? entry.GetOriginalValue(properties[i]) : entry.GetCurrentValue(properties[i]));
        }

        return Format(parts);
    }

    /// <summary>
    /// <paramref name="value"/> of the key property <paramref name="property"/>, or the value its converter stores when the
    /// audit trail cannot write the value itself.
    /// </summary>
    internal static object? Stored(IProperty property, object? value)
    {
        if (AuditValueFormatter.TryFormat(value, out _))
        {
            return value;
        }

        var converter = property.GetTypeMapping().Converter;
        var stored = converter?.ConvertToProvider(value);
        return AuditValueFormatter.TryFormat(stored, out _)
            ? stored
            : throw new System.NotSupportedException(
                $"ServerTools cannot write the key '{property.Name}' of '{property.DeclaringType.DisplayName()}' as text: its type '{property.ClrType.Name}' "
                + "is not one the audit trail writes (numbers, strings, dates and times, Guid, enums, byte[]), and "
                + (converter is null ? "it has no value converter" : $"its value converter stores a '{converter.ProviderClrType.Name}'")
                + ". Map the key with a value converter to one of those types (HasConversion), as strongly typed ids usually are.");
    }

    /// <summary>The text of a key made of <paramref name="parts"/>: the value itself for one part; parts joined by <c>|</c>, with <c>\</c> and <c>|</c> escaped by <c>\</c>, for several.</summary>
    public static string Format(params object?[] parts)
    {
        System.ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 1)
        {
            return Part(parts[0]);
        }

        var text = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                text.Append(Separator);
            }

            foreach (var c in Part(parts[i]))
            {
                if (c is '\\' or Separator)
                {
                    text.Append('\\');
                }

                text.Append(c);
            }
        }

        return text.ToString();
    }
}
