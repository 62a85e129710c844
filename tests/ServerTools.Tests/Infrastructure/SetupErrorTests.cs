using System;
using System.Data;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// Setup mistakes a new user makes, each refused with an error that says what to do, and nothing half written: a context
/// without <c>UseServerTools()</c> that saves changes of audited or tracked entities, and a database without ServerTools'
/// tables, columns or pg_trgm.
/// </summary>
public sealed class SetupErrorTests(SetupErrorDatabases databases) : IClassFixture<SetupErrorDatabases>
{
    [Fact]
    public async Task A_context_without_UseServerTools_that_adds_audited_and_tracked_entities_is_refused_the_save_and_saves_nothing()
    {
        await using var check = SetupErrorDatabases.WithServerTools(databases.Full);
        var logs = await check.Set<AuditLog>().CountAsync();
        var messages = await check.Set<OutboxMessage>().CountAsync();
        await using var context = SetupErrorDatabases.Plain(databases.Full);
        var receipt = new Receipt { Number = "without-1" };
        var consignment = new Consignment { State = "packed" };
        context.AddRange(receipt, consignment);

        var error = Assert.Throws<InvalidOperationException>(() => context.SaveChanges());
        var asynchronous = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());

        Assert.Equal(error.Message, asynchronous.Message);
        Assert.StartsWith("SetupContext would save changes of [Audited] Receipt and [Tracked] Consignment, but its options do not call UseServerTools()", error.Message, StringComparison.Ordinal);
        Assert.Contains("no audit trail, no outbox message for the subscribers and no On{X}Changed hook", error.Message, StringComparison.Ordinal);
        Assert.Contains("Add .UseServerTools() after the database provider's Use...()", error.Message, StringComparison.Ordinal);
        Assert.Contains("o.Auditing.Enabled = false; o.Tracking.Enabled = false;", error.Message, StringComparison.Ordinal);
        Assert.Equal(EntityState.Added, context.Entry(receipt).State);
        Assert.Equal(0, consignment.HookRuns);

        // Reading through the same context still works; nothing reached the database.
        Assert.False(await context.Receipts.AnyAsync(r => r.Number == "without-1"));
        Assert.False(await context.Consignments.AnyAsync(c => c.State == "packed"));
        Assert.Equal((logs, messages), (await check.Set<AuditLog>().CountAsync(), await check.Set<OutboxMessage>().CountAsync()));
    }

    [Fact]
    public async Task Only_the_saves_of_marked_entities_without_UseServerTools_are_refused_not_reads_not_a_switched_off_trail_not_other_models()
    {
        await using (var plain = SetupErrorDatabases.Plain(databases.Full))
        {
            plain.Receipts.Add(new Receipt { Number = "only-refused" });
            Assert.Throws<InvalidOperationException>(() => plain.SaveChanges());
        }

        // UseServerTools() with auditing and tracking turned off: saved, without a trail, an outbox message or a hook.
        var consignment = new Consignment { State = "off" };
        await using (var off = SetupErrorDatabases.WithServerTools(databases.Full, o => (o.Auditing.Enabled, o.Tracking.Enabled) = (false, false)))
        {
            off.AddRange(new Receipt { Number = "off-1" }, consignment);
            Assert.Equal(2, off.SaveChanges());
            consignment.State = "still off";
            Assert.Equal(1, await off.SaveChangesAsync());
            Assert.Equal(0, consignment.HookRuns);
        }

        await using (var check = SetupErrorDatabases.WithServerTools(databases.Full))
        {
            var id = (await check.Receipts.SingleAsync(r => r.Number == "off-1")).Id;
            Assert.Empty(await check.AuditTrailByKey<Receipt>(id).ToListAsync());
            Assert.False(await check.Set<OutboxMessage>().AnyAsync(m => m.EntityType == typeof(Consignment).FullName && m.EntityKey == consignment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        // Reads without UseServerTools() work as before.
        await using (var plain = SetupErrorDatabases.Plain(databases.Full))
        {
            var receipt = await plain.Receipts.SingleAsync(r => r.Number == "off-1");
            Assert.Same(receipt, await plain.Receipts.FindAsync(receipt.Id));
            Assert.Equal(["off-1"], plain.Receipts.AsNoTracking().Where(r => r.Number == "off-1").Select(r => r.Number).ToList());
            Assert.False(plain.Receipts.Any(r => r.Number == "only-refused"));
        }

        // A model without audited or tracked entities saves without UseServerTools().
        await using var unmarked = new UnmarkedContext(new DbContextOptionsBuilder<UnmarkedContext>().UseNpgsql(databases.Full).Options);
        unmarked.Coupons.Add(new Coupon { Code = "unmarked-1" });
        Assert.Equal(1, await unmarked.SaveChangesAsync());
    }

    [Fact]
    public async Task A_context_without_UseServerTools_that_maps_an_audited_table_saves_its_own_entities_and_is_refused_only_changes_of_the_audited_ones()
    {
        int id;
        await using (var setup = SetupErrorDatabases.WithServerTools(databases.Full))
        {
            var stored = new Receipt { Number = "reader-1" };
            setup.Receipts.Add(stored);
            await setup.SaveChangesAsync();
            id = stored.Id;
        }

        // A read model: it tracks the receipt it read and saves coupons of its own; nothing of the receipt's is saved.
        await using (var reader = Reader())
        {
            var receipt = await reader.Receipts.SingleAsync(r => r.Id == id);
            reader.Coupons.Add(new Coupon { Code = "reader-1" });
            Assert.Equal(1, reader.SaveChanges());
            reader.Coupons.Add(new Coupon { Code = "reader-2" });
            Assert.Equal(1, await reader.SaveChangesAsync());

            // A change that only DetectChanges finds, as the save would.
            receipt.Number = "reader-1, changed";
            reader.Coupons.Add(new Coupon { Code = "reader-3" });

            var error = Assert.Throws<InvalidOperationException>(() => reader.SaveChanges());
            var asynchronous = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.SaveChangesAsync());

            Assert.Equal(error.Message, asynchronous.Message);
            Assert.StartsWith("ReceiptReaderContext would save changes of [Audited] Receipt, but its options do not call UseServerTools(), so they would be stored with no audit trail, and nothing would say so; nothing was saved.", error.Message, StringComparison.Ordinal);
            Assert.Contains("a context that only reads these entities saves its own without it", error.Message, StringComparison.Ordinal);
        }

        await using (var reader = Reader())
        {
            reader.Receipts.Add(new Receipt { Number = "reader-2" });
            Assert.StartsWith("ReceiptReaderContext would save changes of [Audited] Receipt,", Assert.Throws<InvalidOperationException>(() => reader.SaveChanges()).Message, StringComparison.Ordinal);
        }

        await using (var reader = Reader())
        {
            reader.Receipts.Remove(await reader.Receipts.SingleAsync(r => r.Id == id));
            Assert.StartsWith("ReceiptReaderContext would save changes of [Audited] Receipt,", (await Assert.ThrowsAsync<InvalidOperationException>(() => reader.SaveChangesAsync())).Message, StringComparison.Ordinal);
        }

        // Without automatic detection a change the application did not report is not saved: nothing is lost, the save runs.
        await using (var reader = Reader())
        {
            reader.ChangeTracker.AutoDetectChangesEnabled = false;
            var receipt = await reader.Receipts.SingleAsync(r => r.Id == id);
            receipt.Number = "reader-1, not detected";
            reader.Coupons.Add(new Coupon { Code = "reader-4" });
            Assert.Equal(1, await reader.SaveChangesAsync());

            reader.Entry(receipt).State = EntityState.Modified;
            Assert.StartsWith("ReceiptReaderContext would save changes of [Audited] Receipt,", Assert.Throws<InvalidOperationException>(() => reader.SaveChanges()).Message, StringComparison.Ordinal);
        }

        await using var check = SetupErrorDatabases.WithServerTools(databases.Full);
        Assert.Equal(["reader-1"], await check.Receipts.Where(r => r.Number.StartsWith("reader-")).Select(r => r.Number).ToListAsync());
        Assert.Equal(["reader-1", "reader-2", "reader-4"], await check.Coupons.Where(c => c.Code.StartsWith("reader-")).OrderBy(c => c.Code).Select(c => c.Code).ToListAsync());

        ReceiptReaderContext Reader() => new(new DbContextOptionsBuilder<ReceiptReaderContext>().UseNpgsql(databases.Full).Options);
    }

    [Fact]
    public async Task A_context_without_UseServerTools_that_maps_an_audited_class_as_a_view_or_keyless_saves_its_own_entities()
    {
        await using (var setup = SetupErrorDatabases.WithServerTools(databases.Full))
        {
            await setup.Database.ExecuteSqlRawAsync($"""CREATE OR REPLACE VIEW {ReceiptViewContext.View} AS SELECT * FROM "Receipts" """);
            setup.Receipts.Add(new Receipt { Number = "view-1" });
            await setup.SaveChangesAsync();
        }

        await using (var view = new ReceiptViewContext(new DbContextOptionsBuilder<ReceiptViewContext>().UseNpgsql(databases.Full).Options))
        {
            Assert.Contains(await view.Receipts.ToListAsync(), r => r.Number == "view-1");
            view.Coupons.Add(new Coupon { Code = "view-1" });
            Assert.Equal(1, view.SaveChanges());
            view.Coupons.Add(new Coupon { Code = "view-2" });
            Assert.Equal(1, await view.SaveChangesAsync());
        }

        await using (var keyless = new KeylessReceiptContext(new DbContextOptionsBuilder<KeylessReceiptContext>().UseNpgsql(databases.Full).Options))
        {
            Assert.Contains(await keyless.Receipts.ToListAsync(), r => r.Number == "view-1");
            keyless.Coupons.Add(new Coupon { Code = "keyless-1" });
            Assert.Equal(1, keyless.SaveChanges());
        }

        await using var check = SetupErrorDatabases.WithServerTools(databases.Full);
        Assert.Equal(3, await check.Coupons.CountAsync(c => c.Code == "view-1" || c.Code == "view-2" || c.Code == "keyless-1"));
    }

    [Fact]
    public async Task A_context_without_UseServerTools_is_refused_a_change_of_an_audited_entitys_owned_value_or_links_and_saves_its_other_changes()
    {
        int id;
        await using (var setup = SetupErrorDatabases.WithServerTools(databases.Full))
        {
            var stored = new Parcel { Label = "parcel-1", Address = new ParcelAddress { City = "Lyon" }, Carriers = [new Carrier { Name = "linked-1" }] };
            setup.Parcels.Add(stored);
            setup.Carriers.Add(new Carrier { Name = "unlinked-1" });
            await setup.SaveChangesAsync();
            id = stored.Id;
        }

        await using (var plain = SetupErrorDatabases.Plain(databases.Full))
        {
            var parcel = await plain.Parcels.Include(p => p.Carriers).SingleAsync(p => p.Id == id);
            (await plain.Carriers.SingleAsync(c => c.Name == "linked-1")).Name = "linked-1, renamed";
            plain.Add(new Coupon { Code = "beside-parcel-1" });
            Assert.Equal(2, await plain.SaveChangesAsync());

            // Only the owned entry is modified: the audit logs it as an update of the parcel.
            parcel.Address.City = "Lille";
            Assert.StartsWith(
                "SetupContext would save changes of [Audited] Parcel, but its options do not call UseServerTools(), so they would be stored with no audit trail",
                Assert.Throws<InvalidOperationException>(() => plain.SaveChanges()).Message,
                StringComparison.Ordinal);
        }

        await using (var plain = SetupErrorDatabases.Plain(databases.Full))
        {
            var parcel = await plain.Parcels.Include(p => p.Carriers).SingleAsync(p => p.Id == id);
            parcel.Carriers.Add(await plain.Carriers.SingleAsync(c => c.Name == "unlinked-1"));
            Assert.StartsWith("SetupContext would save changes of [Audited] Parcel,", Assert.Throws<InvalidOperationException>(() => plain.SaveChanges()).Message, StringComparison.Ordinal);
        }

        await using (var plain = SetupErrorDatabases.Plain(databases.Full))
        {
            var parcel = await plain.Parcels.Include(p => p.Carriers).SingleAsync(p => p.Id == id);
            parcel.Carriers.Clear();
            Assert.StartsWith("SetupContext would save changes of [Audited] Parcel,", (await Assert.ThrowsAsync<InvalidOperationException>(() => plain.SaveChangesAsync())).Message, StringComparison.Ordinal);
        }

        await using var check = SetupErrorDatabases.WithServerTools(databases.Full);
        var saved = await check.Parcels.Include(p => p.Carriers).SingleAsync(p => p.Id == id);
        Assert.Equal("Lyon", saved.Address.City);
        Assert.Equal(["linked-1, renamed"], saved.Carriers.Select(c => c.Name));
        Assert.True(await check.Coupons.AnyAsync(c => c.Code == "beside-parcel-1"));
    }

    [Fact]
    public void ServerTools_asks_EF_Core_for_the_start_of_a_save_and_a_failed_query_and_no_other_event()
    {
        // A listener as EF Core creates one per service provider: ServerTools subscribes to it when it is created.
        using var listener = new DiagnosticListener(DbLoggerCategory.Name);

        Assert.True(listener.IsEnabled(CoreEventId.SaveChangesStarting.Name!));
        Assert.True(listener.IsEnabled(CoreEventId.QueryIterationFailed.Name!));
        Assert.All(
            new[]
            {
                CoreEventId.ContextInitialized, CoreEventId.QueryCompilationStarting, CoreEventId.StartedTracking, CoreEventId.DetectChangesStarting,
                CoreEventId.SaveChangesCompleted, RelationalEventId.CommandExecuting, RelationalEventId.CommandExecuted, RelationalEventId.ConnectionOpened,
            },
            id => Assert.False(listener.IsEnabled(id.Name!), id.Name));
    }

    [Fact]
    public async Task A_save_to_a_database_without_the_audit_table_says_to_add_a_migration_and_stores_nothing()
    {
        await using var context = SetupErrorDatabases.WithServerTools(databases.Bare);
        context.Receipts.Add(new Receipt { Number = "bare-1" });

        var error = Assert.Throws<InvalidOperationException>(() => context.SaveChanges());
        var asynchronous = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());

        Assert.Equal(error.Message, asynchronous.Message);
        Assert.StartsWith("The database has no table servertools_audit_log visible to this connection (its role and search_path), which UseServerTools() maps in the model", error.Message, StringComparison.Ordinal);
        Assert.Contains("Add a migration (dotnet ef migrations add AddServerTools) and apply it (dotnet ef database update)", error.Message, StringComparison.Ordinal);
        Assert.Contains("EnsureCreated()", error.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        await using var check = SetupErrorDatabases.Plain(databases.Bare);
        Assert.False(await check.Receipts.AnyAsync(r => r.Number == "bare-1"));
    }

    [Fact]
    public async Task A_save_to_a_database_without_the_outbox_says_to_add_a_migration_and_stores_nothing()
    {
        await using var context = SetupErrorDatabases.WithServerTools(databases.Bare);
        var consignment = new Consignment { State = "bare" };
        context.Consignments.Add(consignment);
        await context.SaveChangesAsync(); // a create is not delivered: no outbox row
        consignment.State = "bare, changed";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());

        Assert.StartsWith("The database has no table servertools_outbox visible to this connection (its role and search_path), which UseServerTools() maps in the model", error.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet ef migrations add AddServerTools", error.Message, StringComparison.Ordinal);
        await using var check = SetupErrorDatabases.Plain(databases.Bare);
        Assert.Equal("bare", (await check.Consignments.SingleAsync(c => c.Id == consignment.Id)).State);
    }

    [Fact]
    public async Task A_save_to_a_database_without_the_violations_table_says_to_add_a_migration_and_stores_nothing()
    {
        // This test assembly has rule classes, so inserting an entity with a key of its own clears its stored violations first.
        await using var context = SetupErrorDatabases.WithServerTools(databases.Bare);
        context.Coupons.Add(new Coupon { Code = "bare-1" });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => context.SaveChangesAsync());

        var explained = Assert.IsType<InvalidOperationException>(error as InvalidOperationException ?? error.InnerException);
        Assert.StartsWith("The database has no table servertools_rule_violations visible to this connection (its role and search_path), which UseServerTools() maps in the model", explained.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet ef migrations add AddServerTools", explained.Message, StringComparison.Ordinal);
        await using var check = SetupErrorDatabases.Plain(databases.Bare);
        Assert.False(await check.Coupons.AnyAsync(c => c.Code == "bare-1"));
    }

    [Fact]
    public async Task Data_rules_on_a_database_without_their_table_say_to_add_a_migration()
    {
        await using (var context = SetupErrorDatabases.WithServerTools(databases.Bare))
        {
            context.Add(new ExceptionRuleDefinition { Id = "bare.number", EntityType = nameof(Receipt), Expression = "receipt.Number == \"\"", Message = "m" });

            var save = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());

            Assert.StartsWith("The database has no table servertools_rule_definitions visible to this connection (its role and search_path), which UseServerTools() maps in the model", save.Message, StringComparison.Ordinal);
        }

        var services = new ServiceCollection();
        services.AddDbContext<SetupContext>(o => o.UseNpgsql(databases.Bare).UseServerTools());
        services.AddServerTools(o => o.Rules.UseDataRules<SetupContext>());
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var scope = provider.CreateAsyncScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

        var evaluate = Assert.Throws<InvalidOperationException>(() => engine.Evaluate(new Receipt()));

        Assert.StartsWith("The database has no table servertools_rule_definitions visible to this connection (its role and search_path), which UseServerTools() maps in the model", evaluate.Message, StringComparison.Ordinal);
        Assert.Contains("The data rules of SetupContext are read from it", evaluate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_check_with_an_engine_without_data_rules_on_a_database_without_their_table_says_to_add_a_migration()
    {
        using var services = new ServiceCollection().AddServerTools().BuildServiceProvider();
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        await using var context = SetupErrorDatabases.WithServerTools(databases.Bare);
        var receipt = new Receipt { Id = 1, Number = "R-1" };
        context.Attach(receipt);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(engine, receipt));

        Assert.StartsWith("The database has no table servertools_rule_definitions visible to this connection (its role and search_path), which UseServerTools() maps in the model", error.Message, StringComparison.Ordinal);
        Assert.Contains("The rule check reads it to find data rules the engine would skip.", error.Message, StringComparison.Ordinal);
        Assert.IsType<Npgsql.PostgresException>(error.InnerException);
    }

    [Fact]
    public async Task A_query_of_ServerTools_tables_on_a_database_without_them_says_to_add_a_migration_and_other_missing_tables_keep_PostgreSQLs_error()
    {
        await using var context = SetupErrorDatabases.WithServerTools(databases.Bare);

        // The application's own queries of ServerTools' tables (an audit screen, an outbox monitor), synchronous or not.
        var audit = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Set<AuditLog>().Where(l => l.EntityKey == "1").ToListAsync());
        var outbox = Assert.Throws<InvalidOperationException>(() => context.Set<OutboxMessage>().Count());
        var rules = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Set<ExceptionRuleDefinition>().AnyAsync());

        Assert.StartsWith("The database has no table servertools_audit_log visible to this connection (its role and search_path), which UseServerTools() maps in the model: PostgreSQL refused a query on it.", audit.Message, StringComparison.Ordinal);
        Assert.StartsWith("The database has no table servertools_outbox visible to this connection", outbox.Message, StringComparison.Ordinal);
        Assert.StartsWith("The database has no table servertools_rule_definitions visible to this connection", rules.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet ef migrations add AddServerTools", audit.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, Assert.IsType<PostgresException>(audit.InnerException).SqlState);

        // A table of the application's that the database lacks is not ServerTools' to explain, nor a table of that name in
        // a context type whose model has no ServerTools table.
        var own = await Assert.ThrowsAsync<PostgresException>(() => context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM no_such_table").ToListAsync());
        Assert.Equal(PostgresErrorCodes.UndefinedTable, own.SqlState);
        await using var reader = new ReceiptReaderContext(new DbContextOptionsBuilder<ReceiptReaderContext>().UseNpgsql(databases.Bare).Options);
        var other = await Assert.ThrowsAsync<PostgresException>(() => reader.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM servertools_outbox").ToListAsync());
        Assert.Equal(PostgresErrorCodes.UndefinedTable, other.SqlState);

        // ServerTools' purges (ExecuteDelete, which EF Core reports no failed query of) explain it themselves.
        var purge = await Assert.ThrowsAsync<InvalidOperationException>(() => context.PurgeAuditLogsAsync(DateTimeOffset.UtcNow, 100));
        Assert.StartsWith("The database has no table servertools_audit_log visible to this connection", purge.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing more was purged (0 rows were, in earlier batches).", purge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteUpdate_and_ExecuteDelete_of_ServerTools_tables_on_a_database_without_them_say_to_add_a_migration_and_other_missing_tables_keep_PostgreSQLs_error()
    {
        await using var context = SetupErrorDatabases.WithServerTools(databases.Bare);
        var connection = context.Database.GetDbConnection();

        // The application's own bulk statements on ServerTools' tables (rules.md deletes stored violations so), synchronous or not.
        var violations = await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Set<StoredRuleViolation>().Where(v => v.EntityKey == "1").ExecuteDeleteAsync());
        Assert.Equal(ConnectionState.Closed, connection.State);
        var audit = Assert.Throws<InvalidOperationException>(() => context.Set<AuditLog>().Where(l => l.EntityKey == "1").ExecuteDelete());
        var outbox = await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Set<OutboxMessage>().ExecuteUpdateAsync(setters => setters.SetProperty(m => m.LastError, "secret 4711")));
        var rules = Assert.Throws<InvalidOperationException>(
            () => context.Set<ExceptionRuleDefinition>().ExecuteUpdate(setters => setters.SetProperty(d => d.Sequence, 1)));
        Assert.Equal(ConnectionState.Closed, connection.State);

        Assert.StartsWith(
            "The database has no table servertools_rule_violations visible to this connection (its role and search_path), which UseServerTools() maps in the model: "
            + "PostgreSQL refused an ExecuteUpdate or ExecuteDelete on it. It changed no row.",
            violations.Message,
            StringComparison.Ordinal);
        Assert.StartsWith("The database has no table servertools_audit_log visible to this connection", audit.Message, StringComparison.Ordinal);
        Assert.StartsWith("The database has no table servertools_outbox visible to this connection", outbox.Message, StringComparison.Ordinal);
        Assert.StartsWith("The database has no table servertools_rule_definitions visible to this connection", rules.Message, StringComparison.Ordinal);
        foreach (var explained in new[] { violations, audit, outbox, rules })
        {
            Assert.Contains("dotnet ef migrations add AddServerTools", explained.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("4711", explained.Message, StringComparison.Ordinal);
            Assert.Equal(PostgresErrorCodes.UndefinedTable, Assert.IsType<PostgresException>(explained.InnerException).SqlState);
        }

        // A table of the application's that the database lacks is not ServerTools' to explain, in a context with ServerTools'
        // tables or in one without.
        await using var missing = new MissingCouponsContext(new DbContextOptionsBuilder<MissingCouponsContext>().UseNpgsql(databases.Bare).UseServerTools().Options);
        var own = await Assert.ThrowsAsync<PostgresException>(() => missing.Coupons.Where(c => c.Code == "x").ExecuteDeleteAsync());
        Assert.Equal(PostgresErrorCodes.UndefinedTable, own.SqlState);
        await using var plain = new MissingCouponsContext(new DbContextOptionsBuilder<MissingCouponsContext>().UseNpgsql(databases.Bare).Options);
        var other = Assert.Throws<PostgresException>(() => plain.Coupons.ExecuteUpdate(setters => setters.SetProperty(c => c.Code, "y")));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, other.SqlState);
    }

    [Fact]
    public async Task A_query_by_a_role_that_may_not_use_the_schema_of_ServerTools_tables_says_to_grant_it_before_creating_them_again()
    {
        var role = $"st_hidden_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var owner = SetupErrorDatabases.WithServerTools(databases.Full))
        {
            // Role names are identifiers, not values: they cannot be parameters (this one is made of hex digits).
            var setup = $"CREATE ROLE {role} LOGIN PASSWORD 'hidden-secret'; REVOKE USAGE ON SCHEMA public FROM PUBLIC;";
            await owner.Database.ExecuteSqlRawAsync(setup);
        }

        try
        {
            var connection = new NpgsqlConnectionStringBuilder(databases.Full) { Username = role, Password = "hidden-secret" };
            await using var context = SetupErrorDatabases.WithServerTools(connection.ConnectionString);

            // The table exists, in a schema this role may not use: PostgreSQL says it does not exist.
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Set<OutboxMessage>().ToListAsync());

            Assert.StartsWith("The database has no table servertools_outbox visible to this connection (its role and search_path)", error.Message, StringComparison.Ordinal);
            var grant = error.Message.IndexOf("grant the role USAGE on the table's schema", StringComparison.Ordinal);
            var searchPath = error.Message.IndexOf("or set its search_path", StringComparison.Ordinal);
            var ensureCreated = error.Message.IndexOf("EnsureCreated()", StringComparison.Ordinal);
            Assert.True(grant > 0 && searchPath > grant && ensureCreated > searchPath, error.Message);
            Assert.Equal(PostgresErrorCodes.UndefinedTable, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        }
        finally
        {
            await using var owner = SetupErrorDatabases.WithServerTools(databases.Full);
            var restore = $"GRANT USAGE ON SCHEMA public TO PUBLIC; DROP ROLE {role};";
            await owner.Database.ExecuteSqlRawAsync(restore);
        }
    }

    [Fact]
    public async Task The_dispatcher_on_a_database_without_the_outbox_says_to_add_a_migration()
    {
        var services = new ServiceCollection();
        services.AddDbContext<SetupContext>(o => o.UseNpgsql(databases.Bare).UseServerTools());
        services.AddScoped<ITrackedChangeHandler<Consignment>, ConsignmentHandler>();
        services.AddTrackedChangeDispatcher<SetupContext>();
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetRequiredService<TrackedChangeDispatcher<SetupContext>>().DispatchAsync());

        Assert.StartsWith("The database has no table servertools_outbox visible to this connection (its role and search_path), which UseServerTools() maps in the model", error.Message, StringComparison.Ordinal);
        Assert.Contains("The dispatcher of SetupContext delivers no tracked change until the database has it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_save_to_an_audit_table_that_lacks_a_column_names_it_and_says_to_add_a_migration()
    {
        using (var context = SetupErrorDatabases.WithServerTools(databases.Full))
        {
            // The table as an older version of ServerTools made it.
            context.Database.ExecuteSqlRaw("""ALTER TABLE servertools_audit_log RENAME COLUMN "TraceId" TO "OldTraceId" """);
            try
            {
                context.Receipts.Add(new Receipt { Number = "column-1" });

                var error = Assert.Throws<InvalidOperationException>(() => context.SaveChanges());

                Assert.StartsWith("The database's table servertools_audit_log lacks a column that UseServerTools() maps in the model", error.Message, StringComparison.Ordinal);
                Assert.Contains("\"TraceId\"", error.Message, StringComparison.Ordinal);
                Assert.Contains("Add a migration (dotnet ef migrations add UpdateServerTools) and apply it", error.Message, StringComparison.Ordinal);
                Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(error.InnerException).SqlState);
            }
            finally
            {
                context.Database.ExecuteSqlRaw("""ALTER TABLE servertools_audit_log RENAME COLUMN "OldTraceId" TO "TraceId" """);
            }
        }

        using var check = SetupErrorDatabases.WithServerTools(databases.Full);
        Assert.False(check.Receipts.Any(r => r.Number == "column-1"));
    }

    [Fact]
    public async Task A_call_of_a_pg_trgm_function_that_pg_trgm_does_not_declare_keeps_PostgreSQLs_error_on_a_database_that_has_it()
    {
        await using var context = SetupErrorDatabases.WithServerTools(databases.Full);
        await using var plain = SetupErrorDatabases.Plain(databases.Full);
        Assert.Equal(1f, await context.Database.SqlQueryRaw<float>("""SELECT similarity('jon', 'jon') AS "Value" """).SingleAsync());

        var integer = Assert.Throws<PostgresException>(() => context.Database.SqlQueryRaw<float>("""SELECT similarity('jon', 1) AS "Value" """).ToList());
        var withoutServerTools = await Assert.ThrowsAsync<PostgresException>(() => plain.Database.SqlQueryRaw<float>("""SELECT word_similarity(2, 'jon') AS "Value" """).ToListAsync());
        var three = Assert.Throws<PostgresException>(() => plain.Database.SqlQueryRaw<float>("""SELECT strict_word_similarity('jon', 'jo', 'j') AS "Value" """).ToList());

        Assert.Equal(
            [
                (PostgresErrorCodes.UndefinedFunction, "function similarity(unknown, integer) does not exist"),
                (PostgresErrorCodes.UndefinedFunction, "function word_similarity(integer, unknown) does not exist"),
                (PostgresErrorCodes.UndefinedFunction, "function strict_word_similarity(unknown, unknown, unknown) does not exist"),
            ],
            new[] { integer, withoutServerTools, three }.Select(e => (e.SqlState, e.MessageText)));
    }

    [Fact]
    public async Task A_fuzzy_search_on_a_database_without_pg_trgm_says_the_migration_brings_it()
    {
        await using var context = SetupErrorDatabases.WithServerTools(databases.Bare);

        var search = Assert.Throws<InvalidOperationException>(() => context.Prospects.FuzzySearch("jon smyth").ToList());
        var asynchronous = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Prospects.FuzzySearch("jon smyth").ToListAsync());
        var score = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Prospects.Select(p => TrigramFunctions.Similarity(p.Name, "jon")).ToListAsync());

        Assert.StartsWith("The connection finds no pg_trgm, which fuzzy search (FuzzySearch, TrigramFunctions) runs on: PostgreSQL answered \"operator does not exist: text % text\"", search.Message, StringComparison.Ordinal);
        Assert.Contains("in a schema that is not on the connection's search_path", search.Message, StringComparison.Ordinal);
        Assert.Contains("Add a migration (dotnet ef migrations add AddFuzzySearch) and apply it (dotnet ef database update)", search.Message, StringComparison.Ordinal);
        Assert.Equal(search.Message, asynchronous.Message);
        Assert.Contains("PostgreSQL answered \"function similarity(text, unknown) does not exist\"", score.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UndefinedFunction, Assert.IsType<PostgresException>(search.InnerException).SqlState);

        // EF Core closed the command's connection as after its own errors: the context goes on.
        Assert.Equal(ConnectionState.Closed, context.Database.GetDbConnection().State);
        Assert.Empty(await context.Prospects.ToListAsync());
    }

    [Fact]
    public async Task ExecuteDelete_and_ExecuteUpdate_filtered_by_a_fuzzy_search_on_a_database_without_pg_trgm_say_the_migration_brings_it()
    {
        await using var context = SetupErrorDatabases.WithServerTools(databases.Bare);
        var connection = context.Database.GetDbConnection();

        // The generated search and TrigramFunctions in the WHERE of the application's bulk statements, synchronous or not.
        var delete = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Prospects.FuzzySearch("jon smyth").ExecuteDeleteAsync());
        Assert.Equal(ConnectionState.Closed, connection.State);
        var update = Assert.Throws<InvalidOperationException>(
            () => context.Prospects.Where(p => TrigramFunctions.Similarity(p.Name, "jon") > 0.5).ExecuteUpdate(setters => setters.SetProperty(p => p.Name, "secret 4711")));
        Assert.Equal(ConnectionState.Closed, connection.State);

        Assert.StartsWith("The connection finds no pg_trgm, which fuzzy search (FuzzySearch, TrigramFunctions) runs on: PostgreSQL answered \"operator does not exist: text % text\"", delete.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL answered \"function similarity(text, unknown) does not exist\"", update.Message, StringComparison.Ordinal);
        foreach (var explained in new[] { delete, update })
        {
            Assert.Contains("Add a migration (dotnet ef migrations add AddFuzzySearch) and apply it (dotnet ef database update)", explained.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("4711", explained.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("smyth", explained.Message, StringComparison.Ordinal);
            Assert.Equal(PostgresErrorCodes.UndefinedFunction, Assert.IsType<PostgresException>(explained.InnerException).SqlState);
        }

        // EF Core cleaned up after the failed statements as after its own errors: the context goes on.
        Assert.Equal(0, await context.Prospects.Where(p => p.Name == "nobody").ExecuteDeleteAsync());
    }

    /// <summary>A context whose coupons' table the database lacks: the application's own, not ServerTools'.</summary>
    public sealed class MissingCouponsContext(DbContextOptions<MissingCouponsContext> options) : DbContext(options)
    {
        public DbSet<Coupon> Coupons => Set<Coupon>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Coupon>().ToTable("no_such_coupons");
    }
}
