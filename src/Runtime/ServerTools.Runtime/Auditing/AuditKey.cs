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
            return Text(properties[0], original ? entry.GetOriginalValue(properties[0]) : entry.GetCurrentValue(properties[0])) ?? "";
        }

        var texts = new string?[properties.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = Text(properties[i], original ? entry.GetOriginalValue(properties[i]) : entry.GetCurrentValue(properties[i]));
        }

        return Join(texts);
    }

    /// <summary>The key text of <paramref name="values"/> of <paramref name="properties"/>, each written as <see cref="Of(IUpdateEntry, IReadOnlyList{IProperty}, bool)"/> does.</summary>
    internal static string Of(IReadOnlyList<IProperty> properties, object?[] values)
    {
        var texts = new string?[values.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = Text(properties[i], values[i]);
        }

        return texts.Length == 1 ? texts[0] ?? "" : Join(texts);
    }

    /// <summary>
    /// <paramref name="value"/> of the key property <paramref name="property"/>, or the value its converter stores when the
    /// audit trail cannot write the value itself.
    /// </summary>
    internal static object? Stored(IProperty property, object? value)
        => AuditValueFormatter.TryFormat(value, out _) ? value : Converted(property, value, out _);

    /// <summary>The text of <paramref name="value"/> of the key property <paramref name="property"/>, formatted once (see <see cref="Stored"/>).</summary>
    private static string? Text(IProperty property, object? value)
    {
        if (AuditValueFormatter.TryFormat(value, out var text))
        {
            return text;
        }

        _ = Converted(property, value, out text);
        return text;
    }

    /// <summary>The value <paramref name="property"/>'s converter stores for <paramref name="value"/>, and its text; throws when there is none the audit trail writes.</summary>
    private static object? Converted(IProperty property, object? value, out string? text)
    {
        var converter = property.GetTypeMapping().Converter;
        var stored = converter?.ConvertToProvider(value);
        return AuditValueFormatter.TryFormat(stored, out text)
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

        var texts = new string?[parts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = AuditValueFormatter.Format(parts[i]);
        }

        return Join(texts);
    }

    /// <summary>
    /// The start of the key text of every key whose first parts are <paramref name="parts"/> and that has more parts: the
    /// parts written as <see cref="Format"/> writes those of a composite key (escaped, even when there is one), then
    /// <c>|</c>. As a part never holds an unescaped <c>|</c>, a key starts with it only when its first parts are these:
    /// the prefix of owner <c>1</c>, <c>1|</c>, is not the start of <c>10|2</c>, and that of owner <c>a</c>, <c>a|</c>, not
    /// the start of <c>a\||2</c>, a key of owner <c>a|</c>.
    /// </summary>
    internal static string Prefix(object?[] parts)
    {
        var texts = new string?[parts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = AuditValueFormatter.Format(parts[i]);
        }

        return Join(texts) + Separator;
    }

    /// <summary>Parts' texts joined by <c>|</c>, with <c>\</c> and <c>|</c> inside a part escaped by <c>\</c>; a null part is empty.</summary>
    private static string Join(string?[] texts)
    {
        var text = new StringBuilder();
        for (var i = 0; i < texts.Length; i++)
        {
            if (i > 0)
            {
                text.Append(Separator);
            }

            foreach (var c in texts[i] ?? "")
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
