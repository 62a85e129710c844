// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): a generated member hides the visible
// members of its name of the base classes, so the generators (which then write 'new', or leave the class out) and the
// collision analyzers (ST2005, ST4004) decide visibility by this one rule.
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>Which members of base classes a member declared in a derived class hides.</summary>
internal static class InheritedMembers
{
    /// <summary>True when <paramref name="member"/> of a base class is visible in <paramref name="type"/>, so that a member of its name hides it.</summary>
    public static bool IsVisible(ISymbol member, INamedTypeSymbol type)
        => member.DeclaredAccessibility switch
        {
            Accessibility.Private => false,
            Accessibility.Internal or Accessibility.ProtectedAndInternal => SymbolEqualityComparer.Default.Equals(member.ContainingAssembly, type.ContainingAssembly),
            _ => true,
        };
}
