using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Tracking;

/// <summary>A dispatcher registered for a context the application did not register: one clear error, not a failure per pass.</summary>
public sealed class DispatcherRegistrationTests
{
    private const string Expected =
        "The tracked change dispatcher of RenamedOutboxContext delivers from that context's outbox, but RenamedOutboxContext is not registered " +
        "in the application's services. Register it with services.AddDbContext<RenamedOutboxContext>(options => options.UseNpgsql(...).UseServerTools()).";

    [Fact]
    public async Task A_pass_without_the_context_registered_says_to_register_it()
    {
        await using var services = Unregistered();
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<RenamedOutboxContext>>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.DispatchAsync());

        Assert.Equal(Expected, error.Message);
    }

    [Fact]
    public async Task The_dispatch_loop_stops_at_once_instead_of_failing_every_pass()
    {
        await using var services = Unregistered();
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<RenamedOutboxContext>>();

        // Without the check, the loop logs the failed pass and waits for the next one until the token is cancelled, and
        // returns without an error.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.RunAsync(stop.Token));

        Assert.Equal(Expected, error.Message);
        Assert.False(stop.IsCancellationRequested);
    }

    [Fact]
    public void A_second_registration_for_the_same_context_is_refused_instead_of_dropping_its_options()
    {
        var services = new ServiceCollection();
        services.AddTrackedChangeDispatcher<RenamedOutboxContext>();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddTrackedChangeDispatcher<RenamedOutboxContext>(o => o.Dispatchers = 4));

        Assert.Equal(
            "AddTrackedChangeDispatcher<RenamedOutboxContext>() was called twice for RenamedOutboxContext (or TrackedChangeDispatcher<RenamedOutboxContext> " +
            "was registered before it): one dispatcher runs per context, with the options of one call, so the second call's options (Dispatchers, " +
            "BatchSize, ...) would be ignored. Call it once, and set every option in that call's delegate: " +
            "services.AddTrackedChangeDispatcher<RenamedOutboxContext>(o => { o.Dispatchers = 4; ... }).",
            error.Message);

        // Another context has a dispatcher of its own.
        services.AddTrackedChangeDispatcher<TrackingContext>();
    }

    private static ServiceProvider Unregistered()
    {
        var services = new ServiceCollection();
        services.AddTrackedChangeDispatcher<RenamedOutboxContext>(options => options.PollInterval = TimeSpan.FromMilliseconds(50));
        return services.BuildServiceProvider(validateScopes: true);
    }
}
