using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace ServerTools.Rules.Data;

/// <summary>The active data rules as read from the table at one moment, and which of them run for each (type, rule set).</summary>
internal sealed class DataRuleSnapshot(IReadOnlyList<DataRule> rules, int version, long loadedAt)
{
    private readonly ConcurrentDictionary<(Type Type, string? RuleSet), DataRulePlan> _plans = new();

    public IReadOnlyList<DataRule> Rules { get; } = rules;

    /// <summary>The value of <see cref="DataRuleStore.Version"/> when the rules were read.</summary>
    public int Version { get; } = version;

    /// <summary>When the rules were read (<see cref="Environment.TickCount64"/>).</summary>
    public long LoadedAt { get; } = loadedAt;

    /// <summary>The rules that run for an entity of <paramref name="type"/> in <paramref name="ruleSet"/>, in order, ready to run.</summary>
    public DataRulePlan For(Type type, string? ruleSet) => _plans.GetOrAdd((type, ruleSet), static (key, rules) =>
    {
        var matching = new List<DataRule>();
        foreach (var rule in rules)
        {
            if (rule.Checks(key.Type) && rule.Info.IsIn(key.RuleSet))
            {
                matching.Add(rule);
            }
        }

        matching.Sort(static (x, y) => ExceptionRuleInfo.Compare(x.Info, y.Info));
        return new DataRulePlan(key.Type, matching.ToArray());
    }, Rules);
}
