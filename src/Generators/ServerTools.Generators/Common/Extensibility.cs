using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Generators.Common;

/// <summary>Whether a generator may add members to a class; the analyzers report the classes it skips.</summary>
internal static class Extensibility
{
    /// <summary>
    /// True when generated members can be added: the class and all its containing types are
    /// partial and not generic, and none is private (a module initializer must be reachable).
    /// </summary>
    public static bool CanExtend(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType
                || current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal
                || !IsPartial(current, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.DeclaringSyntaxReferences.Length > 0
           && type.DeclaringSyntaxReferences.All(reference =>
               reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
               && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
}
