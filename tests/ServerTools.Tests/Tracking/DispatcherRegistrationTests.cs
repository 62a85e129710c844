using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Tests.TimeWindows;

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

    /// <summary>
    /// A context registered without <c>UseServerTools()</c>: the dispatcher says to add it before anything reads the model.
    /// With a <c>[TimeWindowed]</c> entity in the model, as here, EF Core cannot even build the model without it and would
    /// say to call <c>ToJson()</c>, once per pass, for ever. No connection is opened (the host does not exist).
    /// </summary>
    [Fact]
    public async Task A_context_without_UseServerTools_stops_the_loop_at_once_saying_to_add_it()
    {
        var collection = new ServiceCollection();
        collection.AddDbContext<TimeWindowContext>(options => options.UseNpgsql("Host=servertools.invalid"));
        collection.AddTrackedChangeDispatcher<TimeWindowContext>(options => options.PollInterval = TimeSpan.FromMilliseconds(50));
        await using var services = collection.BuildServiceProvider(validateScopes: true);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TimeWindowContext>>();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var loop = await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.RunAsync(stop.Token));
        var pass = await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.DispatchAsync());

        Assert.False(stop.IsCancellationRequested);
        foreach (var error in new[] { loop, pass })
        {
            Assert.Equal(
                "The tracked change dispatcher of TimeWindowContext delivers from that context's outbox, but the context's options do not call " +
                "UseServerTools(), which maps the outbox and writes it in every save. Add .UseServerTools() after the database provider's " +
                "Use...(): services.AddDbContext<TimeWindowContext>(options => options.UseNpgsql(...).UseServerTools()).",
                error.Message);
            Assert.Contains("ToJson()", error.InnerException?.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A context that adds UseServerTools() in its OnConfiguring, and whose model has an error of its own (an entity
    /// without a key): the dispatcher stops with that error, not with advice to add what the context has.
    /// </summary>
    [Fact]
    public async Task A_model_error_of_a_context_configured_in_OnConfiguring_is_thrown_as_it_is()
    {
        var collection = new ServiceCollection();
        collection.AddDbContext<KeylessModelContext>();
        collection.AddTrackedChangeDispatcher<KeylessModelContext>(options => options.PollInterval = TimeSpan.FromMilliseconds(50));
        await using var services = collection.BuildServiceProvider(validateScopes: true);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<KeylessModelContext>>();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.RunAsync(stop.Token));

        Assert.False(stop.IsCancellationRequested);
        Assert.Contains("requires a primary key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("UseServerTools()", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Unregistered()
    {
        var services = new ServiceCollection();
        services.AddTrackedChangeDispatcher<RenamedOutboxContext>(options => options.PollInterval = TimeSpan.FromMilliseconds(50));
        return services.BuildServiceProvider(validateScopes: true);
    }
}

/// <summary>An entity without a key: a mistake of the application's model.</summary>
public class KeylessThing
{
    public string Name { get; set; } = "";
}

/// <summary>A context that configures itself in OnConfiguring, UseServerTools() included, with a model that cannot be built.</summary>
public sealed class KeylessModelContext : DbContext
{
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
        => optionsBuilder.UseNpgsql("Host=servertools.invalid").UseServerTools();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<KeylessThing>();
}
