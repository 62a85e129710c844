using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.FuzzySearch;

/// <summary>
/// What the fuzzy-search analyzers share: generated code is not analyzed, execution is concurrent, the attribute is
/// resolved once per compilation that references ServerTools, and each class whose declaration configures a fuzzy
/// search (<see cref="FuzzySearchSymbols.IsSearchableClass"/>) is handed to <see cref="Analyze"/>.
/// </summary>
public abstract class SearchableClassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (FuzzySearchSymbols.From(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(
                    symbolContext =>
                    {
                        if (symbolContext.Symbol is INamedTypeSymbol type && symbols.IsSearchableClass(type))
                        {
                            Analyze(symbolContext, type, symbols);
                        }
                    },
                    SymbolKind.NamedType);
            }
        });
    }

    /// <summary>Checks <paramref name="type"/>, a class marked [FuzzySearchable] or that declares a property marked so.</summary>
    private protected abstract void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, FuzzySearchSymbols symbols);
}
