using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5007: a rule class implements <c>IExceptionRule&lt;T&gt;</c> for a <c>T</c> the registry cannot check
/// (<see cref="ExceptionRuleClasses.WhyNotTarget"/>: a value type, an array, a delegate, a type that the assembly cannot
/// name), so the registry skips the rule for that type. Reported at <c>IExceptionRule&lt;T&gt;</c> in the base list. A
/// class that cannot be created at all (ST5005, which covers <c>class Rule&lt;T&gt; : IExceptionRule&lt;T&gt;</c>) is left
/// to ST5005.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RuleTargetNotSupportedAnalyzer : ExceptionRuleClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.RuleTargetNotSupported];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, RulesSymbols symbols, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (ExceptionRuleClasses.WhyNotCreatable(type) is not null)
        {
            return;
        }

        foreach (var target in ExceptionRuleClasses.RuleTargets(type, symbols.RuleInterface))
        {
            if (ExceptionRuleClasses.WhyNotTarget(target) is { } reason)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.RuleTargetNotSupported,
                    RulesSymbols.InterfaceLocation(type, target, context.CancellationToken),
                    type.Name,
                    target.ToDisplayString(),
                    reason));
            }
        }
    }
}
