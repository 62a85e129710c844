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
/// applications that each map a type of the same name) do not share rules. The reports name types, they do not identify
/// them: two types of one full name in modules an application loads together are taken for one (the type usually comes
/// from a project or package both reference, which the reports do not tell apart from a utility project).
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

        var links = new Links(modules);
        return [.. modules.Select(module => Apply(module, modules
            .Where(other => other.Rules.Count > 0 && links.Linked(other.Module, module.Module))
            .SelectMany(static other => other.Rules)
            .GroupBy(static rule => rule.Target, StringComparer.Ordinal)
            .ToDictionary(static group => group.Key, static group => group.Select(static rule => rule.Id).ToList(), StringComparer.Ordinal)))];
    }

    /// <summary>The projects each module references (through others too, as its report lists them), and the modules that reference each.</summary>
    private sealed class Links
    {
        private readonly Dictionary<string, HashSet<string>> _references = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _referencedBy = new(StringComparer.Ordinal);

        public Links(IReadOnlyList<ModuleReport> modules)
        {
            foreach (var module in modules)
            {
                // A module built for several frameworks has a report for each: the union of their references.
                Of(_references, module.Module).UnionWith(module.References.Projects);
                foreach (var project in module.References.Projects)
                {
                    Of(_referencedBy, project).Add(module.Module);
                }
            }
        }

        /// <summary>
        /// Whether the rules of module <paramref name="rules"/> can check the entities of module <paramref name="entities"/>:
        /// one module, one references the other, or a module references both (an application that loads both). Two that
        /// no module references together never run in one registry.
        /// </summary>
        public bool Linked(string rules, string entities)
            => rules == entities
               || References(rules).Contains(entities)
               || References(entities).Contains(rules)
               || (_referencedBy.TryGetValue(rules, out var loadingRules)
                   && _referencedBy.TryGetValue(entities, out var loadingEntities)
                   && loadingRules.Overlaps(loadingEntities));

        private HashSet<string> References(string module) => _references.TryGetValue(module, out var projects) ? projects : [];

        private static HashSet<string> Of(Dictionary<string, HashSet<string>> sets, string key)
        {
            if (!sets.TryGetValue(key, out var set))
            {
                sets.Add(key, set = new HashSet<string>(StringComparer.Ordinal));
            }

            return set;
        }
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
