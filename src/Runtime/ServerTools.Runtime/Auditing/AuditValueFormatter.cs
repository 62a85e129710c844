using System;
using System.Globalization;
using System.Security.Cryptography;

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

    /// <summary>Formats <paramref name="value"/>; <see langword="null"/> stays <see langword="null"/>.</summary>
    /// <exception cref="NotSupportedException">The value's type is not one the audit trail writes (ST1004 reports such properties at compile time).</exception>
    public static string? Format(object? value) => value switch
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
        _ => throw new NotSupportedException(
            $"The audit trail cannot write a value of type '{value.GetType().FullName}' as text. Mark the property [AuditIgnore] (diagnostic ST1004)."),
    };

    private static string FormatBytes(byte[] bytes)
        => string.Create(CultureInfo.InvariantCulture, $"len={bytes.Length};sha256={Convert.ToHexStringLower(SHA256.HashData(bytes))}");
}
