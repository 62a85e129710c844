// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): which declarations generated code cannot
// name at all, so that the generators leave them out and the analyzers that share the rules say why.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>Recognises <c>[Obsolete]</c> and <c>[Experimental]</c> declarations.</summary>
internal static class ObsoleteSymbols
{
    /// <summary>The full name of <c>System.ObsoleteAttribute</c>.</summary>
    public const string Obsolete = "System.ObsoleteAttribute";

    /// <summary>The full name of <c>System.Diagnostics.CodeAnalysis.ExperimentalAttribute</c>.</summary>
    public const string Experimental = "System.Diagnostics.CodeAnalysis.ExperimentalAttribute";

    /// <summary>
    /// Whether naming <paramref name="symbol"/> by its full name outside an obsolete context is error CS0619, which no pragma
    /// silences: it, or a type that contains it, is <c>[Obsolete(message, true)]</c>; for a type, or one of its (or its
    /// containing types') type arguments or its element type. For a member that generated code reaches through an
    /// instance (<c>entity.Zone</c>), where the compiler checks the member alone, see <see cref="IsErrorOnInstance"/>.
    /// </summary>
    public static bool IsError(ISymbol symbol)
    {
        switch (symbol)
        {
            case ITypeParameterSymbol:
                return false;
            case IArrayTypeSymbol array:
                return IsError(array.ElementType);
        }

        for (var current = symbol; current is not null; current = current.ContainingType)
        {
            if (IsErrorItself(current))
            {
                return true;
            }

            if (current is INamedTypeSymbol { IsGenericType: true } generic)
            {
                foreach (var argument in generic.TypeArguments)
                {
                    if (IsError(argument))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether reading or calling <paramref name="member"/> through an instance (<c>entity.Zone</c>, <c>entity.OnXChanged(...)</c>)
    /// outside an obsolete context is error CS0619: it itself, or for a property its getter, which generated code reads, is
    /// <c>[Obsolete(message, true)]</c>. Unlike <see cref="IsError"/>, the types that contain it do not count: the compiler
    /// checks the member named, not the class that declares it, so <c>store.Zone</c> compiles when only the base class that
    /// declares <c>Zone</c> is obsolete as an error.
    /// </summary>
    public static bool IsErrorOnInstance(ISymbol member)
        => IsErrorItself(member) || (member is IPropertySymbol { GetMethod: { } getter } && IsErrorItself(getter));

    /// <summary>
    /// Whether code in <paramref name="type"/> (its generated partial declarations too) is an obsolete context, where naming
    /// an obsolete declaration draws no diagnostic, not even CS0619: it, or a type that contains it, is <c>[Obsolete]</c>.
    /// </summary>
    public static bool IsObsoleteContext(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (MetadataNames.HasAttribute(current, Obsolete))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether code that a generator adds to <paramref name="type"/> (its partial declarations) cannot name
    /// <paramref name="symbol"/>: outside an obsolete context (<see cref="IsObsoleteContext"/>), a type that
    /// <see cref="IsError"/>, or a member that <see cref="IsErrorOnInstance"/>. The generator then leaves out what would
    /// name it, and the feature's analyzer says so.
    /// </summary>
    public static bool IsErrorIn(INamedTypeSymbol type, ISymbol symbol) => IsErrorAsUsed(symbol) && !IsObsoleteContext(type);

    /// <summary>
    /// Whether code that a generator writes beside <paramref name="type"/> (extensions at namespace level, obsolete as an
    /// error themselves when the type is, and then an obsolete context) cannot name <paramref name="symbol"/>: a type that
    /// <see cref="IsError"/>, or a member that <see cref="IsErrorOnInstance"/>, and the type is not <see cref="IsError"/>.
    /// The generator then leaves out what would name it, and the feature's analyzer says so.
    /// </summary>
    public static bool IsErrorBeside(INamedTypeSymbol type, ISymbol symbol) => IsErrorAsUsed(symbol) && !IsError(type);

    /// <summary>
    /// Whether <paramref name="attributes"/> hold <c>[Obsolete]</c> in any form or <c>[Experimental]</c>: naming what they
    /// mark draws a diagnostic (with an id of the attribute's choosing, for a <c>DiagnosticId</c> or <c>[Experimental]</c>).
    /// </summary>
    public static bool IsMarked(ImmutableArray<AttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            if (MetadataNames.Is(attribute.AttributeClass, Experimental) || MetadataNames.Is(attribute.AttributeClass, Obsolete))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether generated code that uses <paramref name="symbol"/> as the generators do (a type by its name, a member through
    /// an instance) draws CS0619 outside an obsolete context.
    /// </summary>
    private static bool IsErrorAsUsed(ISymbol symbol) => symbol is ITypeSymbol ? IsError(symbol) : IsErrorOnInstance(symbol);

    /// <summary>Whether <paramref name="symbol"/> itself, not a type that contains it, is <c>[Obsolete(message, true)]</c>.</summary>
    public static bool IsErrorItself(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (MetadataNames.Is(attribute.AttributeClass, Obsolete)
                && attribute.ConstructorArguments.Length == 2
                && attribute.ConstructorArguments[1].Value is true)
            {
                return true;
            }
        }

        return false;
    }
}
