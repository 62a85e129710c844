using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Auditing;

[Audited(Operations = AuditOperations.All)]
public partial class Contract
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public List<ContractLine> Lines { get; set; } = [];
}

public sealed class ContractLine
{
    public int Id { get; set; }
    public int ContractId { get; set; }
    public Contract? Contract { get; set; }
    public string Text { get; set; } = "";
}

[Audited]
public partial class Memo
{
    public int Id { get; set; }
    public string Text { get; set; } = "";
}

public sealed class AuditReadContext(DbContextOptions<AuditReadContext> options) : DbContext(options)
{
    public DbSet<Contract> Contracts => Set<Contract>();
    public DbSet<ContractLine> ContractLines => Set<ContractLine>();
    public DbSet<Memo> Memos => Set<Memo>();
}

/// <summary>Reads of entities audited with <see cref="AuditOperations.Read"/>: once per entity per query, in the query's transaction.</summary>
public sealed class AuditReadTests(AuditReadTests.Database database) : IClassFixture<AuditReadTests.Database>
{
    public sealed class Database() : SchemaFixture<AuditReadContext>(options => new(options))
    {
        protected override void Configure(ServerToolsOptions options)
        {
            options.Auditing.ExcludedUserIds.Add("system");
        }
    }

    [Fact]
    public async Task Each_entity_a_query_returns_is_logged_once_with_the_actor_and_no_lines()
    {
        var ids = await Insert("read-a", "read-b", "read-c");
        using (AuditActor.Use(new AuditActor("u-7", "Reader", "10.0.0.7")))
        {
            await using var context = database.Create();
            var contracts = await context.Contracts.Where(c => ids.Contains(c.Id)).ToListAsync();
            Assert.Equal(3, contracts.Count);
        }

        var reads = await Reads(ids);
        Assert.Equal(ids.Select(Key).Order(), reads.Select(r => r.EntityKey).Order());
        Assert.All(reads, read =>
        {
            Assert.Equal(typeof(Contract).FullName, read.EntityType);
            Assert.Equal(("u-7", "Reader", "10.0.0.7"), (read.UserId, read.UserName, read.IpAddress));
            Assert.Empty(read.Lines);
        });
        Assert.Single(reads.Select(r => r.TransactionId).Distinct());
    }

    [Fact]
    public async Task Entity_returned_twice_by_one_query_is_logged_once_and_again_by_the_next_query()
    {
        var id = (await Insert("read-twice")).Single();
        await using (var context = database.Create())
        {
            context.ContractLines.AddRange(new ContractLine { ContractId = id, Text = "1" }, new ContractLine { ContractId = id, Text = "2" });
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            // Without tracking nor identity resolution, EF creates the contract once per line.
            var lines = await context.ContractLines.AsNoTracking().Include(l => l.Contract).Where(l => l.ContractId == id).ToListAsync();
            Assert.Equal(2, lines.Count);
            Assert.NotSame(lines[0].Contract, lines[1].Contract);
        }

        Assert.Single(await Reads([id]));

        await using (var context = database.Create())
        {
            Assert.NotNull(context.Contracts.AsNoTracking().Single(c => c.Id == id));
        }

        Assert.Equal(2, (await Reads([id])).Count);
    }

    [Fact]
    public async Task Reads_of_types_without_the_read_flag_and_projections_are_not_logged()
    {
        var id = (await Insert("read-projection")).Single();
        await using (var context = database.Create())
        {
            context.Memos.Add(new Memo { Text = "not read-audited" });
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            Assert.NotEmpty(await context.Memos.ToListAsync());
            Assert.Equal("read-projection", await context.Contracts.Where(c => c.Id == id).Select(c => c.Title).SingleAsync());
        }

        await using var check = database.Create();
        Assert.Empty(await check.Set<AuditLog>().Where(l => l.Operation == AuditOperation.Read && l.EntityType == typeof(Memo).FullName).ToListAsync());
        Assert.Empty(await Reads([id]));
    }

    [Fact]
    public async Task Reads_roll_back_with_the_transaction_and_are_not_logged_for_excluded_users_or_when_auditing_is_off()
    {
        var ids = await Insert("read-rollback", "read-excluded", "read-disabled");
        await using (var context = database.Create())
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            Assert.NotNull(await context.Contracts.SingleAsync(c => c.Id == ids[0]));
            await transaction.RollbackAsync();
        }

        using (AuditActor.Use(new AuditActor("system")))
        {
            await using var context = database.Create();
            Assert.NotNull(await context.Contracts.SingleAsync(c => c.Id == ids[1]));
        }

        await using (var context = database.Create(o => o.Auditing.Enabled = false))
        {
            Assert.NotNull(await context.Contracts.SingleAsync(c => c.Id == ids[2]));
        }

        Assert.Empty(await Reads(ids));
    }

    [Fact]
    public async Task Synchronous_and_streaming_queries_log_their_reads()
    {
        var ids = await Insert("read-sync", "read-stream");
        await using (var context = database.Create())
        {
            Assert.Single(context.Contracts.Where(c => c.Id == ids[0]).ToList());
            await foreach (var contract in context.Contracts.Where(c => c.Id == ids[1]).AsAsyncEnumerable())
            {
                Assert.Equal("read-stream", contract.Title);
            }
        }

        Assert.Equal(ids.Select(Key).Order(), (await Reads(ids)).Select(r => r.EntityKey).Order());
    }

    /// <summary>How a streaming query ends after its first rows reached the application.</summary>
    public enum QueryEnd { Error, StatementTimeout, Canceled }

    public static TheoryData<QueryEnd, bool, bool> QueryEnds()
    {
        var data = new TheoryData<QueryEnd, bool, bool>();
        foreach (var end in new[] { QueryEnd.Error, QueryEnd.StatementTimeout, QueryEnd.Canceled })
        {
            foreach (var async in new[] { false, true })
            {
                foreach (var inTransaction in new[] { false, true })
                {
                    // A synchronous query takes no token: it is canceled by a timeout.
                    if (end != QueryEnd.Canceled || async)
                    {
                        data.Add(end, async, inTransaction);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(QueryEnds))]
    public async Task A_query_that_fails_or_is_canceled_after_some_rows_raises_its_own_error_and_logs_the_rows_received_unless_its_transaction_aborted(
        QueryEnd end, bool async, bool inTransaction)
    {
        var id = (await Insert($"read-{end}-{async}-{inTransaction}")).Single();
        await using (var context = database.Create())
        {
            await context.Database.OpenConnectionAsync();
            await using var transaction = inTransaction ? await context.Database.BeginTransactionAsync() : null;
            if (end == QueryEnd.StatementTimeout)
            {
                await context.Database.ExecuteSqlRawAsync("SET statement_timeout = 300");
            }

            // The contract, once per row of the series (EF tracks it once): the first rows arrive, then the query fails
            // (division by zero), outlives its statement timeout (pg_sleep), or runs on until the application cancels it.
            var query = context.Contracts.FromSql(end switch
            {
                QueryEnd.Error => $"SELECT c.* FROM generate_series(1, 3) AS g(n) JOIN \"Contracts\" AS c ON c.\"Id\" = {id} WHERE 1 / (3 - g.n) IS NOT NULL",
                QueryEnd.StatementTimeout => $"SELECT c.* FROM generate_series(1, 100000) AS g(n) JOIN \"Contracts\" AS c ON c.\"Id\" = {id} WHERE g.n < 1000 OR (SELECT pg_sleep(30)) IS NOT NULL",
                _ => $"SELECT c.* FROM generate_series(1, 1000000) AS g(n) JOIN \"Contracts\" AS c ON c.\"Id\" = {id}",
            });
            using var cancel = new CancellationTokenSource();
            var received = 0;
            var error = await Record.ExceptionAsync(async () =>
            {
                if (!async)
                {
                    foreach (var contract in query.AsEnumerable())
                    {
                        received++;
                    }

                    return;
                }

                await foreach (var contract in query.AsAsyncEnumerable().WithCancellation(cancel.Token))
                {
                    received++;
                    if (end == QueryEnd.Canceled)
                    {
                        cancel.Cancel();
                    }
                }
            });

            Assert.True(received > 0);
            switch (end)
            {
                case QueryEnd.Error:
                    Assert.Equal(PostgresErrorCodes.DivisionByZero, Assert.IsType<PostgresException>(error).SqlState);
                    break;
                case QueryEnd.StatementTimeout:
                    Assert.Equal(PostgresErrorCodes.QueryCanceled, Assert.IsType<PostgresException>(error).SqlState);
                    break;
                default:
                    Assert.IsType<OperationCanceledException>(error, exactMatch: false);
                    break;
            }

            if (transaction is not null)
            {
                await transaction.RollbackAsync();
            }

            // The context goes on: its next query is logged as usual.
            Assert.NotNull(await context.Contracts.AsNoTracking().SingleAsync(c => c.Id == id));
        }

        // Outside a transaction the rows received before the end are logged; an aborted transaction can only roll back.
        Assert.Equal(inTransaction ? 1 : 2, (await Reads([id])).Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reads_of_a_query_left_open_when_its_context_is_disposed_are_dropped_and_never_reach_the_next_lease(bool pooled)
    {
        var ids = await Insert("read-open-1", "read-open-2", "read-open-3");
        var options = new DbContextOptionsBuilder<AuditReadContext>().UseNpgsql(database.ConnectionString).UseServerTools().Options;
        var pool = new PooledDbContextFactory<AuditReadContext>(options, poolSize: 1);
        AuditReadContext first;
        using (AuditActor.Use(new AuditActor("alice")))
        {
            await using (first = pooled ? await pool.CreateDbContextAsync() : new AuditReadContext(options))
            {
                // Two contracts read, and the enumerator neither disposed nor read to its end.
                var contracts = first.Contracts.Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id).AsAsyncEnumerable().GetAsyncEnumerator();
                Assert.True(await contracts.MoveNextAsync());
                Assert.True(await contracts.MoveNextAsync());
            }
        }

        using (AuditActor.Use(new AuditActor("bob")))
        {
            await using var second = pooled ? await pool.CreateDbContextAsync() : new AuditReadContext(options);
            Assert.Equal(pooled, ReferenceEquals(first, second));
            _ = await second.Memos.ToListAsync();
            Assert.Empty(await Reads(ids));

            // The next lease starts afresh: its own read of a contract the last one read is logged.
            Assert.NotNull(await second.Contracts.SingleAsync(c => c.Id == ids[0]));
        }

        var read = Assert.Single(await Reads(ids));
        Assert.Equal((Key(ids[0]), "bob"), (read.EntityKey, read.UserId));
    }

    private async Task<int[]> Insert(params string[] titles)
    {
        await using var context = database.Create();
        var contracts = titles.Select(t => new Contract { Title = t }).ToList();
        context.Contracts.AddRange(contracts);
        await context.SaveChangesAsync();
        return [.. contracts.Select(c => c.Id)];
    }

    private async Task<List<AuditLog>> Reads(IEnumerable<int> ids)
    {
        var keys = ids.Select(Key).ToList();
        await using var context = database.Create(o => o.Auditing.Enabled = false);
        return await context.Set<AuditLog>().AsNoTracking()
            .Where(l => l.Operation == AuditOperation.Read && l.EntityType == typeof(Contract).FullName && keys.Contains(l.EntityKey))
            .ToListAsync();
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}
