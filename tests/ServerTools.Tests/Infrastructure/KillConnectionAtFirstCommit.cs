using System;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// Terminates the server process of the connection at its first commit, from another connection, so the commit fails
/// the way a lost connection does and an execution strategy retries the save; later commits go through. The process is
/// waited for until it has ended, so its transaction is rolled back when what another user does before the retry
/// (<paramref name="meanwhile"/>) runs.
/// </summary>
internal sealed class KillConnectionAtFirstCommit(string connectionString, Func<Task>? meanwhile = null) : DbTransactionInterceptor
{
    public int Commits { get; private set; }

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (++Commits == 1)
        {
            using var admin = new NpgsqlConnection(connectionString);
            admin.Open();
            using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1, 30000)", admin) { Parameters = { new() { Value = ((NpgsqlConnection)transaction.Connection!).ProcessID } } };
            Assert.Equal(true, kill.ExecuteScalar());
            meanwhile?.Invoke().GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction,
        TransactionEventData eventData,
        InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        if (++Commits == 1)
        {
            await using var admin = new NpgsqlConnection(connectionString);
            await admin.OpenAsync(cancellationToken);
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1, 30000)", admin) { Parameters = { new() { Value = ((NpgsqlConnection)transaction.Connection!).ProcessID } } };
            Assert.Equal(true, await kill.ExecuteScalarAsync(cancellationToken));
            if (meanwhile is not null)
            {
                await meanwhile();
            }
        }

        return result;
    }
}
