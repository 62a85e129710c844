using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5008: a rule's <c>Severity</c> is a value that is no member of <c>RuleSeverity</c> (<c>(RuleSeverity)2</c>); the
/// rule's metadata refuses it (<see cref="ExceptionRuleClasses.WhyInvalid"/>), so the registry skips the rule.
/// Reported at the <c>Severity</c> argument.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndefinedRuleSeverityAnalyzer : ExceptionRuleClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.UndefinedRuleSeverity];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, RulesSymbols symbols, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (RulesSymbols.Named(attribute, RulesSymbols.Severity) is { Type: INamedTypeSymbol { TypeKind: TypeKind.Enum } severity, Value: { } value }
            && ExceptionRuleClasses.MemberName(severity, value) is null
            && RulesSymbols.Argument(syntax, RulesSymbols.Severity) is { } argument)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UndefinedRuleSeverity,
                argument.GetLocation(),
                type.Name,
                Convert.ToString(value, CultureInfo.InvariantCulture)));
        }
    }
}
