using System;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.Infrastructure;

/// <summary>EF Core's documented pattern for a transaction of the application's under a retrying execution strategy.</summary>
internal static class RetriedTransaction
{
    /// <summary>
    /// Saves through the context's execution strategy: each attempt begins a transaction, runs <paramref name="eachAttempt"/>
    /// (what the application does again at each attempt), saves without accepting the changes and commits; the changes
    /// are accepted once an attempt committed.
    /// </summary>
    public static async Task SaveAsync(DbContext context, bool async, Action? eachAttempt = null)
    {
        var strategy = context.Database.CreateExecutionStrategy();
        if (async)
        {
            await strategy.ExecuteAsync(async () =>
            {
                await using var transaction = await context.Database.BeginTransactionAsync();
                eachAttempt?.Invoke();
                await context.SaveChangesAsync(acceptAllChangesOnSuccess: false);
                await transaction.CommitAsync();
            });
        }
        else
        {
            strategy.Execute(() =>
            {
                using var transaction = context.Database.BeginTransaction();
                eachAttempt?.Invoke();
                context.SaveChanges(acceptAllChangesOnSuccess: false);
                transaction.Commit();
            });
        }

        context.ChangeTracker.AcceptAllChanges();
    }
}
