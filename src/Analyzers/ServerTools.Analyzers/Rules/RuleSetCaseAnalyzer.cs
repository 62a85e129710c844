using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5011: an entry of a code rule's <c>RuleSets</c> differs only in case from a rule set of another code rule of the
/// compilation or of an assembly it references that references ServerTools (or from another entry of the same rule):
/// <c>RuleSets = ["post"]</c> beside <c>RuleSets = ["Post"]</c>. Sets are compared ordinally, so
/// <c>Enforce(invoice, "post")</c> skips the second rule. Like ST5001, it is reported at the entry of each rule of the
/// compilation once the whole compilation is seen: the rules are gathered as their classes are analysed (their attributes
/// are bound by then), so no walk over every type of the compilation is needed, and the referenced assemblies are read
/// only when the compilation has a rule with sets. A rule of a referenced assembly is reported when its own project builds.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RuleSetCaseAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.RuleSetDiffersInCase];

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
                    var known = rules.Select(static rule => rule.CodeRule)
                        .Concat(CodeRules.Referenced(end.Compilation, symbols.Value!, end.CancellationToken))
                        .SelectMany(static rule => CodeRules.RuleSets(rule.Attribute).OfType<string>().Select(set => new Owner(set, rule.Type)))
                        .ToLookup(static owner => owner.Set, StringComparer.OrdinalIgnoreCase);
                    foreach (var rule in rules)
                    {
                        Analyze(end, rule, known);
                    }
                });
        });
    }

    private static void Analyze(CompilationAnalysisContext context, RuleWithSets rule, ILookup<string, Owner> known)
        => rule.CheckEachSet((set, location) =>
        {
            var others = known[set].Where(owner => !string.Equals(owner.Set, set, StringComparison.Ordinal)).ToList();
            if (others.Count == 0)
            {
                return false;
            }

            var spellings = others.Select(static owner => owner.Set).Distinct(StringComparer.Ordinal).OrderBy(static name => name, StringComparer.Ordinal);
            var owners = others.Select(owner => CodeRules.Describe(owner.Type, context.Compilation)).Distinct(StringComparer.Ordinal).OrderBy(static name => name, StringComparer.Ordinal);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.RuleSetDiffersInCase,
                location,
                set,
                rule.Type.Name,
                string.Join(" and ", spellings.Select(static name => $"'{name}'")),
                string.Join(", ", owners)));
            return true;
        });

    /// <summary>A rule set as a code rule writes it, and the rule.</summary>
    private sealed record Owner(string Set, INamedTypeSymbol Type);
}
