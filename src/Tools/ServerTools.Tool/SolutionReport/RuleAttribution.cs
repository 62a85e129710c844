using System;
using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// Gives every module's entities the exception rules of all the modules combined. A project's own report lists, with
/// each entity, the rules of the project and of the projects it references; where the rules live in a project that
/// references the data project (Shop.Rules references Shop.Data), the data project's build cannot see them, but the
/// application loads both into one rule registry. So here an entity is checked by every rule of any module whose
/// checked type (<see cref="RuleReport.Target"/>) is the entity, one of its <see cref="EntityReport.BaseTypes"/>, or
/// <c>object</c>, by full name, as a project's own report matches them; the rules themselves still count in the module
/// that declares them only.
/// </summary>
internal static class RuleAttribution
{
    /// <summary>The name the module report gives <see cref="object"/>: a rule that checks it checks every entity.</summary>
    private const string ObjectTarget = "object";

    /// <summary>
    /// <paramref name="modules"/>, each entity with the ids of every rule that checks it added to its own (distinct, in
    /// ordinal order), and each module's <c>ExceptionRules</c> feature counted again from them.
    /// </summary>
    public static IReadOnlyList<ModuleReport> Apply(IReadOnlyList<ModuleReport> modules)
    {
        var idsByTarget = modules
            .SelectMany(static module => module.Rules)
            .GroupBy(static rule => rule.Target, StringComparer.Ordinal)
            .ToDictionary(static group => group.Key, static group => group.Select(static rule => rule.Id).ToList(), StringComparer.Ordinal);
        return idsByTarget.Count == 0 ? modules : [.. modules.Select(module => Apply(module, idsByTarget))];
    }

    private static ModuleReport Apply(ModuleReport module, Dictionary<string, List<string>> idsByTarget)
    {
        if (module.Entities.Count == 0)
        {
            return module;
        }

        var entities = module.Entities.Select(entity => Apply(entity, idsByTarget)).ToList();
        var features = new Dictionary<string, int>(module.Features, StringComparer.Ordinal)
        {
            ["ExceptionRules"] = entities.Count(static entity => entity.Rules.Count > 0),
        };
        return module with { Entities = entities, Features = features };
    }

    private static EntityReport Apply(EntityReport entity, Dictionary<string, List<string>> idsByTarget)
    {
        var ids = new SortedSet<string>(entity.Rules, StringComparer.Ordinal);
        foreach (var type in entity.BaseTypes.Prepend(entity.Type).Append(ObjectTarget))
        {
            if (idsByTarget.TryGetValue(type, out var checking))
            {
                ids.UnionWith(checking);
            }
        }

        return ids.Count == entity.Rules.Count ? entity : entity with { Rules = [.. ids] };
    }
}
