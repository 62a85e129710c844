using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace ServerTools.Rules;

/// <summary>
/// The code rules that run for entities of one runtime type in one rule set: the registered <see cref="CodeRuleSet"/>s
/// whose type the entity's type is, or derives from, or implements, and for each which of its rules belong to the set.
/// Built once per (type, set) and registry version, shared by every engine.
/// </summary>
internal sealed class CodeRulePlan
{
    private static readonly ConcurrentDictionary<(Type Type, string? RuleSet), CodeRulePlan> s_plans = new();

    private CodeRulePlan(Type entityType, string? ruleSet, int version, CodeRuleSet[] sets, bool[]?[] active, ExceptionRuleInfo[] rules)
    {
        EntityType = entityType;
        RuleSet = ruleSet;
        Version = version;
        Sets = sets;
        Active = active;
        Rules = rules;
    }

    public Type EntityType { get; }

    public string? RuleSet { get; }

    /// <summary>The registry version the plan was built from.</summary>
    public int Version { get; }

    /// <summary>The rule sets to run, each with at least one active rule.</summary>
    public CodeRuleSet[] Sets { get; }

    /// <summary>Per set, which rules are active (<see langword="null"/>: all).</summary>
    public bool[]?[] Active { get; }

    /// <summary>The active code rules, in evaluation order.</summary>
    public ExceptionRuleInfo[] Rules { get; }

    /// <summary>The plan of <paramref name="entityType"/> and <paramref name="ruleSet"/> for the current registry.</summary>
    /// <exception cref="InvalidOperationException">Two code rules of the type share an id, or one rule class checks the type through two of its interfaces.</exception>
    public static CodeRulePlan For(Type entityType, string? ruleSet)
    {
        var version = ExceptionRuleRegistry.Version;
        if (s_plans.TryGetValue((entityType, ruleSet), out var plan) && plan.Version == version)
        {
            return plan;
        }

        plan = Build(entityType, ruleSet, version);
        s_plans[(entityType, ruleSet)] = plan;
        return plan;
    }

    private static CodeRulePlan Build(Type entityType, string? ruleSet, int version)
    {
        var sets = new List<CodeRuleSet>();
        var masks = new List<bool[]?>();
        var rules = new List<ExceptionRuleInfo>();
        var ids = new Dictionary<string, ExceptionRuleInfo>(StringComparer.Ordinal);
        foreach (var set in ExceptionRuleRegistry.Sets)
        {
            if (!set.EntityType.IsAssignableFrom(entityType))
            {
                continue;
            }

            var infos = set.RuleArray;
            bool[]? mask = null;
            var any = false;
            for (var i = 0; i < infos.Length; i++)
            {
                var info = infos[i];
                if (ids.TryGetValue(info.Id, out var other))
                {
                    if (other.RuleType is null || other.RuleType != info.RuleType)
                    {
                        throw new InvalidOperationException(
                            $"Two rules have the id '{info.Id}': {Describe(other)} and {Describe(info)}. Rule ids must be unique; rename one of them.");
                    }

                    // One class that checks the entity through two of its types: which answer counts is not written anywhere.
                    // ST5009 refuses the class when one type is the other; two interfaces the entity both implements land here.
                    throw new InvalidOperationException(
                        $"The rule '{info.Id}' ({info.RuleType!.FullName}) checks {entityType.FullName} twice, through IExceptionRule<{other.EntityType.Name}> and "
                        + $"IExceptionRule<{info.EntityType.Name}>, which {entityType.Name} both implements: which of its two answers counts is not written anywhere. "
                        + $"Implement only one of the two interfaces and check in its Applies what is particular to the other, or split the class into two rules with ids of their own.");
                }

                ids.Add(info.Id, info);
                if (info.IsIn(ruleSet))
                {
                    any = true;
                    rules.Add(info);
                }
                else
                {
                    mask ??= Array.ConvertAll(infos, static _ => true);
                    mask[i] = false;
                }
            }

            if (any)
            {
                sets.Add(set);
                masks.Add(mask);
            }
        }

        rules.Sort(ExceptionRuleInfo.Compare);
        return new CodeRulePlan(entityType, ruleSet, version, sets.ToArray(), masks.ToArray(), rules.ToArray());
    }

    private static string Describe(ExceptionRuleInfo rule)
        => rule.RuleType is { } type ? $"{type.FullName} (on {rule.EntityType.Name})" : $"a data rule on {rule.EntityType.Name}";
}
