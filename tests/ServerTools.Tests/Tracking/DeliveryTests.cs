using System;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServerTools.Tracking;

namespace ServerTools.Tests.Tracking;

/// <summary>
/// What a dispatcher takes and how it records it: rows it cannot read, types it has no handler for, handlers that throw,
/// the order of one entity's changes, and commits that wake it. Tests of one class run one at a time, so each clears the outbox.
/// </summary>
public sealed class DeliveryTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    private static readonly string s_saleOrder = typeof(SaleOrder).FullName!;

    [Theory]
    [InlineData("Upsert", "[]", "its Operation 'Upsert' is none of Create, Update and Delete (a row written by a newer version of ServerTools, or by hand)")]
    [InlineData("Update", """{"Field": "Note", "OldValue": "secret-1", "NewValue": "secret-2"}""", "its Fields column holds a JSON object where an array of field changes belongs")]
    [InlineData("Update", """[{"Field": "Note", "OldValue": "secret-1", "NewValue": 42}]""", "the 'NewValue' of item 0 of its Fields is a JSON number where a string or null belongs")]
    [InlineData("Update", """[{"Name": "Note", "OldValue": "secret-1", "NewValue": "secret-2"}]""", "item 0 of its Fields has no 'Field' (the field's name; the model maps the JSON names 'Field', 'OldValue' and 'NewValue')")]
    public async Task A_row_the_dispatcher_cannot_read_is_set_aside_with_the_reason_and_every_other_change_is_delivered(string operation, string fields, string reason)
    {
        await ClearOutboxAsync();
        var poison = Guid.CreateVersion7();
        var first = database.Clock.Now - TimeSpan.FromHours(1);
        await using (var context = database.Create())
        {
            // The oldest message, so it is in every dispatcher's first batch.
            await context.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt")
                VALUES ({poison}, {s_saleOrder}, 'poison', {operation}, CAST({fields} AS json), {first}, 'Pending', 0, {first})
                """);
        }

        for (var i = 0; i < 12; i++)
        {
            await CreateOrderAsync($"SO-readable-{i}");
        }

        var deliveries = new Deliveries();
        await using var services = database.Services(deliveries, o => (o.BatchSize, o.MaxAttempts, o.FirstRetryDelay) = (5, 2, TimeSpan.FromMinutes(1)));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(13, await DrainAsync(dispatcher));

        Assert.Equal(12, deliveries.Received.Select(c => c.ChangeId).Distinct().Count());
        Assert.DoesNotContain(poison, deliveries.Received.Select(c => c.ChangeId));
        await using (var check = database.Create())
        {
            // Read without its operation and fields, which EF Core cannot materialize either.
            var set = await check.Set<OutboxMessage>().Where(m => m.Id == poison).Select(m => new { m.State, m.Attempts, m.LastError }).SingleAsync();
            Assert.Equal((OutboxState.Pending, 1), (set.State, set.Attempts));
            Assert.Equal($"ServerTools could not read this change, so no handler received it: {reason}.", set.LastError);
            Assert.DoesNotContain("secret", set.LastError, StringComparison.Ordinal);
            Assert.Equal(12, await check.Set<OutboxMessage>().CountAsync(m => m.State == OutboxState.Delivered));
        }

        // Retried after the backoff like any failed delivery, then dead-lettered.
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(1, await dispatcher.DispatchAsync());
        await using var after = database.Create();
        var dead = await after.Set<OutboxMessage>().Where(m => m.Id == poison).Select(m => new { m.State, m.Attempts }).SingleAsync();
        Assert.Equal((OutboxState.DeadLettered, 2), (dead.State, dead.Attempts));
    }

    /// <summary>
    /// A handler registered as an open generic (<c>typeof(ITrackedChangeHandler&lt;&gt;)</c>) is recorded under a name
    /// without assembly versions, so a retry after a new build of the application does not hand it the change again.
    /// </summary>
    [Fact]
    public async Task A_generic_handler_is_recorded_under_its_name_without_assembly_versions()
    {
        await ClearOutboxAsync();
        await CreateOrderAsync("SO-generic-handler");
        await using var services = database.Services(
            services => services
                .AddSingleton(new Refusals(1)).AddScoped<ITrackedChangeHandler<SaleOrder>, RefusingHandler>()
                .AddScoped(typeof(ITrackedChangeHandler<>), typeof(IgnoringHandler<>)),
            o => o.FirstRetryDelay = TimeSpan.FromMinutes(1));

        Assert.Equal(1, await services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>().DispatchAsync());

        await using var check = database.Create();
        var message = await check.Set<OutboxMessage>().SingleAsync();
        Assert.Equal(["ServerTools.Tests.Tracking.IgnoringHandler`1[ServerTools.Tests.Tracking.SaleOrder]"], message.HandledBy);
    }

    [Fact]
    public async Task A_dispatcher_with_a_handler_of_every_tracked_type_says_so_when_it_starts()
    {
        await ClearOutboxAsync();
        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var services = database.Services(services =>
        {
            services.AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log);
            foreach (var descriptor in TrackedDescriptors.All)
            {
                services.AddScoped(
                    typeof(ITrackedChangeHandler<>).MakeGenericType(descriptor.EntityType),
                    typeof(IgnoringHandler<>).MakeGenericType(descriptor.EntityType));
            }
        });

        Assert.Equal(0, await services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>().DispatchAsync());

        var plan = Assert.Single(log.Entries, e => e.EventId is 7 or 8 or 15);
        Assert.Equal(15, plan.EventId);
        Assert.Contains(s_saleOrder, plan.Message, StringComparison.Ordinal);
        Assert.EndsWith(": this process has a handler for every tracked type.", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dispatcher_without_a_handler_of_the_type_leaves_its_changes_to_one_that_has_one_and_warns_when_they_wait()
    {
        await ClearOutboxAsync();
        for (var i = 0; i < 30; i++)
        {
            await CreateOrderAsync($"SO-two-instances-{i}");
        }

        // Two instances on one database: a web app that runs the dispatcher without the subscriber, and a worker with it.
        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var web = database.Services(
            services => services.AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log),
            o => (o.BatchSize, o.UnhandledWarningAfter) = (10, TimeSpan.FromMinutes(5)));
        var deliveries = new Deliveries();
        await using var worker = database.Services(deliveries, o => o.BatchSize = 10);
        var withoutHandler = web.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        var withHandler = worker.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(0, await withoutHandler.DispatchAsync());
        var plan = Assert.Single(log.Entries, e => e.EventId == 7).Message;
        Assert.Contains(s_saleOrder, plan[plan.IndexOf("it leaves those of", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain(log.Entries, e => e.Level == LogLevel.Warning);

        // Five minutes later, nobody took them yet: the web app says so, with the type and the count.
        database.Clock.Now += TimeSpan.FromMinutes(6);
        Assert.Equal(0, await withoutHandler.DispatchAsync());
        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.StartsWith($"30 tracked changes of {s_saleOrder} have waited since ", warning.Message, StringComparison.Ordinal);
        Assert.Equal(5, warning.EventId);

        // The time reads the same in every culture (not 11/21/2026, which could be either month or day first).
        Assert.Matches(@"have waited since \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z or earlier", warning.Message);

        var counts = await Task.WhenAll(Task.Run(() => DrainAsync(withoutHandler)), Task.Run(() => DrainAsync(withHandler)));

        Assert.Equal([0, 30], counts);
        Assert.Equal(30, deliveries.Received.Select(c => c.ChangeId).Distinct().Count());
        await using var check = database.Create();
        Assert.Equal(30, await check.Set<OutboxMessage>().CountAsync(m => m.State == OutboxState.Delivered));
    }

    /// <summary>
    /// An outbox row written around ServerTools whose entity type holds line breaks cannot forge lines of a plain-text log:
    /// the warning about it shows them as '?'.
    /// </summary>
    [Fact]
    public async Task A_waiting_change_of_a_type_name_with_line_breaks_is_logged_on_one_line()
    {
        await ClearOutboxAsync();
        var old = database.Clock.Now - TimeSpan.FromHours(1);
        const string forged = "Ghost\r\nfail: Forged[0] a line of its own";
        await using (var context = database.Create())
        {
            await context.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt")
                VALUES ({Guid.CreateVersion7()}, {forged}, '1', 'Update', CAST('[]' AS json), {old}, 'Pending', 0, {old})
                """);
        }

        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var services = database.Services(
            services => services.AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log),
            o => o.UnhandledWarningAfter = TimeSpan.FromMinutes(5));
        Assert.Equal(0, await services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>().DispatchAsync());

        var warning = Assert.Single(log.Entries, e => e.EventId == 6);
        Assert.StartsWith("1 tracked changes of Ghost??fail: Forged[0] a line of its own have waited since ", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', warning.Message);
        await ClearOutboxAsync();
    }

    [Fact]
    public async Task The_warning_about_waiting_changes_counts_up_to_a_limit_and_then_says_at_least()
    {
        await ClearOutboxAsync();
        for (var i = 0; i < 12; i++)
        {
            await CreateOrderAsync($"SO-many-waiting-{i}");
        }

        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var web = database.Services(
            services => services.AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log),
            o => (o.UnhandledWarningAfter, o.UnhandledCountLimit) = (TimeSpan.FromMinutes(5), 10));
        var withoutHandler = web.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        Assert.Equal(0, await withoutHandler.DispatchAsync());

        database.Clock.Now += TimeSpan.FromMinutes(6);
        Assert.Equal(0, await withoutHandler.DispatchAsync());
        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.StartsWith($"At least 10 tracked changes of {s_saleOrder} have waited since ", warning.Message, StringComparison.Ordinal);
        Assert.Equal(13, warning.EventId);
        await ClearOutboxAsync();
    }

    [Fact]
    public async Task A_dispatcher_told_to_mark_unhandled_changes_delivered_does_so_and_says_how_many()
    {
        await ClearOutboxAsync();
        for (var i = 0; i < 3; i++)
        {
            await CreateOrderAsync($"SO-mark-{i}");
        }

        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var alone = database.Services(
            services => services.AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log),
            o => o.UnhandledChanges = UnhandledTrackedChanges.MarkDelivered);

        Assert.Equal(3, await alone.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>().DispatchAsync());

        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal($"3 tracked changes of {s_saleOrder} were marked delivered without a handler (UnhandledChanges = MarkDelivered).", warning.Message);
        await using var check = database.Create();
        Assert.Equal(3, await check.Set<OutboxMessage>().CountAsync(m => m.State == OutboxState.Delivered));
    }

    [Fact]
    public async Task A_handler_failure_before_a_stop_is_recorded_as_a_failed_attempt()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-fail-then-stop");
        using var stop = new CancellationTokenSource();
        var refusals = new Refusals(1);
        var deliveries = new Deliveries
        {
            // The host stops while the second handler runs, after the first threw: the second gives up on the token.
            Behaviour = (_, token) =>
            {
                stop.Cancel();
                token.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };
        await using var services = database.Services(
            services => services
                .AddSingleton(refusals).AddScoped<ITrackedChangeHandler<SaleOrder>, RefusingHandler>()
                .AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>(),
            o => o.FirstRetryDelay = TimeSpan.FromMinutes(1));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        await dispatcher.DispatchAsync(stop.Token);

        // Without it the failure was dropped: no attempt, no error, and the change due again at once.
        await using var check = database.Create();
        var message = await check.Set<OutboxMessage>().SingleAsync();
        Assert.Equal((OutboxState.Pending, 1), (message.State, message.Attempts));
        Assert.Equal("ServerTools.Tests.Tracking.RefusingHandler: System.InvalidOperationException: refused 1", message.LastError);
        Assert.Equal(database.Clock.Now + TimeSpan.FromMinutes(1), message.NextAttemptAt);
        Assert.Null(message.HandledBy);
    }

    [Fact]
    public async Task Every_handler_runs_when_one_throws_and_the_retries_go_to_the_failed_handler_only()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-two-handlers");
        var refusals = new Refusals(2);
        var deliveries = new Deliveries();
        await using var services = database.Services(
            services => services
                .AddSingleton(refusals).AddScoped<ITrackedChangeHandler<SaleOrder>, RefusingHandler>()
                .AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>(),
            o => (o.MaxAttempts, o.FirstRetryDelay) = (2, TimeSpan.FromMinutes(1)));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(1, await dispatcher.DispatchAsync());

        // The handler after the one that threw got the change; the error names the handler that threw.
        Assert.Single(deliveries.Received);
        Assert.Single(refusals.Calls);
        await using (var check = database.Create())
        {
            var message = await check.Set<OutboxMessage>().SingleAsync();
            Assert.Equal((OutboxState.Pending, 1), (message.State, message.Attempts));
            Assert.Equal("ServerTools.Tests.Tracking.RefusingHandler: System.InvalidOperationException: refused 1", message.LastError);
            Assert.Equal([typeof(RecordingHandler).FullName!], message.HandledBy);
        }

        // Its retry goes to the handler that failed, not again to the one that took it; dead-lettered for that one alone.
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Equal(2, refusals.Calls.Count);
        Assert.Single(deliveries.Received);
        await using (var check = database.Create())
        {
            var message = await check.Set<OutboxMessage>().SingleAsync();
            Assert.Equal((OutboxState.DeadLettered, 2, "ServerTools.Tests.Tracking.RefusingHandler: System.InvalidOperationException: refused 2"), (message.State, message.Attempts, message.LastError));
            Assert.Equal(1, await check.RedeliverDeadLetteredChangesAsync());
        }

        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Equal(3, refusals.Calls.Count);
        Assert.Single(deliveries.Received);
        await using (var check = database.Create())
        {
            var message = await check.Set<OutboxMessage>().SingleAsync();
            Assert.Equal((OutboxState.Delivered, 1, null), (message.State, message.Attempts, message.HandledBy));
            Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), message.EntityKey);

            // A delivered change replayed goes to every handler again.
            Assert.Equal(1, await check.RedeliverTrackedChangesAsync([message.Id]));
        }

        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Equal((4, 2), (refusals.Calls.Count, deliveries.Received.Count));
    }

    [Theory]
    [InlineData("emoji", "\U0001F600 and more")]
    [InlineData("nul", "bad\0byte")]
    public async Task A_handler_error_the_database_could_not_hold_is_recorded_readable_with_its_attempt(string kind, string tail)
    {
        await ClearOutboxAsync();
        var failing = (await CreateOrderAsync($"SO-error-{kind}")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await CreateOrderAsync($"SO-error-{kind}-other");
        const string Prefix = "ServerTools.Tests.Tracking.RecordingHandler: System.InvalidOperationException: ";

        // The emoji's first half is the 2,000th character of LastError, the last one kept.
        var message = kind == "emoji" ? new string('x', 1999 - Prefix.Length) + tail : tail;
        var deliveries = new Deliveries
        {
            Behaviour = (change, _) => change.EntityKey == failing ? throw new InvalidOperationException(message) : Task.CompletedTask,
        };
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(2, await dispatcher.DispatchAsync());

        await using var check = database.Create();
        var failed = await check.Set<OutboxMessage>().SingleAsync(m => m.EntityKey == failing);
        Assert.Equal((OutboxState.Pending, 1), (failed.State, failed.Attempts));
        Assert.Equal(kind == "emoji" ? Prefix + new string('x', 1999 - Prefix.Length) : Prefix + "bad\uFFFDbyte", failed.LastError);
        Assert.Equal(OutboxState.Delivered, (await check.Set<OutboxMessage>().SingleAsync(m => m.EntityKey != failing)).State);
    }

    [Fact]
    public async Task An_error_text_the_database_refuses_is_recorded_as_the_types_that_failed_and_the_pass_keeps_its_other_deliveries()
    {
        await ClearOutboxAsync();
        await CreateOrderAsync("SO-refused-text-1");
        var failing = (await CreateOrderAsync("SO-refused-text-2")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await CreateOrderAsync("SO-refused-text-3");
        var deliveries = new Deliveries
        {
            Behaviour = (change, _) => change.EntityKey == failing ? throw new InvalidOperationException("a forbidden word") : Task.CompletedTask,
        };
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        await using var context = database.Create();

        // A rule of the application's on the column, which the dispatcher cannot know of.
        await context.Database.ExecuteSqlRawAsync(
            "ALTER TABLE servertools_outbox ADD CONSTRAINT no_forbidden_words CHECK (\"LastError\" IS NULL OR \"LastError\" NOT LIKE '%forbidden%')");
        try
        {
            Assert.Equal(3, await dispatcher.DispatchAsync());
            Assert.Equal(0, await dispatcher.DispatchAsync());
        }
        finally
        {
            await context.Database.ExecuteSqlRawAsync("ALTER TABLE servertools_outbox DROP CONSTRAINT no_forbidden_words");
        }

        Assert.Equal(3, deliveries.Received.Count);
        var failed = await context.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.EntityKey == failing);
        Assert.Equal((OutboxState.Pending, 1), (failed.State, failed.Attempts));
        Assert.Equal(
            "The text of this failure could not be stored (Npgsql.PostgresException 23514); what failed: ServerTools.Tests.Tracking.RecordingHandler " +
            "threw System.InvalidOperationException.",
            failed.LastError);
        Assert.Equal(2, await context.Set<OutboxMessage>().CountAsync(m => m.State == OutboxState.Delivered));
    }

    [Fact]
    public async Task A_failure_that_cannot_be_recorded_for_want_of_the_LastError_column_fails_the_pass_with_the_dispatchers_explanation_and_records_nothing()
    {
        await ClearOutboxAsync();
        var failing = (await CreateOrderAsync("SO-no-last-error")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var deliveries = new Deliveries { Behaviour = (_, _) => throw new InvalidOperationException("secret 4711") };
        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var services = database.Services(services => services
            .AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log)
            .AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>());
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // An outbox without LastError (made by hand): the claim reads no LastError; the record of a failure writes it with an
        // ExecuteUpdate, whose error ServerTools' command interceptor explains as if it were one of the application's.
        var error = await FailedPassWithoutColumnAsync(dispatcher, "LastError");

        Assert.StartsWith(
            "The database's table servertools_outbox lacks a column that UseServerTools() maps in the model (column \"LastError\" of relation \"servertools_outbox\" does not exist): "
            + "PostgreSQL refused ServerTools' statement on it. The dispatcher of TrackingContext delivers no tracked change until the database has it",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("dotnet ef migrations add UpdateServerTools", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("4711", error.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(error.InnerException).SqlState);

        // Not a text the database refused: no warning says so, and the pass, rolled back, counted no attempt.
        Assert.DoesNotContain(log.Entries, e => e.EventId == 11);
        await using var context = database.Create();
        var message = await context.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.EntityKey == failing);
        Assert.Equal((OutboxState.Pending, 0, null), (message.State, message.Attempts, message.LastError));
    }

    [Theory]
    [InlineData("Sequence")]
    [InlineData("HandledBy")]
    public async Task A_claim_that_reads_a_column_the_delivery_order_migration_adds_names_that_migration(string column)
    {
        await ClearOutboxAsync();
        await CreateOrderAsync("SO-no-" + column);
        await using var services = database.Services(new Deliveries());
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // An outbox of the version before OutboxDeliveryOrder, which the claim's own statement finds lacking.
        var error = await FailedPassWithoutColumnAsync(dispatcher, column);

        Assert.StartsWith($"The outbox table servertools_outbox of TrackingContext has no column {column}, which this version of ServerTools reads: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet ef migrations add OutboxDeliveryOrder", error.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    /// <summary>
    /// A column the outbox had before <c>OutboxDeliveryOrder</c> (dropped or renamed by hand) is not that migration's to add:
    /// the explanation names the column and the table, and says to restore it as the model maps it.
    /// </summary>
    [Fact]
    public async Task A_claim_that_reads_a_column_older_than_the_delivery_order_migration_names_the_column_and_not_that_migration()
    {
        await ClearOutboxAsync();
        await CreateOrderAsync("SO-no-user-name");
        await using var services = database.Services(new Deliveries());
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        var error = await FailedPassWithoutColumnAsync(dispatcher, "UserName");

        Assert.StartsWith(
            "The outbox table servertools_outbox of TrackingContext has no column UserName, which this version of ServerTools reads: the model maps it for OutboxMessage.UserName. ",
            error.Message,
            StringComparison.Ordinal);
        Assert.DoesNotContain("OutboxDeliveryOrder", error.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet ef database update", error.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    [Fact]
    public async Task A_scope_whose_disposal_throws_after_the_handlers_took_the_change_leaves_it_delivered()
    {
        await ClearOutboxAsync();
        await CreateOrderAsync("SO-disposal-after-success");
        var deliveries = new Deliveries();
        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var services = database.Services(services => services
            .AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log)
            .AddScoped<FailingDisposal>().AddScoped<ITrackedChangeHandler<SaleOrder>, HandlerWithFailingDisposal>()
            .AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>());
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Equal(0, await dispatcher.DispatchAsync());

        Assert.Single(deliveries.Received);
        await using var check = database.Create();
        var message = await check.Set<OutboxMessage>().SingleAsync();
        Assert.Equal((OutboxState.Delivered, 1, null, null), (message.State, message.Attempts, message.LastError, message.HandledBy));
        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(10, warning.EventId);
        Assert.StartsWith(
            $"Disposing the DI scope in which tracked change {message.Id} ({s_saleOrder}) was handed to its handlers threw System.InvalidOperationException.",
            warning.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scope_whose_disposal_throws_after_a_handler_failed_keeps_that_failure_and_the_handlers_that_took_the_change()
    {
        await ClearOutboxAsync();
        await CreateOrderAsync("SO-disposal-after-failure");
        var refusals = new Refusals(1);
        var deliveries = new Deliveries();
        await using var services = database.Services(
            services => services
                .AddScoped<FailingDisposal>().AddScoped<ITrackedChangeHandler<SaleOrder>, HandlerWithFailingDisposal>()
                .AddSingleton(refusals).AddScoped<ITrackedChangeHandler<SaleOrder>, RefusingHandler>()
                .AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>(),
            o => o.FirstRetryDelay = TimeSpan.FromMinutes(1));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(1, await dispatcher.DispatchAsync());

        await using (var check = database.Create())
        {
            var message = await check.Set<OutboxMessage>().SingleAsync();
            Assert.Equal((OutboxState.Pending, 1), (message.State, message.Attempts));
            Assert.Equal("ServerTools.Tests.Tracking.RefusingHandler: System.InvalidOperationException: refused 1", message.LastError);
            Assert.Equal([typeof(HandlerWithFailingDisposal).FullName!, typeof(RecordingHandler).FullName!], message.HandledBy);
        }

        // The retry goes to the handler that failed only.
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Equal((2, 1), (refusals.Calls.Count, deliveries.Received.Count));
        await using var after = database.Create();
        Assert.Equal(OutboxState.Delivered, (await after.Set<OutboxMessage>().SingleAsync()).State);
    }

    [Fact]
    public async Task A_failed_change_holds_back_the_later_changes_of_its_entity_and_no_other()
    {
        await ClearOutboxAsync();
        var held = await CreateOrderAsync("SO-held");
        var free = await CreateOrderAsync("SO-free");
        await ClearOutboxAsync();
        await UpdateAsync(held, order => order.Total = 1m);
        await UpdateAsync(held, order => order.Total = 2m);
        await UpdateAsync(free, order => order.Total = 1m);
        await UpdateAsync(held, order => order.Total = 3m);

        var heldKey = held.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var refused = 0;
        var deliveries = new Deliveries
        {
            Behaviour = (change, _) => change.EntityKey == heldKey && Interlocked.Increment(ref refused) == 1 ? throw new TimeoutException("down") : Task.CompletedTask,
        };
        await using var services = database.Services(deliveries, o => o.FirstRetryDelay = TimeSpan.FromMinutes(1));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // The held order's first change fails: its later changes wait for it; the other order's change goes on.
        Assert.Equal(2, await dispatcher.DispatchAsync());
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal([(heldKey, "1"), (free.ToString(System.Globalization.CultureInfo.InvariantCulture), "1")], Received(deliveries));

        // Retried: delivered, then the changes after it, in the order they were committed.
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(3, await dispatcher.DispatchAsync());
        var totals = Received(deliveries).Where(r => r.Key == heldKey).Select(r => r.Total);
        Assert.Equal(["1", "1", "2", "3"], totals);
        var sequences = deliveries.Received.Where(c => c.EntityKey == heldKey).Select(c => c.Sequence).Distinct().ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public async Task A_change_another_transaction_holds_holds_back_the_later_changes_of_its_entity()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-locked-middle");
        await ClearOutboxAsync();
        await UpdateAsync(id, order => order.Total = 1m);
        await UpdateAsync(id, order => order.Total = 2m);
        await UpdateAsync(id, order => order.Total = 3m);
        Guid middle;
        await using (var context = database.Create())
        {
            middle = await context.Set<OutboxMessage>().OrderBy(m => m.Sequence).Skip(1).Select(m => m.Id).FirstAsync();
        }

        var deliveries = new Deliveries();
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // An operator's redelivery of the second change, or an update of the application's, not committed yet.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var hold = new NpgsqlCommand("""SELECT 1 FROM servertools_outbox WHERE "Id" = $1 FOR UPDATE""", connection, transaction))
            {
                hold.Parameters.Add(new NpgsqlParameter { Value = middle });
                await hold.ExecuteScalarAsync();
            }

            Assert.Equal(1, await dispatcher.DispatchAsync());
            Assert.Equal(0, await dispatcher.DispatchAsync());
            await transaction.RollbackAsync();
        }

        Assert.Equal(2, await dispatcher.DispatchAsync());
        Assert.Equal(["1", "2", "3"], Received(deliveries).Select(r => r.Total));
    }

    [Fact]
    public async Task A_dead_lettered_change_lets_the_later_changes_of_its_entity_go_on_and_its_redelivery_says_it_is_older()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-dead-first");
        await ClearOutboxAsync();
        await UpdateAsync(id, order => order.Total = 1m);
        await UpdateAsync(id, order => order.Total = 2m);
        var refused = 0;
        var deliveries = new Deliveries
        {
            Behaviour = (_, _) => Interlocked.Increment(ref refused) == 1 ? throw new TimeoutException("down") : Task.CompletedTask,
        };
        await using var services = database.Services(deliveries, o => o.MaxAttempts = 1);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Equal(1, await dispatcher.DispatchAsync());
        await using (var context = database.Create())
        {
            Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());
        }

        Assert.Equal(1, await dispatcher.DispatchAsync());

        var received = deliveries.Received.ToArray();
        Assert.Equal(["1", "2", "1"], received.Select(c => c.Fields.Single(f => f.Field == "Total").NewValue));
        Assert.True(received[2].Sequence < received[1].Sequence, "The redelivered change tells that it is older than the one delivered before it.");
        Assert.Equal([1, 1, 1], received.Select(c => c.Attempt));
    }

    [Fact]
    public async Task A_commit_of_a_TransactionScope_wakes_the_dispatchers_of_the_process()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-scope");
        await ClearOutboxAsync();
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deliveries = new Deliveries { Behaviour = (_, _) => { delivered.TrySetResult(); return Task.CompletedTask; } };

        // A poll interval no test waits for: only the commit's signal can wake the dispatcher.
        await using var services = database.Services(deliveries, o => o.PollInterval = TimeSpan.FromHours(1));
        using var stop = new CancellationTokenSource();
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = Task.Run(async () =>
        {
            // The first pass finds nothing; the loop then waits for a signal.
            Assert.Equal(0, await dispatcher.DispatchAsync());
            idle.SetResult();
            await dispatcher.RunAsync(stop.Token);
        });
        await idle.Task;

        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var context = database.Create();
            (await context.SaleOrders.SingleAsync(o => o.Id == id)).Total = 5m;
            await context.SaveChangesAsync();
            scope.Complete();
        }

        try
        {
            await delivered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // The loop ends when its token is cancelled, by returning or by the cancelled wait.
            }
        }

        Assert.Equal("5", Assert.Single(deliveries.Received).Fields.Single(f => f.Field == "Total").NewValue);
    }

    /// <summary>Each change's entity key and new total, in the order the handler received them.</summary>
    private static (string Key, string? Total)[] Received(Deliveries deliveries)
        => [.. deliveries.Received.Select(c => (c.EntityKey, c.Fields.Single(f => f.Field == "Total").NewValue))];

    /// <summary>Passes until one handles nothing: how many changes they handled.</summary>
    internal static async Task<int> DrainAsync(TrackedChangeDispatcher<TrackingContext> dispatcher)
    {
        var total = 0;
        while (await dispatcher.DispatchAsync() is var handled and > 0)
        {
            total += handled;
        }

        return total;
    }

    [Fact]
    public async Task A_commit_that_lands_between_a_pass_that_found_nothing_and_the_wait_after_it_still_wakes_the_dispatcher()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-between");
        await ClearOutboxAsync();
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deliveries = new Deliveries { Behaviour = (_, _) => { delivered.TrySetResult(); return Task.CompletedTask; } };

        // Commits a tracked change when the dispatcher's armed pass commits its (empty) transaction: after the pass's query
        // found nothing and before the loop waits, the window where a pulse used to be lost until the next poll.
        var between = new CommitAfterPass(async () => await UpdateAsync(id, o => o.Total = 7m));
        await using var services = database.Services(
            s => s.AddSingleton(deliveries)
                .AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>()
                .ConfigureDbContext<TrackingContext>(o => o.AddInterceptors(between)),
            o => o.PollInterval = TimeSpan.FromHours(1));
        using var stop = new CancellationTokenSource();
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        Assert.Equal(0, await dispatcher.DispatchAsync());
        between.Arm();
        var loop = Task.Run(() => dispatcher.RunAsync(stop.Token));

        try
        {
            await delivered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(between.Committed);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // The loop ends when its token is cancelled, by returning or by the cancelled wait.
            }
        }
    }

    /// <summary>Runs <c>commit</c> once, when the first transaction of its context after <see cref="Arm"/> commits.</summary>
    private sealed class CommitAfterPass(Func<Task> commit) : DbTransactionInterceptor
    {
        private int _armed;

        public bool Committed { get; private set; }

        public void Arm() => Volatile.Write(ref _armed, 1);

        public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                await commit();
                Committed = true;
            }
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

    private async Task UpdateAsync(int id, Action<SaleOrder> change)
    {
        await using var context = database.Create();
        change(await context.SaleOrders.SingleAsync(o => o.Id == id));
        await context.SaveChangesAsync();
    }

    /// <summary>The error of a pass of <paramref name="dispatcher"/> over an outbox whose <paramref name="column"/> is renamed away for the pass.</summary>
    private async Task<InvalidOperationException> FailedPassWithoutColumnAsync(TrackedChangeDispatcher<TrackingContext> dispatcher, string column)
    {
        // Column names are identifiers, not values: they cannot be parameters (these are the test's own).
        var away = $"""ALTER TABLE servertools_outbox RENAME COLUMN "{column}" TO "Old{column}" """;
        var back = $"""ALTER TABLE servertools_outbox RENAME COLUMN "Old{column}" TO "{column}" """;
        await using var context = database.Create();
        await context.Database.ExecuteSqlRawAsync(away);
        try
        {
            return await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.DispatchAsync());
        }
        finally
        {
            await context.Database.ExecuteSqlRawAsync(back);
        }
    }

    private async Task ClearOutboxAsync()
    {
        await using var context = database.Create();
        await context.Set<OutboxMessage>().ExecuteDeleteAsync();
    }
}

/// <summary>How many more changes <see cref="RefusingHandler"/> refuses, and the changes it was handed.</summary>
/// <summary>A handler that takes every change of <typeparamref name="T"/> and does nothing with it.</summary>
public sealed class IgnoringHandler<T> : ITrackedChangeHandler<T>
    where T : class
{
    public Task HandleAsync(TrackedChange<T> change, CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class Refusals(int refusals)
{
    private int _remaining = refusals;

    public ConcurrentQueue<Guid> Calls { get; } = new();

    /// <summary>True while refusals are left: uses one.</summary>
    public bool Refuse() => Interlocked.Decrement(ref _remaining) >= 0;
}

/// <summary>A scoped service whose disposal throws, as a resource of a handler may.</summary>
public sealed class FailingDisposal : IDisposable, IAsyncDisposable
{
    public void Dispose() => throw new InvalidOperationException("the connection was already closed");

    public ValueTask DisposeAsync() => throw new InvalidOperationException("the connection was already closed");
}

/// <summary>A handler that takes every change and uses a <see cref="FailingDisposal"/> of its scope.</summary>
public sealed class HandlerWithFailingDisposal(FailingDisposal resource) : ITrackedChangeHandler<SaleOrder>
{
    public Task HandleAsync(TrackedChange<SaleOrder> change, CancellationToken cancellationToken)
    {
        GC.KeepAlive(resource);
        return Task.CompletedTask;
    }
}

/// <summary>A handler, registered before <see cref="RecordingHandler"/>, that throws while it has refusals left.</summary>
public sealed class RefusingHandler(Refusals refusals) : ITrackedChangeHandler<SaleOrder>
{
    public Task HandleAsync(TrackedChange<SaleOrder> change, CancellationToken cancellationToken)
    {
        refusals.Calls.Enqueue(change.ChangeId);
        return refusals.Refuse()
            ? throw new InvalidOperationException($"refused {refusals.Calls.Count}")
            : Task.CompletedTask;
    }
}
