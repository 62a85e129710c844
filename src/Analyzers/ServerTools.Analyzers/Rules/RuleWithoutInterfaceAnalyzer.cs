using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5002: a class marked <c>[ExceptionRule]</c> implements no <c>IExceptionRule&lt;T&gt;</c> (directly or through a base
/// class), so the registry has no entity type to run it for and skips it. Reported at the attribute.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RuleWithoutInterfaceAnalyzer : ExceptionRuleClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.RuleWithoutInterface];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, RulesSymbols symbols, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (ExceptionRuleClasses.RuleTargets(type, symbols.RuleInterface).IsEmpty)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuleWithoutInterface, syntax.GetLocation(), type.Name));
        }
    }
}
