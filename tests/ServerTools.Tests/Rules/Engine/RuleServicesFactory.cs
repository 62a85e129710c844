using System;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>The services of an application that uses the rule engine, as the tests build them.</summary>
internal static class RuleServicesFactory
{
    public static ServiceProvider Create(Action<ServerToolsOptions>? configure = null, Action<IServiceCollection>? services = null, decimal creditLimit = 1_000m)
    {
        var collection = new ServiceCollection();
        collection.AddScoped<ICreditLimits>(_ => new FixedCreditLimits(creditLimit));
        services?.Invoke(collection);
        collection.AddServerTools(configure);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
