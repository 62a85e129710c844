using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5003: a rule with <c>Severity = RuleSeverity.Blocking</c> has no <c>Message</c> (none, null, empty or blank), so
/// the user whose action it stops reads only the engine's "The rule '...' is broken.". Reported at the
/// <c>Severity</c> argument.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingRuleWithoutMessageAnalyzer : ExceptionRuleClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.BlockingRuleWithoutMessage];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, RulesSymbols symbols, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (!symbols.IsBlocking(attribute) || !string.IsNullOrWhiteSpace(RulesSymbols.Text(attribute, RulesSymbols.Message)))
        {
            return;
        }

        // The name the engine's fallback message uses: the Name given, or the id (ExceptionRuleInfo.Name).
        var name = RulesSymbols.Text(attribute, RulesSymbols.Name);
        var shownAs = string.IsNullOrWhiteSpace(name) ? RulesSymbols.Id(attribute) : name;
        var location = RulesSymbols.Argument(syntax, RulesSymbols.Severity)?.GetLocation() ?? syntax.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingRuleWithoutMessage, location, type.Name, shownAs));
    }
}
