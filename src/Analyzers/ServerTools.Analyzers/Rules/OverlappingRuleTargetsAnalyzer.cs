using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5009: a rule class implements <c>IExceptionRule&lt;T&gt;</c> for two types one of which is the other (a class and its
/// base class or an interface it implements: <see cref="ExceptionRuleClasses.OverlappingTargets"/>), so an entity of the
/// narrower type would be checked by two <c>Applies</c> methods under one id; the registry skips the class. Reported at
/// the narrower type's <c>IExceptionRule&lt;T&gt;</c> in the base list. Two interfaces that no type of the compilation
/// relates are not reported: an entity that implements both is refused by the engine when it plans its rules.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OverlappingRuleTargetsAnalyzer : ExceptionRuleClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.OverlappingRuleTargets];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, RulesSymbols symbols, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (ExceptionRuleClasses.WhyNotCreatable(type) is not null)
        {
            return;
        }

        var targets = ExceptionRuleClasses.RuleTargets(type, symbols.RuleInterface).Where(static target => ExceptionRuleClasses.WhyNotTarget(target) is null).ToList();
        if (ExceptionRuleClasses.OverlappingTargets(targets) is not { } overlap)
        {
            return;
        }

        var (narrow, wide) = overlap;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.OverlappingRuleTargets,
            RulesSymbols.InterfaceLocation(type, narrow, context.CancellationToken),
            type.Name,
            narrow.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            wide.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            RulesSymbols.Id(attribute)));
    }
}
