using System;
using System.Linq;
using System.Linq.Expressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Infrastructure;

/// <summary>
/// Deletes the rows of one of ServerTools' tables that match a condition (old audit logs, delivered outbox messages) in
/// batches, each a short statement of its own by key (<c>Id</c>), so a purge never locks the table, or holds back
/// vacuum, for long.
/// </summary>
internal static class BatchedDelete
{
    public static async Task<int> RunAsync<TRow>(DbContext context, Expression<Func<TRow, bool>> condition, int batchSize, CancellationToken cancellationToken)
        where TRow : class
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var rows = ServerToolsTables.Rows<TRow>(context);
        var total = 0;
        while (true)
        {
            var ids = rows.Where(condition).OrderBy(row => EF.Property<Guid>(row, "Id")).Select(row => EF.Property<Guid>(row, "Id")).Take(batchSize);
            int deleted;
            try
            {
                deleted = await rows.Where(row => ids.Contains(EF.Property<Guid>(row, "Id"))).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (ServerToolsTables.PostgresError(error) is { } postgres && ServerToolsTables.Explain(
                postgres, ServerToolsTables.TableOf<TRow>(context.Model), $"Nothing more was purged ({total} rows were, in earlier batches).") is { } explained)
            {
                throw explained;
            }

            total += deleted;
            if (deleted < batchSize)
            {
                return total;
            }
        }
    }
}
