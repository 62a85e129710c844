using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// What the analyzers of one rule class share: generated code is not analyzed, execution is concurrent, the rule types
/// are resolved once per compilation that references ServerTools, and each class marked <c>[ExceptionRule]</c> in
/// source is handed to <see cref="Analyze"/> with the attribute as written.
/// </summary>
public abstract class ExceptionRuleClassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (RulesSymbols.From(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(
                    symbolContext =>
                    {
                        if (symbolContext.Symbol is INamedTypeSymbol type
                            && symbols.Find(type) is { } attribute
                            && attribute.ApplicationSyntaxReference?.GetSyntax(symbolContext.CancellationToken) is AttributeSyntax syntax)
                        {
                            Analyze(symbolContext, symbols, type, attribute, syntax);
                        }
                    },
                    SymbolKind.NamedType);
            }
        });
    }

    /// <summary>Checks the rule class <paramref name="type"/>, marked with <paramref name="attribute"/>, written as <paramref name="syntax"/>.</summary>
    private protected abstract void Analyze(
        SymbolAnalysisContext context,
        RulesSymbols symbols,
        INamedTypeSymbol type,
        AttributeData attribute,
        AttributeSyntax syntax);
}
