using System;
using System.Threading;
using ServerTools.Rules.Data;

namespace ServerTools.Rules;

/// <summary>
/// How the application's rule engine is set up: the options of every <c>AddServerTools</c> call on one service collection
/// (the first call registers this setup, later ones configure the same options, as <c>services.Configure</c> does), and
/// the data rule store made from them when a service provider first uses them. Registered as a singleton beside the
/// engine, so that a context created by the application's services can tell, when it saves a data rule, whether the
/// engine will run it.
/// </summary>
internal sealed class RuleEngineSetup
{
    private readonly Lock _lock = new();
    private readonly ServerToolsOptions _options = new();
    private DataRuleStore? _store;
    private volatile bool _sealed;

    /// <summary>The engine's options, as every <c>AddServerTools</c> call set them.</summary>
    public RuleOptions Rules => _options.Rules;

    /// <summary>The context type whose table the engine reads data rules from (<see cref="RuleOptions.UseDataRules{TContext}"/>), or null when it runs none.</summary>
    public Type? DataRuleContextType
    {
        get
        {
            Seal();
            return Rules.DataRuleContextType;
        }
    }

    /// <summary>The data rules the engine runs, or null when it runs none.</summary>
    public DataRuleStore? Store
    {
        get
        {
            Seal();
            return _store;
        }
    }

    /// <summary>Applies one <c>AddServerTools</c> call's <paramref name="configure"/> to the options.</summary>
    /// <exception cref="InvalidOperationException">
    /// The options are in use already, or this call makes the engine read data rules from another context than an earlier call.
    /// </exception>
    public void Configure(Action<ServerToolsOptions>? configure)
    {
        if (configure is null)
        {
            return;
        }

        lock (_lock)
        {
            if (_sealed)
            {
                throw new InvalidOperationException(
                    "AddServerTools was called after a service provider built from these services had set up the rule engine (it resolved "
                    + "the engine, or saved a data rule), so the options of this call would not apply to it. Call AddServerTools, every "
                    + "time, before the service provider is built.");
            }

            var earlier = Rules.DataRuleContextType;
            configure(_options);
            if (earlier is not null && Rules.DataRuleContextType is { } now && now != earlier)
            {
                throw new InvalidOperationException(
                    $"AddServerTools was called more than once, with Rules.UseDataRules<{earlier.Name}>() in an earlier call and "
                    + $"Rules.UseDataRules<{now.Name}>() in this one, but the rule engine reads the data rules of one context. Keep the "
                    + "UseDataRules of the context whose table holds the rules and remove the other: every call of AddServerTools "
                    + "configures the same options, so one UseDataRules, in any of them, is enough.");
            }
        }
    }

    private void Seal()
    {
        if (_sealed)
        {
            return;
        }

        lock (_lock)
        {
            if (!_sealed)
            {
                _store = Rules.DataRuleContextType is { } contextType ? new DataRuleStore(contextType, Rules.DataRuleRefreshInterval) : null;
                _sealed = true;
            }
        }
    }
}
