using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
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
