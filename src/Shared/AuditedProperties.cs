// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): which properties of an
// [Audited] class are audited is decided here once, so the generator and ST1004 cannot disagree.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>The rules that pick the audited properties of an <c>[Audited]</c> class.</summary>
internal static class AuditedProperties
{
    /// <summary>The class and its base classes up to <c>object</c>, base class first: the order of the audited fields.</summary>
    public static Stack<INamedTypeSymbol> BaseFirst(INamedTypeSymbol type)
    {
        var chain = new Stack<INamedTypeSymbol>();
        for (var current = type; current is { SpecialType: not SpecialType.System_Object }; current = current.BaseType)
        {
            chain.Push(current);
        }

        return chain;
    }

    /// <summary>
    /// The properties EF Core maps by convention (instance, not an indexer, public getter, any setter, not an
    /// override of one already counted) that are not left out with <c>[AuditIgnore]</c> or <c>[NotMapped]</c>.
    /// Whether the audit can write the type is <see cref="AuditValueTypes.IsSupported"/>'s call.
    /// </summary>
    public static bool IsCandidate(IPropertySymbol property)
        => property is { IsStatic: false, IsIndexer: false, IsOverride: false, GetMethod.DeclaredAccessibility: Accessibility.Public, SetMethod: not null }
           && !HasAttribute(property, AttributeNames.AuditIgnore)
           && !HasAttribute(property, AttributeNames.NotMapped);

    public static bool HasAttribute(ISymbol symbol, string metadataName)
        => symbol.GetAttributes().Any(attribute => attribute.AttributeClass?.ToDisplayString() == metadataName);
}
