using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Rules;
using ServerTools.Rules.Data;

namespace ServerTools;

/// <summary>Registers ServerTools' application services.</summary>
public static class ServerToolsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the business rule engine (<see cref="IExceptionRuleEngine"/>, scoped, so rules may depend on scoped
    /// services) with the code rules of every loaded assembly and, with <see cref="RuleOptions.UseDataRules{TContext}"/>,
    /// the data rules of a context: without it the engine runs no data rules, and a context of these services refuses
    /// to save an active one. Calling it again does not register a second engine.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Adjusts the <see cref="ServerToolsOptions"/> (here: <see cref="ServerToolsOptions.Rules"/>).</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddServerTools(this IServiceCollection services, Action<ServerToolsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ServerToolsOptions();
        configure?.Invoke(options);
        var rules = options.Rules;
        var store = rules.DataRuleContextType is { } contextType ? new DataRuleStore(contextType, rules.DataRuleRefreshInterval) : null;
        if (!services.Any(static service => service.ServiceType == typeof(IExceptionRuleEngine)))
        {
            services.AddSingleton(new RuleEngineSetup(rules.DataRuleContextType));
            services.AddScoped<IExceptionRuleEngine>(provider => new ExceptionRuleEngine(provider, rules, store));
        }

        return services;
    }
}
