// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): the generators skip the classes this finds,
// and ST0003 reports them, so the two cannot disagree.
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>File-local types (declared <c>file</c>), which no generated code can serve.</summary>
internal static class FileLocalTypes
{
    /// <summary>
    /// The type of <paramref name="type"/>'s chain (the type, then each type that contains it) that is file-local, or null.
    /// The code generated for a class is in a file of its own: a generated partial declaration there cannot extend a
    /// file-local class (nor a class nested in one), and a module initializer or an extension class there cannot name it.
    /// </summary>
    public static INamedTypeSymbol? Find(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
            {
                return current;
            }
        }

        return null;
    }
}
