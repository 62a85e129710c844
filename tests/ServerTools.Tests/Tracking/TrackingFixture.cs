using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerTools.Tests.Auditing;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Tracking;

/// <summary>A database with the tracking model, a clock the tests move, and DI containers with a recording handler.</summary>
public sealed class TrackingFixture() : SchemaFixture<TrackingContext>(options => new(options))
{
    public FixedClock Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// An application's services: the context with <c>UseServerTools()</c> on this database and clock, a recording
    /// handler of <see cref="SaleOrder"/> changes, and a dispatcher (not started: tests call <c>DispatchAsync</c>).
    /// </summary>
    public ServiceProvider Services(Deliveries deliveries, Action<TrackedChangeDispatcherOptions>? configure = null)
        => Services(
            services => services.AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>(),
            configure);

    /// <summary>
    /// An application's services as <see cref="Services(Deliveries, Action{TrackedChangeDispatcherOptions}?)"/> makes them,
    /// with the handlers (and anything else) that <paramref name="register"/> adds.
    /// </summary>
    public ServiceProvider Services(Action<IServiceCollection> register, Action<TrackedChangeDispatcherOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddDbContext<TrackingContext>(options => options.UseNpgsql(ConnectionString).UseServerTools(o => o.TimeProvider = Clock));
        register(services);
        services.AddTrackedChangeDispatcher<TrackingContext>(options =>
        {
            options.TimeProvider = Clock;
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>
    /// Polls <paramref name="countQuery"/> (a <c>count(*)</c>, on a connection of its own) until it counts a row, or until
    /// <paramref name="done"/> says there is nothing left to wait for; fails with <paramref name="failure"/> after
    /// <paramref name="timeout"/>. For tests that act while another session is at a given point of its work.
    /// </summary>
    public async Task WaitUntilSeenAsync(string countQuery, TimeSpan timeout, string failure, Func<bool>? done = null)
    {
        await using var watcher = new NpgsqlConnection(ConnectionString);
        await watcher.OpenAsync();
        var clock = Stopwatch.StartNew();
        while (done?.Invoke() != true)
        {
            await using var look = new NpgsqlCommand(countQuery, watcher);
            if ((long)(await look.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < timeout, failure);
            await Task.Delay(2);
        }
    }

    protected override void Configure(ServerToolsOptions options) => options.TimeProvider = Clock;
}
