using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5001: two or more classes marked <c>[ExceptionRule]</c> give the same id (compared ordinally): of the compilation, or
/// one of the compilation and one of an assembly it references that references ServerTools (the rules of both share one
/// registry at run time). Every class marked with a non-blank id takes part, valid or not, so that fixing another error
/// does not reveal a clash. Each one of the compilation is reported at its id, naming the others, once the whole
/// compilation is seen; the referenced assemblies are read then, only when the compilation has a rule.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateRuleIdAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.DuplicateRuleId];

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
                static (type, attribute, syntax) => RulesSymbols.Id(attribute) is { } id
                                                    && !string.IsNullOrWhiteSpace(id)
                                                    && RulesSymbols.IdArgument(syntax) is { } argument
                    ? new Rule(id, type, argument.GetLocation())
                    : null,
                (end, rules) =>
                {
                    // The rules of referenced assemblies share the registry at run time: a clash with one is reported at the
                    // project's own rule only (the referenced assembly's rule is reported, if at all, when its own project builds).
                    var referenced = CodeRules.Referenced(end.Compilation, symbols.Value!, end.CancellationToken)
                        .Select(static rule => (Rule: rule, Id: RulesSymbols.Id(rule.Attribute)))
                        .Where(static rule => !string.IsNullOrWhiteSpace(rule.Id))
                        .ToLookup(static rule => rule.Id!, static rule => rule.Rule.Type, StringComparer.Ordinal);
                    foreach (var clash in rules.GroupBy(static rule => rule.Id, StringComparer.Ordinal))
                    {
                        var elsewhere = referenced[clash.Key].Select(type => CodeRules.Describe(type, end.Compilation)).ToList();
                        if (elsewhere.Count == 0 && clash.Count() == 1)
                        {
                            continue;
                        }

                        foreach (var rule in clash)
                        {
                            var others = clash.Where(other => !ReferenceEquals(other, rule))
                                .Select(other => CodeRules.Describe(other.Type, end.Compilation))
                                .Concat(elsewhere)
                                .OrderBy(static name => name, StringComparer.Ordinal);
                            end.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.DuplicateRuleId, rule.Location, rule.Id, rule.Type.Name, string.Join(", ", others)));
                        }
                    }
                });
        });
    }

    private sealed record Rule(string Id, INamedTypeSymbol Type, Location Location);
}
