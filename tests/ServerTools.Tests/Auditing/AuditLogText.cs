using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.Auditing;

/// <summary>Audit logs as plain values, for assertions.</summary>
internal static class AuditLogText
{
    /// <summary>The lines of <paramref name="log"/> in the order they were written.</summary>
    public static List<(string Field, string? Old, string? New)> Lines(AuditLog log)
        => [.. log.Lines.Select(l => (l.Field, l.OldValue, l.NewValue))];

    /// <summary>An integer key as the logs write it.</summary>
    public static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The logs of the <typeparamref name="TEntity"/> with key <paramref name="id"/>, oldest first, read in a context of their own.</summary>
    public static async Task<List<AuditLog>> Logs<TEntity>(Func<DbContext> create, int id)
    {
        await using var context = create();
        var key = Key(id);
        return await context.Set<AuditLog>().AsNoTracking()
            .Where(l => l.EntityType == typeof(TEntity).FullName && l.EntityKey == key)
            .OrderBy(l => l.Id)
            .ToListAsync();
    }
}
