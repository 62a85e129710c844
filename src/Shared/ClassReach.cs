// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): the generators skip the classes that have
// one of these obstacles (Extensibility.IsReachable), and ST0002 and ST3006 report them, so the two cannot disagree.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>Whether code that a generator writes at namespace level (a module initializer, an extension class) can name a class.</summary>
internal static class ClassReach
{
    /// <summary>
    /// The types of <paramref name="type"/>'s chain (the class, then each type that contains it) that code at namespace
    /// level of the same assembly cannot name for itself, each with its obstacle: <c>generic</c> (it declares type
    /// parameters), or the accessibility that hides it (<c>private</c>, <c>protected</c>, <c>private protected</c>).
    /// Empty when the class can be named.
    /// </summary>
    public static IEnumerable<(INamedTypeSymbol Type, string Obstacle)> Obstacles(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (!current.TypeParameters.IsEmpty)
            {
                yield return (current, Generic);
            }

            if (Hidden(current.DeclaredAccessibility) is { } accessibility)
            {
                yield return (current, accessibility);
            }
        }
    }

    /// <summary>The obstacle of a type that declares type parameters.</summary>
    public const string Generic = "generic";

    /// <summary>How an accessibility that code at namespace level cannot see is written, or null when it can see it.</summary>
    public static string? Hidden(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => null,
    };
}
