using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.Common;

/// <summary>
/// What the analyzers of one attribute-marked class share: generated code is not analyzed, execution is concurrent, the
/// feature's symbols are resolved once per compilation, on first need (<see cref="LazySymbols"/>), and in a compilation that
/// references ServerTools each class marked with the feature's attribute in source is handed to <see cref="Analyze"/> with
/// the attribute as written.
/// </summary>
/// <typeparam name="TSymbols">The feature's symbols, resolved once per compilation.</typeparam>
public abstract class MarkedClassAnalyzer<TSymbols> : DiagnosticAnalyzer
    where TSymbols : class
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, Resolve);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbolContext.Symbol is INamedTypeSymbol type
                        && symbols.Value is { } resolved
                        && FindAttribute(resolved, type) is { } attribute
                        && attribute.ApplicationSyntaxReference?.GetSyntax(symbolContext.CancellationToken) is AttributeSyntax syntax)
                    {
                        Analyze(symbolContext, resolved, type, attribute, syntax);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    /// <summary>The feature's symbols, or <see langword="null"/> when the compilation does not reference ServerTools.</summary>
    private protected abstract TSymbols? Resolve(Compilation compilation);

    /// <summary>The feature's attribute on <paramref name="type"/>, if it has one.</summary>
    private protected abstract AttributeData? FindAttribute(TSymbols symbols, INamedTypeSymbol type);

    /// <summary>Checks <paramref name="type"/>, marked with <paramref name="attribute"/>, written as <paramref name="syntax"/>.</summary>
    private protected abstract void Analyze(
        SymbolAnalysisContext context,
        TSymbols symbols,
        INamedTypeSymbol type,
        AttributeData attribute,
        AttributeSyntax syntax);
}
