using System;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Infrastructure;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// ServerTools wraps a service of EF Core's internal provider (the migrations differ) in whatever form the provider
/// registered it, keeping its lifetime; with nothing registered yet it adds nothing.
/// </summary>
public sealed class DecoratedServiceTests
{
    [Theory]
    [InlineData("type", ServiceLifetime.Scoped)]
    [InlineData("factory", ServiceLifetime.Scoped)]
    [InlineData("instance", ServiceLifetime.Singleton)]
    public void The_registered_service_is_wrapped_with_its_lifetime(string registeredBy, ServiceLifetime lifetime)
    {
        var services = Registered(registeredBy);

        DecoratedService.Decorate<IGreeter>(services, static inner => new Loud(inner));

        Assert.Equal(lifetime, Assert.Single(services).Lifetime);
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        Assert.Equal("PLAIN!", scope.ServiceProvider.GetRequiredService<IGreeter>().Greet());
    }

    [Theory]
    [InlineData("type", true)]
    [InlineData("factory", false)]
    [InlineData("instance", false)]
    public void The_wrapper_is_given_the_registered_type_to_make_another_instance_of_or_null_for_a_factory_or_an_instance(string registeredBy, bool typeGiven)
    {
        var services = Registered(registeredBy);
        Type? given = typeof(object);

        DecoratedService.Decorate<IGreeter>(services, (_, inner, type) =>
        {
            given = type;
            return new Loud(inner);
        });

        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        Assert.Equal("PLAIN!", scope.ServiceProvider.GetRequiredService<IGreeter>().Greet());
        Assert.Equal(typeGiven ? typeof(Plain) : null, given);
    }

    [Fact]
    public void Nothing_is_added_when_nothing_is_registered_yet()
    {
        var services = new ServiceCollection();

        DecoratedService.Decorate<IGreeter>(services, static inner => new Loud(inner));

        Assert.Empty(services);
    }

    /// <summary>A greeter registered by type or factory (scoped), or as an instance (singleton).</summary>
    private static ServiceCollection Registered(string registeredBy)
    {
        var services = new ServiceCollection();
        _ = registeredBy switch
        {
            "type" => services.AddScoped<IGreeter, Plain>(),
            "factory" => services.AddScoped<IGreeter>(static _ => new Plain()),
            _ => services.AddSingleton<IGreeter>(new Plain()),
        };
        return services;
    }

    public interface IGreeter
    {
        string Greet();
    }

    public sealed class Plain : IGreeter
    {
        public string Greet() => "plain";
    }

    private sealed class Loud(IGreeter inner) : IGreeter
    {
        public string Greet() => inner.Greet().ToUpperInvariant() + "!";
    }
}
