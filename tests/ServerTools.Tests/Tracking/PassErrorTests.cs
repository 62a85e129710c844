using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ServerTools.Tests.Tracking;

/// <summary>
/// How the dispatcher explains a pass that PostgreSQL refused when the error is not the outbox's: raised by a trigger of
/// the application's on the outbox table, and a transient one that the execution strategy (<c>EnableRetryOnFailure</c>)
/// retried until its limit. Each test adds its trigger and drops it again.
/// </summary>
public sealed class PassErrorTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    /// <summary>
    /// A trigger of the application's on the outbox whose function reads a table that does not exist, or a column its
    /// table lacks, fails the record of the deliveries (the dispatcher's own statement) or of a failure (an
    /// <c>ExecuteUpdate</c>, which ServerTools' command interceptor sees first): the error is the function's, not a
    /// missing outbox or migration.
    /// </summary>
    [Theory]
    [InlineData("PERFORM 1 FROM outbox_copy_missing", PostgresErrorCodes.UndefinedTable, false)]
    [InlineData("PERFORM 1 FROM outbox_copy_missing", PostgresErrorCodes.UndefinedTable, true)]
    [InlineData("PERFORM \"HandledBy\" FROM outbox_copy", PostgresErrorCodes.UndefinedColumn, false)]
    [InlineData("PERFORM \"HandledBy\" FROM outbox_copy", PostgresErrorCodes.UndefinedColumn, true)]
    public async Task An_undefined_table_or_column_in_a_trigger_on_the_outbox_is_reported_as_the_triggers_and_not_as_a_missing_migration(
        string statement, string sqlState, bool handlerFails)
    {
        await ClearOutboxAsync();
        var key = await CreateOrderAsync($"SO-trigger-{sqlState}-{handlerFails}");
        var deliveries = new Deliveries { Behaviour = (_, _) => handlerFails ? throw new InvalidOperationException("refused") : Task.CompletedTask };
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        var error = await WithTriggerAsync(
            "outbox_copy_changes",
            statement,
            () => Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.DispatchAsync()));

        Assert.StartsWith($"PostgreSQL raised {sqlState} in the function outbox_copy_changes() line 1, which a statement of the dispatcher of TrackingContext ran on ", error.Message, StringComparison.Ordinal);
        Assert.Contains("the outbox and ServerTools' migrations are not at fault", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet ef", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("UseServerTools()", error.Message, StringComparison.Ordinal);
        var postgres = Assert.IsType<PostgresException>(error.InnerException);
        Assert.Equal(sqlState, postgres.SqlState);
        Assert.Contains("outbox_copy_changes()", postgres.Where, StringComparison.Ordinal);

        // The pass is rolled back: no delivery and no failure is recorded.
        await using var context = database.Create();
        var message = await context.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.EntityKey == key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((OutboxState.Pending, 0), (message.State, message.Attempts));
    }

    /// <summary>
    /// An application's <c>ExecuteUpdate</c> of the outbox that a trigger's function fails with a column the function's own
    /// table lacks keeps PostgreSQL's error: the statement's text names only the outbox, but the column is not the outbox's.
    /// </summary>
    /// <remarks>
    /// The same for a table the function does not find by the name of one of ServerTools' own (its search path leaves out
    /// the outbox's schema, as a <c>SECURITY DEFINER</c> function's <c>SET search_path</c> may): the database has the table.
    /// </remarks>
    [Theory]
    [InlineData("PERFORM \"HandledBy\" FROM outbox_copy", PostgresErrorCodes.UndefinedColumn)]
    [InlineData("PERFORM set_config('search_path', 'pg_catalog', true); PERFORM 1 FROM servertools_outbox", PostgresErrorCodes.UndefinedTable)]
    public async Task An_ExecuteUpdate_of_the_outbox_whose_trigger_lacks_a_column_or_table_keeps_PostgreSQLs_error(string statement, string sqlState)
    {
        await ClearOutboxAsync();
        await CreateOrderAsync("SO-trigger-update-" + sqlState);

        var error = await WithTriggerAsync(
            "outbox_copy_update",
            statement,
            async () =>
            {
                await using var context = database.Create();
                return await Assert.ThrowsAsync<PostgresException>(
                    () => context.Set<OutboxMessage>().ExecuteUpdateAsync(setters => setters.SetProperty(m => m.Attempts, 1)));
            });

        Assert.Equal(sqlState, error.SqlState);
        Assert.Contains("outbox_copy_update()", error.Where, StringComparison.Ordinal);
    }

    /// <summary>
    /// A transient error (PostgreSQL's 40001, raised here by a trigger on the outbox with a message that holds a value)
    /// that the execution strategy retried until its limit fails the pass with EF Core's
    /// <c>RetryLimitExceededException</c>: the dispatcher's log of it says what PostgreSQL raised inside, its SQLSTATE and
    /// where, and not PostgreSQL's message (which may hold values).
    /// </summary>
    [Fact]
    public async Task A_pass_that_the_execution_strategy_retried_until_its_limit_is_logged_with_the_inner_SQLSTATE_and_where_it_was_raised()
    {
        await ClearOutboxAsync();
        await CreateOrderAsync("SO-retried");
        var deliveries = new Deliveries();
        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        var collection = new ServiceCollection();
        collection.AddDbContext<TrackingContext>(options => options
            .UseNpgsql(database.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(2, TimeSpan.FromMilliseconds(10), null))
            .UseServerTools(o => o.TimeProvider = database.Clock));
        collection.AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log);
        collection.AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>();
        collection.AddTrackedChangeDispatcher<TrackingContext>(options => (options.TimeProvider, options.PollInterval) = (database.Clock, TimeSpan.FromMilliseconds(10)));
        await using var services = collection.BuildServiceProvider(validateScopes: true);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        await WithTriggerAsync(
            "outbox_conflict",
            "RAISE EXCEPTION 'the order of customer secret-4711 conflicts' USING ERRCODE = 'serialization_failure'",
            async () =>
            {
                // The execution strategy's first try and its two retries each deliver the change and fail at the record.
                await Assert.ThrowsAsync<Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException>(() => dispatcher.DispatchAsync());
                Assert.Equal(3, deliveries.Received.Count);

                using var stop = new CancellationTokenSource();
                var loop = Task.Run(() => dispatcher.RunAsync(stop.Token));
                try
                {
                    var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                    while (!log.Entries.Any(e => e.EventId == 3))
                    {
                        Assert.True(DateTime.UtcNow < until, "The dispatcher did not log the failed pass in time.");
                        await Task.Delay(20);
                    }
                }
                finally
                {
                    await stop.CancelAsync();
                    await StoppedAsync(loop);
                }
            });

        var failed = Assert.Single(log.Entries, e => e.EventId == 3);
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Equal(
            "A dispatch pass over the outbox of TrackingContext failed with Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException " +
            "(the execution strategy retried it until its limit; the last try failed with Npgsql.PostgresException 40001, raised in the function " +
            "outbox_conflict() line 1, which a statement of the pass ran, such as a trigger on the outbox table); it will be tried again.",
            failed.Message);
        Assert.DoesNotContain("4711", failed.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A row-level security policy on the outbox whose PL/pgSQL function reads a column its own table lacks fails the claim
    /// (a <c>SELECT ... FOR UPDATE</c>, to which the table's UPDATE policies apply) of a role the policies bind: the error is
    /// the function's, and the claim's explanation of a missing outbox column (which names the migration
    /// <c>OutboxDeliveryOrder</c> for <c>HandledBy</c>) is not given.
    /// </summary>
    [Fact]
    public async Task A_missing_column_in_a_policy_function_of_the_outbox_fails_the_claim_as_the_functions_error_not_as_a_missing_migration()
    {
        await ClearOutboxAsync();
        var key = await CreateOrderAsync("SO-policy");
        var role = "st_claim_" + Guid.NewGuid().ToString("N")[..8];

        // A role name is an identifier, not a value: it cannot be a parameter (this one is made of hex digits).
        var setup = $"""
            CREATE ROLE {role} LOGIN PASSWORD 'claim-secret';
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            CREATE TABLE outbox_policy_source ("Id" int);
            GRANT SELECT ON outbox_policy_source TO {role};
            CREATE FUNCTION outbox_visible() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM "HandledBy" FROM outbox_policy_source; RETURN true; END $$;
            ALTER TABLE servertools_outbox ENABLE ROW LEVEL SECURITY;
            CREATE POLICY outbox_read ON servertools_outbox FOR SELECT USING (true);
            CREATE POLICY outbox_claim ON servertools_outbox FOR UPDATE USING (outbox_visible());
            """;
        var teardown = $"""
            DROP POLICY outbox_claim ON servertools_outbox;
            DROP POLICY outbox_read ON servertools_outbox;
            ALTER TABLE servertools_outbox DISABLE ROW LEVEL SECURITY;
            DROP FUNCTION outbox_visible();
            DROP TABLE outbox_policy_source;
            DROP OWNED BY {role};
            DROP ROLE {role};
            """;
        await using (var owner = database.Create())
        {
            await owner.Database.ExecuteSqlRawAsync(setup);
        }

        try
        {
            var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = "claim-secret" };
            var collection = new ServiceCollection();
            collection.AddDbContext<TrackingContext>(options => options.UseNpgsql(connection.ConnectionString).UseServerTools(o => o.TimeProvider = database.Clock));
            collection.AddSingleton(new Deliveries()).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>();
            collection.AddTrackedChangeDispatcher<TrackingContext>(options => options.TimeProvider = database.Clock);
            await using var services = collection.BuildServiceProvider(validateScopes: true);
            var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.DispatchAsync());

            Assert.StartsWith("PostgreSQL raised 42703 in the function outbox_visible() line 1, which a statement of the dispatcher of TrackingContext ran on ", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("OutboxDeliveryOrder", error.Message, StringComparison.Ordinal);
            var postgres = Assert.IsType<PostgresException>(error.InnerException);
            Assert.Equal(PostgresErrorCodes.UndefinedColumn, postgres.SqlState);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var owner = database.Create();
            await owner.Database.ExecuteSqlRawAsync(teardown);
        }

        await using var context = database.Create();
        var message = await context.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.EntityKey == key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((OutboxState.Pending, 0), (message.State, message.Attempts));
    }

    /// <summary>
    /// Which function PostgreSQL's context of an error names, as the explanations use it: in English by its name and line;
    /// a missing table, schema or column in a context in another language (a server's <c>lc_messages</c>, here German) as
    /// unnamed, since a statement's own such error has no context; any other error in a context that names no function in
    /// English (a parallel worker's, or German) as the statement's. PostgreSQL's own exception, as Npgsql builds it from
    /// the server's fields.
    /// </summary>
    [Theory]
    [InlineData(PostgresErrorCodes.UndefinedColumn, "PL/pgSQL function outbox_copy() line 3 at PERFORM", "outbox_copy() line 3")]
    [InlineData(PostgresErrorCodes.UndefinedColumn, "SQL statement \"SELECT 'secret' FROM t\"\nPL/pgSQL function outbox_copy() line 3 at PERFORM", "outbox_copy() line 3")]
    [InlineData(PostgresErrorCodes.UndefinedColumn, "PL/pgSQL-Funktion outbox_copy() Zeile 3 bei PERFORM", "(unnamed)")]
    [InlineData(PostgresErrorCodes.UndefinedTable, "PL/pgSQL-Funktion outbox_copy() Zeile 3 bei PERFORM", "(unnamed)")]
    [InlineData(PostgresErrorCodes.InvalidSchemaName, "fonction PL/pgSQL outbox_copy(), ligne 3 à PERFORM", "(unnamed)")]
    [InlineData(PostgresErrorCodes.UndefinedColumn, "", null)]
    [InlineData(PostgresErrorCodes.InvalidParameterValue, "parallel worker", null)]
    [InlineData(PostgresErrorCodes.InvalidParameterValue, "PL/pgSQL-Funktion zone_check() Zeile 1 bei PERFORM", null)]
    public void The_raising_function_is_read_from_PostgreSQLs_context(string sqlState, string where, string? expected)
    {
        var error = new PostgresException(
            messageText: "a message", severity: "ERROR", invariantSeverity: "ERROR", sqlState: sqlState, detail: null, hint: null, position: 0,
            internalPosition: 0, internalQuery: null, where: where.Length == 0 ? null : where, schemaName: null, tableName: null, columnName: null,
            dataTypeName: null, constraintName: null, file: null, line: null, routine: null);

        Assert.Equal(expected, ServerTools.Infrastructure.ServerToolsTables.RaisingFunction(error));
    }

    /// <summary>
    /// Runs <paramref name="act"/> while an AFTER UPDATE trigger on the outbox runs the PL/pgSQL function
    /// <paramref name="function"/>, whose body is <paramref name="statement"/> (the test's own SQL, not a value); a table
    /// <c>outbox_copy</c> without a <c>HandledBy</c> column exists meanwhile.
    /// </summary>
    private async Task<T> WithTriggerAsync<T>(string function, string statement, Func<Task<T>> act)
    {
        // Names and statements are the test's own SQL, not values: they cannot be parameters.
        var create = $"CREATE TABLE outbox_copy (\"Id\" uuid); CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {statement}; RETURN NULL; END $$; " +
                     $"CREATE TRIGGER {function} AFTER UPDATE ON servertools_outbox FOR EACH ROW EXECUTE FUNCTION {function}();";
        var drop = $"DROP TRIGGER {function} ON servertools_outbox; DROP FUNCTION {function}(); DROP TABLE outbox_copy;";
        await using var context = database.Create();
        await context.Database.ExecuteSqlRawAsync(create);
        try
        {
            return await act();
        }
        finally
        {
            await context.Database.ExecuteSqlRawAsync(drop);
        }
    }

    private async Task WithTriggerAsync(string function, string statement, Func<Task> act)
        => await WithTriggerAsync(function, statement, async () =>
        {
            await act();
            return 0;
        });

    private static async Task StoppedAsync(Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped in a pass or a wait.
        }
    }

    private async Task<int> CreateOrderAsync(string number)
    {
        await using var context = database.Create();
        var order = new SaleOrder { Number = number, Total = 0m };
        context.SaleOrders.Add(order);
        await context.SaveChangesAsync();
        return order.Id;
    }

    private async Task ClearOutboxAsync()
    {
        await using var context = database.Create();
        await context.Set<OutboxMessage>().ExecuteDeleteAsync();
    }
}
