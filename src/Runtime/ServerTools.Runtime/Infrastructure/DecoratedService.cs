using System;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Infrastructure;

/// <summary>
/// Wraps a service of a context's internal service provider that the database provider registered, so that what the
/// provider, or the application through <c>ReplaceService</c>, chose keeps doing the work underneath.
/// </summary>
internal static class DecoratedService
{
    /// <summary>
    /// Replaces the last registration of <typeparamref name="TService"/> made so far by one of the same lifetime that gives
    /// <paramref name="decorate"/> of the instance it would have given. Does nothing when there is none yet: an options
    /// extension added before the provider's is applied before it, and cannot know what the provider will register.
    /// </summary>
    public static void Decorate<TService>(IServiceCollection services, Func<TService, TService> decorate)
        where TService : class
        => Decorate<TService>(services, (_, service, _) => decorate(service));

    /// <summary>
    /// As <see cref="Decorate{TService}(IServiceCollection, Func{TService, TService})"/>; <paramref name="decorate"/> is also
    /// given the provider and the type the instance was made of (the registered one, or its <c>ReplaceService</c>
    /// replacement), or null when the registration is an instance or a factory, so that it can make another of that type.
    /// </summary>
    public static void Decorate<TService>(IServiceCollection services, Func<IServiceProvider, TService, Type?, TService> decorate)
        where TService : class
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var registered = services[i];
            if (registered.ServiceType == typeof(TService) && !registered.IsKeyedService)
            {
                services[i] = ServiceDescriptor.Describe(
                    typeof(TService),
                    provider =>
                    {
                        var (service, type) = Create<TService>(provider, registered);
                        return decorate(provider, service, type);
                    },
                    registered.Lifetime);
                return;
            }
        }
    }

    private static (TService Service, Type? Type) Create<TService>(IServiceProvider provider, ServiceDescriptor registered)
        where TService : class
    {
        if (registered.ImplementationInstance is not null)
        {
            return ((TService)registered.ImplementationInstance, null);
        }

        if (registered.ImplementationFactory is { } factory)
        {
            return ((TService)factory(provider), null);
        }

        // ReplaceService<TService, TCurrent, TNew>() replaces the registration of TCurrent, which this one now stands for;
        // ReplaceService<TService, TNew>() replaces this one itself, and then nothing here runs.
        var type = registered.ImplementationType!;
        if (provider.GetService<IDbContextOptions>()?.FindExtension<CoreOptionsExtension>()?.ReplacedServices is { } replaced
            && replaced.TryGetValue((typeof(TService), type), out var replacement))
        {
            type = replacement;
        }

        return ((TService)ActivatorUtilities.CreateInstance(provider, type), type);
    }
}
