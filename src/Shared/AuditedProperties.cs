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
    /// The properties the audit trail takes: those EF Core maps (<see cref="IsMapped"/>) that are not left out with
    /// <c>[AuditIgnore]</c>. Whether the audit can write the type is <see cref="AuditValueTypes.IsSupported"/>'s call.
    /// </summary>
    public static bool IsCandidate(IPropertySymbol property)
        => IsMapped(property) && !MetadataNames.HasAttribute(property, AttributeNames.AuditIgnore);

    /// <summary>
    /// The properties EF Core maps by convention (instance, not an indexer, public getter, any setter, not an
    /// override of one already counted, not <c>[NotMapped]</c>): what <c>[Tracked]</c> on a class tracks, when the
    /// type is a supported scalar. <c>[AuditIgnore]</c> is the audit trail's business and does not change it.
    /// </summary>
    public static bool IsMapped(IPropertySymbol property)
        => property is { IsStatic: false, IsIndexer: false, IsOverride: false, GetMethod.DeclaredAccessibility: Accessibility.Public, SetMethod: not null }
           && !MetadataNames.HasAttribute(property, AttributeNames.NotMapped);

    /// <summary>
    /// True for a property the audit trail logs as one field whose form the run time takes from the model
    /// (<see cref="AuditValueTypes.IsModelValue"/>: a struct, an array or a collection of values), unless it is the key
    /// (<see cref="IsKeyByConvention"/>), which names the log (its EntityKey) rather than being one of its fields, or a
    /// value the audit trail has no text for (<see cref="AuditValueTypes.HasNoText"/>, reported by ST1004).
    /// </summary>
    public static bool IsModelField(IPropertySymbol property)
        => AuditValueTypes.IsModelValue(property.Type)
           && !AuditValueTypes.HasNoText(property.Type)
           && ValueObject(property.Type) is null
           && !IsKeyByConvention(property, property.ContainingType);

    /// <summary>
    /// How many types deep a descriptor reaches, the audited class included: value objects are flattened three levels
    /// deep (<c>Address.Geo.Lat</c> is two), and a value object that contains itself stops at its first occurrence.
    /// </summary>
    public const int MaxValueObjectDepth = 4;

    /// <summary>
    /// True when EF Core takes <paramref name="property"/> for the key of <paramref name="type"/> by its conventions:
    /// named <c>Id</c> or <c>{Type}Id</c> (in any case), or marked <c>[Key]</c>.
    /// </summary>
    public static bool IsKeyByConvention(IPropertySymbol property, INamedTypeSymbol type)
        => string.Equals(property.Name, "Id", System.StringComparison.OrdinalIgnoreCase)
           || string.Equals(property.Name, type.Name + "Id", System.StringComparison.OrdinalIgnoreCase)
           || MetadataNames.HasAttribute(property, AttributeNames.Key);

    /// <summary>
    /// The type of a property whose properties are flattened into the owner's log: one EF Core maps as an owned
    /// or complex type. Marked <c>[Owned]</c> or <c>[ComplexType]</c>, it is one; a class with no key EF would find
    /// (no <c>Id</c>, <c>{Type}Id</c> or <c>[Key]</c>) and not itself <c>[Audited]</c> may be one, configured with
    /// <c>OwnsOne</c> or <c>ComplexProperty</c>: its fields are listed, and at run time only those the model maps
    /// through an owned or complex type are logged. Navigations to entities and collections are not flattened.
    /// </summary>
    public static INamedTypeSymbol? ValueObject(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct, IsGenericType: false, SpecialType: SpecialType.None } named
            || named.AllInterfaces.Any(static i => i.SpecialType == SpecialType.System_Collections_IEnumerable))
        {
            return null;
        }

        if (MetadataNames.HasAttribute(named, AttributeNames.Owned) || MetadataNames.HasAttribute(named, AttributeNames.ComplexType))
        {
            return named;
        }

        if (named.TypeKind == TypeKind.Struct || MetadataNames.HasAttribute(named, AttributeNames.Audited))
        {
            return null;
        }

        foreach (var member in BaseFirst(named).SelectMany(static t => t.GetMembers()).OfType<IPropertySymbol>())
        {
            if (IsKeyByConvention(member, named))
            {
                return null;
            }
        }

        return named;
    }
}
