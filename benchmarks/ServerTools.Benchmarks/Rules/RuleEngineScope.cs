using System;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Benchmarks.Rules;

/// <summary>The engine of <c>AddServerTools()</c>, resolved in a DI scope that lives as long as a benchmark class's setup.</summary>
internal sealed class RuleEngineScope : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;

    /// <summary>Registers the engine with <paramref name="configure"/> and <paramref name="services"/>, and resolves it in a new scope.</summary>
    public RuleEngineScope(Action<ServerToolsOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection().AddServerTools(configure);
        services?.Invoke(collection);
        _services = collection.BuildServiceProvider();
        _scope = _services.CreateScope();
        Engine = _scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
    }

    public IExceptionRuleEngine Engine { get; }

    /// <summary>The measured work of the engine benchmarks: one <c>Evaluate</c> per order, all rules; the violations found.</summary>
    public int CountViolations(RuleOrderFields[] orders)
    {
        var engine = Engine;
        var violations = 0;
        foreach (var order in orders)
        {
            violations += engine.Evaluate(order).Violations.Count;
        }

        return violations;
    }

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
    }
}
