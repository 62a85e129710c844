using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Shared;

namespace ServerTools.Generators.Common;

/// <summary>Whether a generator may add members to a class; the analyzers report the classes it skips.</summary>
internal static class Extensibility
{
    /// <summary>
    /// True when generated members can be added: the class and all its containing types are
    /// partial, none is file-local (<see cref="FileLocalTypes"/>), and <see cref="IsReachable"/>.
    /// </summary>
    public static bool CanExtend(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (!IsReachable(type) || FileLocalTypes.Find(type) is not null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (!IsPartial(current, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="context"/>'s declaration is the first of its class that carries the attribute. A class whose
    /// partial declarations each repeat the attribute (the compiler's CS0579) is then parsed, and its code added, once
    /// rather than once per declaration, which would add a file of the same name twice and stop the generator.
    /// </summary>
    public static bool IsFirstMarkedDeclaration(GeneratorAttributeSyntaxContext context)
    {
        var attributeClass = context.Attributes[0].AttributeClass;
        foreach (var attribute in context.TargetSymbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeClass))
            {
                return attribute.ApplicationSyntaxReference is { } reference
                    && reference.SyntaxTree == context.TargetNode.SyntaxTree
                    && context.TargetNode.Span.Contains(reference.Span);
            }
        }

        return false;
    }

    /// <summary>
    /// True when code at namespace level of the same assembly can name the class for itself: neither it nor a containing
    /// type is generic, private or protected (a module initializer, or an extension class, must reach it). The rule is
    /// <see cref="ClassReach.Obstacles"/>, which the analyzers report (ST0002, ST3006).
    /// </summary>
    public static bool IsReachable(INamedTypeSymbol type) => !ClassReach.Obstacles(type).Any();

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.DeclaringSyntaxReferences.Length > 0
           && type.DeclaringSyntaxReferences.All(reference =>
               reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
               && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
}
