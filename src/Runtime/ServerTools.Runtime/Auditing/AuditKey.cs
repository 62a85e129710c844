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
    /// the entry's own type) in <paramref name="entry"/>.
    /// </summary>
    internal static string Of(IUpdateEntry entry, IReadOnlyList<IProperty> properties, bool original)
    {
        if (properties.Count == 1)
        {
            return Part(original ? entry.GetOriginalValue(properties[0]) : entry.GetCurrentValue(properties[0]));
        }

        var parts = new object?[properties.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = original ? entry.GetOriginalValue(properties[i]) : entry.GetCurrentValue(properties[i]);
        }

        return Format(parts);
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
