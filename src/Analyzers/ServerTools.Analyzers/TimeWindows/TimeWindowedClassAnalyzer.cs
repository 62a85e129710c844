using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.TimeWindows;

/// <summary>The time-window analyzers: each class marked <c>[TimeWindowed]</c> in source, with the attribute as written.</summary>
public abstract class TimeWindowedClassAnalyzer : MarkedClassAnalyzer<TimeWindowsSymbols>
{
    private protected sealed override TimeWindowsSymbols? Resolve(Compilation compilation) => TimeWindowsSymbols.From(compilation);

    private protected sealed override AttributeData? FindAttribute(TimeWindowsSymbols symbols, INamedTypeSymbol type) => symbols.Find(type);

    private protected sealed override void Analyze(SymbolAnalysisContext context, TimeWindowsSymbols symbols, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
        => Analyze(context, type, attribute, syntax);

    /// <summary>Checks <paramref name="type"/>, marked with <paramref name="attribute"/>, written as <paramref name="syntax"/>.</summary>
    private protected abstract void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax);
}
