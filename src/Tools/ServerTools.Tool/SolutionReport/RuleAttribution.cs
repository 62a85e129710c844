using System;
using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// Gives every module's entities the exception rules of the modules they run with. A project's own report lists, with
/// each entity, the rules of the project and of the projects it references; where the rules live in a project that
/// references the data project (Shop.Rules references Shop.Data), the data project's build cannot see them, but the
/// application loads both into one rule registry. So here an entity is checked by every rule of a module linked to its
/// own (the same module, one references the other, or a module of the solution references both: an application that
/// loads both) whose checked type (<see cref="RuleReport.Target"/>) is the entity, one of its
/// <see cref="EntityReport.BaseTypes"/>, or <c>object</c>, by full name, as a project's own report matches them; the
/// rules themselves still count in the module that declares them only. Two modules that no module links (two
/// applications that each map a type of the same name) do not share rules.
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
        if (!modules.Any(static module => module.Rules.Count > 0))
        {
            return modules;
        }

        return [.. modules.Select(module => Apply(module, modules
            .Where(other => other.Rules.Count > 0 && Linked(modules, other, module))
            .SelectMany(static other => other.Rules)
            .GroupBy(static rule => rule.Target, StringComparer.Ordinal)
            .ToDictionary(static group => group.Key, static group => group.Select(static rule => rule.Id).ToList(), StringComparer.Ordinal)))];
    }

    /// <summary>
    /// Whether the rules of <paramref name="rules"/> can run on the entities of <paramref name="entities"/>: they are one
    /// module, or a module of <paramref name="modules"/> is or references each (so an application loads both).
    /// </summary>
    private static bool Linked(IReadOnlyList<ModuleReport> modules, ModuleReport rules, ModuleReport entities)
        => rules.Module == entities.Module
           || modules.Any(module => Reaches(module, rules.Module) && Reaches(module, entities.Module));

    /// <summary>Whether <paramref name="module"/> is <paramref name="name"/> or references it (its report lists the projects it references, through others too).</summary>
    private static bool Reaches(ModuleReport module, string name)
        => module.Module == name || module.References.Projects.Contains(name, StringComparer.Ordinal);

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
