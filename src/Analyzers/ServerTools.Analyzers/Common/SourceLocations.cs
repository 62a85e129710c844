using System.Linq;
using Microsoft.CodeAnalysis;

namespace ServerTools.Analyzers.Common;

/// <summary>Where a diagnostic about a symbol may be reported.</summary>
internal static class SourceLocations
{
    /// <summary>
    /// The first location of <paramref name="symbol"/> in a file of <paramref name="compilation"/>, or null. A symbol of a
    /// referenced project has locations in source too where the IDE (or any workspace) gives the reference as a project,
    /// but a diagnostic there is refused: the driver throws (AD0001) for a location outside the compilation it analyzes.
    /// </summary>
    public static Location? In(ISymbol symbol, Compilation compilation)
        => symbol.Locations.FirstOrDefault(location => location.SourceTree is { } tree && compilation.ContainsSyntaxTree(tree));
}
