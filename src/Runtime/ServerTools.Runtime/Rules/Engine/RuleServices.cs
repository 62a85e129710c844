using System;
using System.ComponentModel;

namespace ServerTools.Rules;

/// <summary>Constructor arguments of code rules, taken from DI by the generated factories. Not for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RuleServices
{
    /// <summary>The service <typeparamref name="TService"/> that the rule <paramref name="ruleId"/> needs.</summary>
    /// <exception cref="InvalidOperationException">The service is not registered; the message names the rule and the service.</exception>
    public static TService Get<TService>(IServiceProvider services, string ruleId, string ruleType)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService(typeof(TService)) is TService service)
        {
            return service;
        }

        throw new InvalidOperationException(
            $"The rule '{ruleId}' ({ruleType}) takes a {typeof(TService).FullName} in its constructor, which is not registered. " +
            $"Register it in the application's services (services.AddScoped<{typeof(TService).Name}, ...>()), or give the parameter a default value of null.");
    }

    /// <summary>The service <typeparamref name="TService"/> if it is registered, for a parameter whose default is <see langword="null"/>.</summary>
    public static TService? Find<TService>(IServiceProvider services)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService(typeof(TService)) as TService;
    }
}
