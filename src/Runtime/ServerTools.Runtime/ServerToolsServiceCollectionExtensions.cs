using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServerTools.Rules;
using ServerTools.Rules.Data;

namespace ServerTools;

/// <summary>Registers ServerTools' application services.</summary>
public static class ServerToolsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the business rule engine (<see cref="IExceptionRuleEngine"/>, scoped, so rules may depend on scoped
    /// services) with the code rules of every loaded assembly and, with <see cref="RuleOptions.UseDataRules{TContext}"/>,
    /// the data rules of a context. Calling it again does not register a second engine.
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
        services.TryAddScoped<IExceptionRuleEngine>(provider => new ExceptionRuleEngine(provider, rules, store));
        return services;
    }
}
