using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5011: an entry of a code rule's <c>RuleSets</c> differs only in case from a rule set of another code rule of the
/// compilation or of an assembly it references that references ServerTools (or from another entry of the same rule):
/// <c>RuleSets = ["post"]</c> beside <c>RuleSets = ["Post"]</c>. Sets are compared ordinally, so
/// <c>Enforce(invoice, "post")</c> skips the second rule. Reported at the entry of each rule of the compilation, as the
/// rule's class is analysed (the rule sets are read once per compilation, at the first rule with sets); a rule of a
/// referenced assembly is reported when its own project builds.
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
            var known = new Lazy<ILookup<string, Owner>>(
                () => KnownSets(start.Compilation, symbols.Value!, start.CancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbolContext.Symbol is INamedTypeSymbol type
                        && symbols.Value?.Find(type) is { } attribute
                        && CodeRules.RuleSets(attribute).Any(static set => !string.IsNullOrWhiteSpace(set))
                        && attribute.ApplicationSyntaxReference?.GetSyntax(symbolContext.CancellationToken) is AttributeSyntax syntax
                        && RulesSymbols.Argument(syntax, RulesSymbols.RuleSets) is { } argument)
                    {
                        Analyze(symbolContext, type, attribute, argument, known.Value);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AttributeArgumentSyntax argument, ILookup<string, Owner> known)
    {
        var sets = CodeRules.RuleSets(attribute).ToList();
        var elements = RulesSymbols.Elements(argument.Expression);
        if (elements is not null && elements.Count != sets.Count)
        {
            elements = null;
        }

        for (var i = 0; i < sets.Count; i++)
        {
            if (sets[i] is not { } set || string.IsNullOrWhiteSpace(set))
            {
                continue;
            }

            var others = known[set].Where(owner => !string.Equals(owner.Set, set, StringComparison.Ordinal)).ToList();
            if (others.Count == 0)
            {
                continue;
            }

            var spellings = others.Select(static owner => owner.Set).Distinct(StringComparer.Ordinal).OrderBy(static name => name, StringComparer.Ordinal);
            var owners = others.Select(owner => CodeRules.Describe(owner.Type, context.Compilation)).Distinct(StringComparer.Ordinal).OrderBy(static name => name, StringComparer.Ordinal);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.RuleSetDiffersInCase,
                (elements?[i] ?? argument.Expression).GetLocation(),
                set,
                type.Name,
                string.Join(" and ", spellings.Select(static name => $"'{name}'")),
                string.Join(", ", owners)));
            if (elements is null)
            {
                return;
            }
        }
    }

    /// <summary>The rule sets of the code rules of the compilation and of the assemblies it references, by name without regard to case.</summary>
    private static ILookup<string, Owner> KnownSets(Compilation compilation, RulesSymbols symbols, CancellationToken cancellationToken)
        => CodeRules.InSource(compilation, symbols, cancellationToken)
            .Concat(CodeRules.Referenced(compilation, symbols, cancellationToken))
            .SelectMany(static rule => CodeRules.RuleSets(rule.Attribute).OfType<string>().Select(set => new Owner(set, rule.Type)))
            .ToLookup(static owner => owner.Set, StringComparer.OrdinalIgnoreCase);

    /// <summary>A rule set as a code rule writes it, and the rule.</summary>
    private sealed record Owner(string Set, INamedTypeSymbol Type);
}
