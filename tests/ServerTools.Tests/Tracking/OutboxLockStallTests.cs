using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServerTools.Tracking;

namespace ServerTools.Tests.Tracking;

/// <summary>
/// Passes that keep being refused the outbox's advisory lock (a transaction that stays open after a redelivery, another
/// role that takes the key) are reported at Warning, naming the sessions that hold the lock.
/// </summary>
public sealed class OutboxLockStallTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    private const int Stalled = 16;
    private const int Refused = 12;

    [Fact]
    public async Task Passes_refused_the_outbox_lock_past_the_threshold_warn_once_per_stall_naming_the_session_that_holds_it()
    {
        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var services = database.Services(
            s => s.AddSingleton(new Deliveries()).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>()
                .AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // A role with no privilege on the outbox takes the key alone, as any role that may connect can, and keeps its
        // transaction open. Its name holds a line break (a quoted identifier), which the log does not pass on.
        var role = $"st_intruder_{Guid.NewGuid().ToString("N")[..8]}\nforged";
        await ExecuteAsync($"CREATE ROLE \"{role}\" LOGIN PASSWORD 'intruder-secret'");
        var intruderConnection = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Username = role,
            Password = "intruder-secret",
            ApplicationName = "stall-intruder",
            Pooling = false,
        }.ConnectionString;
        try
        {
            await using var intruder = new NpgsqlConnection(intruderConnection);
            await intruder.OpenAsync();
            await StallAsync(dispatcher, log, intruder, role);
        }
        finally
        {
            await ExecuteAsync($"DROP ROLE \"{role}\"");
        }
    }

    private async Task StallAsync(
        TrackedChangeDispatcher<TrackingContext> dispatcher, RecordingLogger<TrackedChangeDispatcher<TrackingContext>> log, NpgsqlConnection intruder, string role)
    {
        int Warnings() => log.Entries.Count(e => e.EventId == Stalled);
        var transaction = await TakeKeyAsync(intruder);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        database.Clock.Now += TimeSpan.FromSeconds(29);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal(0, Warnings());

        database.Clock.Now += TimeSpan.FromSeconds(2);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        var warning = Assert.Single(log.Entries, e => e.EventId == Stalled);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("have handed out nothing for 31 s", warning.Message, StringComparison.Ordinal);
        Assert.Contains(
            $"pid {intruder.ProcessID} (role {role.Replace('\n', '?')}, application 'stall-intruder', state idle in transaction",
            warning.Message,
            StringComparison.Ordinal);
        Assert.Contains("holds it alone", warning.Message, StringComparison.Ordinal);
        Assert.Contains("End that transaction", warning.Message, StringComparison.Ordinal);

        // Once per stall, and again at a low rate while it lasts.
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal(1, Warnings());
        database.Clock.Now += TimeSpan.FromMinutes(4);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal(2, Warnings());

        // Released: a pass takes the lock. A new stall is reported only once it has lasted past the threshold in turn.
        await transaction.RollbackAsync();
        var refusals = log.Entries.Count(e => e.EventId == Refused);
        await dispatcher.DispatchAsync();
        Assert.Equal(refusals, log.Entries.Count(e => e.EventId == Refused));
        transaction = await TakeKeyAsync(intruder);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        database.Clock.Now += TimeSpan.FromSeconds(20);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal(2, Warnings());
        database.Clock.Now += TimeSpan.FromSeconds(11);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal(3, Warnings());
        await transaction.RollbackAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Takes the outbox's advisory lock alone, in a transaction of <paramref name="connection"/> that stays open.</summary>
    private static async Task<NpgsqlTransaction> TakeKeyAsync(NpgsqlConnection connection)
    {
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({OutboxSql.LockClass}, 'servertools_outbox'::regclass::oid::int)", connection, transaction);
        await command.ExecuteScalarAsync();
        return transaction;
    }
}
