using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Rules;

namespace ServerTools;

/// <summary>Registers ServerTools' application services.</summary>
public static class ServerToolsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the business rule engine (<see cref="IExceptionRuleEngine"/>, scoped, so rules may depend on scoped
    /// services) with the code rules of every loaded assembly and, with <see cref="RuleOptions.UseDataRules{TContext}"/>,
    /// the data rules of a context: without it the engine runs no data rules, and a context of these services refuses
    /// to save an active one. Calling it again (a module and the host each call it) registers no second engine: the
    /// call's <paramref name="configure"/> adjusts the same options, as <c>services.Configure</c> does, so a
    /// <c>UseDataRules</c> in any of the calls applies. An <see cref="IExceptionRuleEngine"/> registered before the first
    /// call is kept, and the options are then not used.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Adjusts the <see cref="ServerToolsOptions"/> (here: <see cref="ServerToolsOptions.Rules"/>).</param>
    /// <returns>The same services, for chaining.</returns>
    /// <exception cref="InvalidOperationException">
    /// Two calls make the engine read data rules from two context types (<c>UseDataRules&lt;A&gt;()</c>, then
    /// <c>UseDataRules&lt;B&gt;()</c>), or the call comes after a service provider built from these services set up the engine.
    /// </exception>
    public static IServiceCollection AddServerTools(this IServiceCollection services, Action<ServerToolsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.FirstOrDefault(static service => service.ServiceType == typeof(RuleEngineSetup) && !service.IsKeyedService)?.ImplementationInstance is RuleEngineSetup registered)
        {
            registered.Configure(configure);
            return services;
        }

        var setup = new RuleEngineSetup();
        setup.Configure(configure);
        if (!services.Any(static service => service.ServiceType == typeof(IExceptionRuleEngine)))
        {
            services.AddSingleton(setup);
            services.AddScoped<IExceptionRuleEngine>(provider => new ExceptionRuleEngine(provider, setup.Rules, setup.Store));
        }

        return services;
    }
}
