using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Tests.Auditing;

/// <summary>Audit logs as plain values, for assertions.</summary>
internal static class AuditLogText
{
    /// <summary>The lines of <paramref name="log"/> in the order they were written.</summary>
    public static List<(string Field, string? Old, string? New)> Lines(AuditLog log)
        => [.. log.Lines.Select(l => (l.Field, l.OldValue, l.NewValue))];
}
