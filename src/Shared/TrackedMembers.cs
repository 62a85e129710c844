// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): the generator leaves out exactly what
// ST2005 reports a collision with (one hook's declaration, or the class's code as a whole), so that no error in
// generated code hides the diagnostic, and ST2005 reports exactly what the generator leaves out.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Shared;

/// <summary>The members that tracking adds to a class, and the members of a class that they would collide with.</summary>
internal static class TrackedMembers
{
    /// <summary>The name of the generated class that holds the typed fields.</summary>
    public const string FieldsClass = "TrackedFields";

    /// <summary>The name of the generated registration method.</summary>
    public const string RegistrationMethod = "RegisterServerToolsTrackedDescriptor";

    /// <summary>The end of the name of the file the generator writes for a class (<c>{FullMetadataName}.Tracked.g.cs</c>).</summary>
    private const string GeneratedFileSuffix = ".Tracked.g.cs";

    private const string GeneratedCodeAttribute = "System.CodeDom.Compiler.GeneratedCodeAttribute";

    /// <summary>The name of the partial method that runs when the property <paramref name="propertyName"/> changed.</summary>
    public static string HookName(string propertyName) => "On" + propertyName + "Changed";

    /// <summary>
    /// The <c>On{Name}Changed(T, T)</c> the user wrote a body for in <paramref name="type"/>: an implementing partial
    /// declaration (the generator declares the defining one) or an ordinary method, which the field of
    /// <paramref name="property"/> calls (<see cref="CallsHook"/>); null when there is none.
    /// </summary>
    public static IMethodSymbol? Hook(INamedTypeSymbol type, IPropertySymbol property)
    {
        foreach (var member in type.GetMembers(HookName(property.Name)))
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false, ReturnsVoid: true, Parameters.Length: 2 } method
                && (!method.IsPartialDefinition || method.PartialImplementationPart is not null)
                && method.Parameters.All(parameter => SymbolEqualityComparer.Default.Equals(parameter.Type, property.Type)))
            {
                return method;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the generated field calls <paramref name="hook"/>, the <see cref="Hook"/> of a tracked property of
    /// <paramref name="type"/>: not when it is obsolete as an error in a class that is not obsolete
    /// (<see cref="ObsoleteSymbols.IsErrorIn"/>), as the call would not compile (CS0619). ST2006 reports it.
    /// </summary>
    public static bool CallsHook(INamedTypeSymbol type, IMethodSymbol hook) => !ObsoleteSymbols.IsErrorIn(type, hook);

    /// <summary>
    /// The members that collide with generated code that cannot be left out alone (ST2005): <paramref name="type"/> itself
    /// when it is named <c>TrackedFields</c>, a member it declares named <c>TrackedFields</c>, a registration method of
    /// its own without parameters, and a visible member named <c>TrackedFields</c> of a base class that is not a class
    /// (the generated class would hide it; a class of that name is a base class's generated one, or hidden as one).
    /// The class then gets no tracking code but its hooks' declarations, so that the build shows ST2005 rather than
    /// CS0102, CS0111, CS0542 or CS0108 in a generated file.
    /// </summary>
    public static IEnumerable<ISymbol> WholeCollisions(INamedTypeSymbol type)
    {
        if (type.Name == FieldsClass)
        {
            yield return type;
        }

        foreach (var member in type.GetMembers(FieldsClass))
        {
            if (IsWritten(member))
            {
                yield return member;
            }
        }

        foreach (var member in type.GetMembers(RegistrationMethod))
        {
            if (IsWritten(member) && member is not IMethodSymbol { Parameters.Length: > 0 })
            {
                yield return member;
            }
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(FieldsClass))
            {
                if (member is not ITypeSymbol && IsWritten(member) && InheritedMembers.IsVisible(member, type))
                {
                    yield return member;
                }
            }
        }
    }

    /// <summary>
    /// The members of <paramref name="type"/> that collide with the generated declaration of the hook of
    /// <paramref name="field"/>, <c>partial void OnXChanged(T oldValue, T newValue)</c> (ST2005): a member of that name
    /// that is not a method (CS0102), an ordinary method with those parameters (CS0111), and a defining partial
    /// declaration of the user's with those parameters (CS0756). Only the hook's declaration is left out then: the
    /// field calls a hook only when the class has a method with a body for it (the ordinary method, or the user's
    /// partial one), which compiles without the generated declaration. The implementation of the hook
    /// (<see cref="IsDeclaredPartial"/>) and overloads do not collide.
    /// </summary>
    public static IEnumerable<ISymbol> HookCollisions(INamedTypeSymbol type, IPropertySymbol field, CancellationToken cancellationToken)
    {
        foreach (var member in type.GetMembers(HookName(field.Name)))
        {
            if (member.IsImplicitlyDeclared || IsGeneratedHook(member))
            {
                continue;
            }

            if (member is not IMethodSymbol method)
            {
                yield return member;
            }
            else if (method is { Arity: 0, Parameters.Length: 2, PartialDefinitionPart: null }
                     && method.Parameters.All(parameter => parameter.RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(parameter.Type, field.Type))
                     && (method.IsPartialDefinition || !IsDeclaredPartial(method, cancellationToken)))
            {
                yield return method;
            }
        }
    }

    /// <summary>
    /// True when a declaration of <paramref name="method"/> has the <c>partial</c> modifier and a body: the
    /// implementation of the hook, whose definition the generator writes (before it does, the method is neither
    /// definition nor implementation, and when the generated code is left out it stays so).
    /// </summary>
    public static bool IsDeclaredPartial(IMethodSymbol method, CancellationToken cancellationToken)
        => method.DeclaringSyntaxReferences.Any(reference =>
            reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>True for a member written in source by the user: not implicitly declared, and not generated (<c>[GeneratedCode]</c>).</summary>
    private static bool IsWritten(ISymbol member)
        => !member.IsImplicitlyDeclared && !MetadataNames.HasAttribute(member, GeneratedCodeAttribute);

    /// <summary>
    /// True for the hook declaration the generator wrote (the analyzers see it; it has no <c>[GeneratedCode]</c>, as a
    /// partial method's attributes are those of both parts): a declaration in the generator's file for the class.
    /// </summary>
    private static bool IsGeneratedHook(ISymbol member)
        => member is IMethodSymbol { IsPartialDefinition: true }
           && member.DeclaringSyntaxReferences.All(static reference => reference.SyntaxTree.FilePath.EndsWith(GeneratedFileSuffix, StringComparison.Ordinal));
}
