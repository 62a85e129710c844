using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ServerTools.Tests.Auditing;

/// <summary>
/// The roles docs/auditing.md recommends to protect the trail, on PostgreSQL: an application that may only add to the
/// audit table still writes the whole trail (creates, updates, deletes and reads) and cannot change, delete or read it;
/// readers read it, and only the purge's role deletes from it.
/// </summary>
public sealed class AuditPrivilegesTests(AuditReadTests.Database database) : IClassFixture<AuditReadTests.Database>
{
    [Fact]
    public async Task An_application_role_with_insert_only_on_the_audit_table_writes_the_trail_and_cannot_change_or_read_it()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (app, reader, purger) = ($"st_app_{suffix}", $"st_audit_reader_{suffix}", $"st_audit_purge_{suffix}");
        await using (var owner = database.Create())
        {
            // The statements of docs/auditing.md, "Protecting the trail"; the fixture's user owns the tables, as a migration
            // role does. Role names are identifiers, not values: they cannot be parameters (these are made of hex digits).
            var grants = $"""
                CREATE ROLE {app} LOGIN PASSWORD 'app-secret';
                CREATE ROLE {reader} LOGIN PASSWORD 'reader-secret';
                CREATE ROLE {purger} LOGIN PASSWORD 'purger-secret';
                GRANT USAGE ON SCHEMA public TO {app};
                GRANT SELECT, INSERT, UPDATE, DELETE ON "Contracts", "ContractLines", "Memos" TO {app};
                GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {app};
                GRANT INSERT ON servertools_audit_log TO {app};
                GRANT SELECT, INSERT, UPDATE, DELETE ON servertools_rule_violations TO {app};
                GRANT USAGE ON SCHEMA public TO {reader};
                GRANT SELECT ON servertools_audit_log TO {reader};
                GRANT USAGE ON SCHEMA public TO {purger};
                GRANT SELECT, DELETE ON servertools_audit_log TO {purger};
                """;
            await owner.Database.ExecuteSqlRawAsync(grants);
        }

        try
        {
            int id, memoId;
            await using (var context = Connect(app, "app-secret"))
            {
                var contract = new Contract { Title = "privileges" };
                context.Contracts.Add(contract);
                await context.SaveChangesAsync();
                contract.Title = "privileges, changed";
                var memo = new Memo { Text = "deleted" };
                context.Memos.Add(memo);
                await context.SaveChangesAsync();
                context.Memos.Remove(memo);
                await context.SaveChangesAsync();
                id = contract.Id;
                memoId = memo.Id;
                context.ChangeTracker.Clear();
                Assert.NotNull(await context.Contracts.AsNoTracking().SingleAsync(c => c.Id == id));

                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => context.AuditTrailByKey<Contract>(id).ToListAsync())).SqlState);
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => context.PurgeAuditLogsAsync(DateTimeOffset.UtcNow.AddDays(1)))).SqlState);
            }

            await using (var context = Connect(reader, "reader-secret"))
            {
                var trail = await context.AuditTrailByKey<Contract>(id).ToListAsync();
                Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Read], trail.Select(l => l.Operation));
                Assert.Equal([AuditOperation.Create, AuditOperation.Delete], await context.AuditTrailByKey<Memo>(memoId).Select(l => l.Operation).ToListAsync());

                // Changing a log, as a role that may read it: refused, as for the application.
                var log = trail[0];
                context.Attach(log);
                log.UserId = "someone else";
                var refused = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(refused.InnerException).SqlState);
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => context.PurgeAuditLogsAsync(DateTimeOffset.UtcNow.AddDays(1)))).SqlState);
            }

            await using (var context = Connect(purger, "purger-secret"))
            {
                Assert.Equal(5, await context.PurgeAuditLogsAsync(DateTimeOffset.UtcNow.AddDays(1)));
                Assert.Equal(0, await context.Set<AuditLog>().CountAsync());
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var owner = database.Create();
            foreach (var role in new[] { app, reader, purger })
            {
                var drop = $"DROP OWNED BY {role}; DROP ROLE {role};";
                await owner.Database.ExecuteSqlRawAsync(drop);
            }
        }
    }

    /// <summary>A context of the application as <paramref name="role"/>, on the fixture's database.</summary>
    private AuditReadContext Connect(string role, string password)
    {
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = password };
        return new AuditReadContext(new DbContextOptionsBuilder<AuditReadContext>().UseNpgsql(connection.ConnectionString).UseServerTools().Options);
    }
}
