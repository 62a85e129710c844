using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.FuzzySearch;

/// <summary>
/// What the fuzzy-search analyzers share: generated code is not analyzed, execution is concurrent, the attribute is
/// resolved once per compilation, on first need (<see cref="LazySymbols"/>), and in a compilation that references
/// ServerTools each class whose declaration configures a fuzzy search (<see cref="FuzzySearchSymbols.IsSearchableClass"/>)
/// is handed to <see cref="Analyze"/>.
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
            var symbols = LazySymbols.Of(start.Compilation, FuzzySearchSymbols.From);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbolContext.Symbol is INamedTypeSymbol type && symbols.Value is { } resolved && resolved.IsSearchableClass(type))
                    {
                        Analyze(symbolContext, type, resolved);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    /// <summary>Checks <paramref name="type"/>, a class marked [FuzzySearchable] or that declares a property marked so.</summary>
    private protected abstract void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, FuzzySearchSymbols symbols);
}
