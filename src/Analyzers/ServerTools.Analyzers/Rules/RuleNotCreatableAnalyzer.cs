using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5005: the registry cannot create a class marked <c>[ExceptionRule]</c> (<see cref="ExceptionRuleClasses.WhyNotCreatable"/>:
/// abstract, open generic, not visible to the generated registry, no constructor it can call...), so it skips the rule.
/// Reported at the class's name in the declaration that carries the attribute.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RuleNotCreatableAnalyzer : ExceptionRuleClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.RuleNotCreatable];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, RulesSymbols symbols, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (ExceptionRuleClasses.WhyNotCreatable(type) is { } reason)
        {
            var location = RulesSymbols.Declaration(syntax)?.Identifier.GetLocation() ?? type.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuleNotCreatable, location, type.Name, reason));
        }
    }
}
