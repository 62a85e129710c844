using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5001: two or more classes of the compilation marked <c>[ExceptionRule]</c> give the same id (compared ordinally).
/// Every class marked with a non-blank id takes part, valid or not, so that fixing another error does not reveal a
/// clash. Each one is reported at its id, naming the others, once the whole compilation is seen.
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
            var rules = new ConcurrentBag<Rule>();
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbolContext.Symbol is INamedTypeSymbol type
                        && symbols.Value?.Find(type) is { } attribute
                        && RulesSymbols.Id(attribute) is { } id
                        && !string.IsNullOrWhiteSpace(id)
                        && attribute.ApplicationSyntaxReference?.GetSyntax(symbolContext.CancellationToken) is AttributeSyntax syntax
                        && RulesSymbols.IdArgument(syntax) is { } argument)
                    {
                        rules.Add(new Rule(id, type, argument.GetLocation()));
                    }
                },
                SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var clash in rules.GroupBy(static rule => rule.Id, StringComparer.Ordinal).Where(static group => group.Count() > 1))
                {
                    foreach (var rule in clash)
                    {
                        var others = clash.Where(other => !ReferenceEquals(other, rule))
                            .Select(static other => $"'{other.Type.ToDisplayString()}'")
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
