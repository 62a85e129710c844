using System;
using System.Collections.Generic;
using System.Numerics;

namespace ServerTools.Rules.Data;

/// <summary>
/// The data rules that run for entities of one runtime type in one rule set, in order, fused into
/// <see cref="DataRuleGroup"/>s of up to 64 rules: one delegate call per group, which returns a bit per broken rule,
/// instead of a delegate call and a handler per rule.
/// </summary>
internal sealed class DataRulePlan
{
    private readonly DataRuleGroup[] _groups;

    public DataRulePlan(Type entityType, DataRule[] rules)
    {
        Rules = rules;
        Infos = Array.ConvertAll(rules, static rule => rule.Info);
        _groups = new DataRuleGroup[(rules.Length + DataRuleGroup.MaxRules - 1) / DataRuleGroup.MaxRules];
        for (var i = 0; i < _groups.Length; i++)
        {
            var start = i * DataRuleGroup.MaxRules;
            _groups[i] = DataRuleGroup.For(entityType, rules, start, Math.Min(DataRuleGroup.MaxRules, rules.Length - start));
        }
    }

    /// <summary>A plan without rules.</summary>
    public static DataRulePlan Empty { get; } = new(typeof(object), []);

    /// <summary>The rules, in evaluation order; the index of a rule here is the one <see cref="RuleRun"/> is given.</summary>
    public DataRule[] Rules { get; }

    /// <summary>The rules' metadata, in the same order.</summary>
    public ExceptionRuleInfo[] Infos { get; }

    /// <summary>The groups, in order.</summary>
    public IReadOnlyList<DataRuleGroup> Groups => _groups;

    /// <summary>
    /// Checks every rule on <paramref name="entity"/> (of the plan's type), in order, and reports each broken rule
    /// (<see cref="RuleRun.Violated"/>) and each rule that cannot run or threw (<see cref="RuleRun.Failed"/>). When a
    /// group's delegate throws, nothing of that group has been reported yet: its rules run again one by one
    /// (<see cref="DataRule.Run"/>), which reports the rule that threw as failed and still runs the others.
    /// </summary>
    public void Run(object entity, ref RuleRun run)
    {
        var rules = Rules;
        foreach (var group in _groups)
        {
            if (!group.TryCheck(entity, out var broken))
            {
                for (var i = group.Start; i < group.Start + group.Count; i++)
                {
                    rules[i].Run(entity, i, ref run);
                }

                continue;
            }

            for (broken |= group.Unrunnable; broken != 0; broken &= broken - 1)
            {
                var index = group.Start + BitOperations.TrailingZeroCount(broken);
                if (rules[index].Error is { } error)
                {
                    run.Failed(index, error);
                }
                else
                {
                    run.Violated(index);
                }
            }
        }
    }
}
