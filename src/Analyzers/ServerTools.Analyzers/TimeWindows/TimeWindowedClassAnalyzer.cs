using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.TimeWindows;

/// <summary>
/// What the time-window analyzers share: generated code is not analyzed, execution is concurrent, the attribute is
/// resolved once per compilation that references ServerTools, and each class marked <c>[TimeWindowed]</c> in source is
/// handed to <see cref="Analyze"/> with the attribute as written.
/// </summary>
public abstract class TimeWindowedClassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (TimeWindowsSymbols.From(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(
                    symbolContext =>
                    {
                        if (symbolContext.Symbol is INamedTypeSymbol type
                            && symbols.Find(type) is { } attribute
                            && attribute.ApplicationSyntaxReference?.GetSyntax(symbolContext.CancellationToken) is AttributeSyntax syntax)
                        {
                            Analyze(symbolContext, type, attribute, syntax);
                        }
                    },
                    SymbolKind.NamedType);
            }
        });
    }

    /// <summary>Checks <paramref name="type"/>, marked with <paramref name="attribute"/>, written as <paramref name="syntax"/>.</summary>
    private protected abstract void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax);
}
