using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.Common;

/// <summary>What an analyzer looks up in a compilation (its symbols), resolved once per compilation on first need by one of its actions.</summary>
/// <remarks>
/// A compilation-start action asks its compilation no semantic question (<c>GetTypeByMetadataName</c>, <c>Assembly</c>,
/// <c>GlobalNamespace</c>, ...). In csc the analyzer driver runs those actions on the thread pool while the compiler builds
/// the declarations of the same compilation: whichever asks for them first pays for parsing the generated files and merging
/// their declarations (work the compile needs anyway), whoever asks meanwhile waits, and the build's analyzer report
/// (<c>-p:ReportAnalyzer=true</c>) charges that time to the analyzer. Symbol, operation and syntax-node actions run once the
/// compiler has declared the symbols, so the lookup is cheap there. It runs once, on whichever thread asks first; the others
/// wait for its result.
/// </remarks>
internal static class LazySymbols
{
    /// <summary><paramref name="resolve"/> of <paramref name="compilation"/>, run on the first read of the value.</summary>
    public static Lazy<T> Of<T>(Compilation compilation, Func<Compilation, T> resolve)
        => new(() => resolve(compilation), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Registers <paramref name="action"/> for the symbols of kind <paramref name="kind"/>, run with the symbols
    /// <paramref name="resolve"/> finds in the compilation (resolved on first need); not run when they are null (the
    /// compilation does not reference ServerTools).
    /// </summary>
    public static void RegisterSymbolAction<T>(
        CompilationStartAnalysisContext start,
        Func<Compilation, T?> resolve,
        Action<SymbolAnalysisContext, T> action,
        SymbolKind kind)
        where T : class
    {
        var symbols = Of(start.Compilation, resolve);
        start.RegisterSymbolAction(
            symbolContext =>
            {
                if (symbols.Value is { } resolved)
                {
                    action(symbolContext, resolved);
                }
            },
            kind);
    }
}
