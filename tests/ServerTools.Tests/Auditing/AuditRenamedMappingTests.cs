using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>An application that maps the trail to its own schema, table, columns and JSON names: logs are written there and read back.</summary>
public sealed class AuditRenamedMappingTests(AuditRenamedMappingTests.Database database) : IClassFixture<AuditRenamedMappingTests.Database>
{
    public sealed class Database() : SchemaFixture<RenamedAuditContext>(options => new(options));

    [Fact]
    public async Task Logs_go_where_the_model_maps_them_and_read_back()
    {
        await using var context = database.Create();
        var account = new Account { Name = "renamed-1", Iban = "FR76" };
        context.Accounts.Add(account);
        await context.SaveChangesAsync();
        account.Name = "renamed-2";
        await context.SaveChangesAsync();

        await using var check = database.Create();
        var trail = await check.AuditTrail(account).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], trail.Select(l => l.Operation));
        Assert.Equal([("Name", "renamed-1", "renamed-2")], Lines(trail[1]));
        Assert.Equal(
            [(null, "renamed-1"), ("renamed-1", "renamed-2")],
            (await check.FieldHistory<Account>(nameof(Account.Name), account.Id).ToListAsync()).Select(c => (c.OldValue, c.NewValue)));

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT changes::text, pg_typeof(changes)::text FROM audit.change_log WHERE entity_key = $1 AND operation = 'Update'""", connection)
        {
            Parameters = { new() { Value = account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("""[{"new": "renamed-2", "old": "renamed-1", "field": "Name"}]""", reader.GetString(0));
        Assert.Equal("jsonb", reader.GetString(1));
    }
}

/// <summary>A context that maps the audit trail its own way, as an application may in OnModelCreating.</summary>
public sealed class RenamedAuditContext(DbContextOptions<RenamedAuditContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<AuditLog>(log =>
        {
            log.ToTable("change_log", "audit");
            log.Property(l => l.EntityKey).HasColumnName("entity_key");
            log.Property(l => l.Operation).HasColumnName("operation");
            log.ComplexCollection(l => l.Lines, lines =>
            {
                // jsonb rather than ServerTools' json: the writer follows the model's column type.
                lines.ToJson("changes").HasColumnType("jsonb");
                lines.Property(l => l.Field).HasJsonPropertyName("field");
                lines.Property(l => l.OldValue).HasJsonPropertyName("old");
                lines.Property(l => l.NewValue).HasJsonPropertyName("new");
            });
        });
}
