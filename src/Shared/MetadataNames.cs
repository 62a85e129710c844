// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): how the shared rules recognise a type
// by its name, such as an attribute class.
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>Recognises a type by its full name without resolving the name in the compilation.</summary>
internal static class MetadataNames
{
    /// <summary>
    /// True when <paramref name="type"/> is the non-generic type whose full name is <paramref name="fullName"/>
    /// (<c>ServerTools.AuditedAttribute</c>; nested types joined with a dot): what <c>type.ToDisplayString() == fullName</c>
    /// says for such a name, without building a string for every type it is asked about (it is asked about every
    /// attribute of every property the generators read).
    /// </summary>
    public static bool Is(ITypeSymbol? type, string fullName)
    {
        ISymbol? current = type;
        var end = fullName.Length;
        while (current is not null && current is not INamespaceSymbol { IsGlobalNamespace: true })
        {
            if (current is INamedTypeSymbol { Arity: > 0 })
            {
                return false;
            }

            var name = current.Name;
            var start = end - name.Length;
            if (name.Length == 0 || start < 0 || string.CompareOrdinal(fullName, start, name, 0, name.Length) != 0)
            {
                return false;
            }

            if (start == 0)
            {
                return current.ContainingSymbol is null or INamespaceSymbol { IsGlobalNamespace: true };
            }

            if (fullName[start - 1] != '.')
            {
                return false;
            }

            end = start - 1;
            current = current.ContainingSymbol;
        }

        return false;
    }

    /// <summary>True when <paramref name="symbol"/> carries an attribute of the class named <paramref name="fullName"/> (see <see cref="Is"/>).</summary>
    public static bool HasAttribute(ISymbol symbol, string fullName) => Find(symbol, fullName) is not null;

    /// <summary>The first attribute on <paramref name="symbol"/> of the class named <paramref name="fullName"/> (see <see cref="Is"/>), or null.</summary>
    public static AttributeData? Find(ISymbol symbol, string fullName)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (Is(attribute.AttributeClass, fullName))
            {
                return attribute;
            }
        }

        return null;
    }
}
