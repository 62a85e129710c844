using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5013: an entry of a code rule's <c>RuleSets</c> that no other code rule writes, and that is a typo away
/// (<see cref="RuleSetUse.TypoOf"/>) from a set that another code rule of the compilation or of an assembly it references
/// writes: <c>RuleSets = ["confrim"]</c> beside <c>RuleSets = ["confirm"]</c>. The rule is then in a set of its own, and
/// <c>Enforce(order, "confirm")</c> skips it. Sets that several rules write each are taken as meant (<c>"sale"</c> and
/// <c>"sales"</c>); when the two sets are written by one rule each, both are reported, since which is meant cannot be told.
/// Gathered and reported as ST5011 is: the rules as their classes are analysed, the comparison once the compilation is
/// seen. Data rules are not seen at compile time. The diagnostic carries the set meant (<see cref="MeantRuleSet"/>) when
/// one set is near and more rules write it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RuleSetTypoAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property with the one rule set the entry is taken to mean, for the code fix.</summary>
    public const string MeantRuleSet = "MeantRuleSet";

    /// <summary>How many rules the message names before it counts the others.</summary>
    private const int NamedOwners = 3;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.RuleSetTypo];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, RulesSymbols.From);
            CodeRules.GatherThenReport(
                start,
                symbols,
                RuleWithSets.Select,
                (end, rules) =>
                {
                    var use = RuleSetUse.Of(rules
                        .Select(static rule => rule.CodeRule)
                        .Concat(CodeRules.Referenced(end.Compilation, symbols.Value!, end.CancellationToken)));
                    foreach (var rule in rules)
                    {
                        Analyze(end, rule, use);
                    }
                });
        });
    }

    private static void Analyze(CompilationAnalysisContext context, RuleWithSets rule, RuleSetUse use)
        => rule.CheckEachSet((set, location) =>
        {
            if (use.TypoOf(set) is not { Count: > 0 } near)
            {
                return false;
            }

            var owners = near.SelectMany(use.Owners)
                .Where(owner => !SymbolEqualityComparer.Default.Equals(owner, rule.Type))
                .Select(owner => CodeRules.Describe(owner, context.Compilation))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(static name => name, StringComparer.Ordinal)
                .ToList();
            var properties = near.Count == 1 && use.Owners(near[0]).Count > 1
                ? ImmutableDictionary<string, string?>.Empty.Add(MeantRuleSet, near[0])
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.RuleSetTypo,
                location,
                properties,
                set,
                rule.Type.Name,
                string.Join(" or ", near.Select(static name => $"'{name}'")),
                Describe(owners)));
            return true;
        });

    /// <summary>The first <see cref="NamedOwners"/> rules by name, and how many others there are.</summary>
    private static string Describe(List<string> owners)
        => owners.Count <= NamedOwners
            ? string.Join(", ", owners)
            : $"{string.Join(", ", owners.Take(NamedOwners))} and {owners.Count - NamedOwners} other rules";
}
