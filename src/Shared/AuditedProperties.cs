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
    /// The properties of <paramref name="type"/> that EF Core maps by convention, one per name, in the order of their
    /// first declaration (base class first): each the declaration EF Core maps, the most derived one of its name (an
    /// override, or a <c>new</c> property that hides a base class's), with the attributes of every declaration of that
    /// name in the class and its base classes combined (<see cref="EntityProperty"/>), and the <c>[AuditIgnore]</c> and
    /// <c>[AuditMask]</c> of the properties of that name of the interfaces the class implements. Mapped: an instance property, not
    /// an indexer, with a public getter and a setter (of any accessibility, <c>init</c> included; an override that
    /// declares one accessor has its base's other), not <c>[NotMapped]</c> on it or on a property it overrides (EF Core
    /// reads the attribute so, as <c>Attribute.IsDefined(member, type, inherit: true)</c>). A property that is not
    /// mapped takes no part: whether the trail can write its type is <see cref="AuditValueTypes"/>' call.
    /// </summary>
    public static List<EntityProperty> Mapped(INamedTypeSymbol type)
    {
        var declared = new List<(EntityProperty Property, bool NotMapped)>();
        var positions = new Dictionary<string, int>(System.StringComparer.Ordinal);
        var explicitImplementations = new List<IPropertySymbol>();
        foreach (var declaringType in BaseFirst(type))
        {
            foreach (var member in declaringType.GetMembers())
            {
                if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false } property)
                {
                    continue;
                }

                if (!property.ExplicitInterfaceImplementations.IsEmpty)
                {
                    // Never mapped (it is private, and named after its interface): a declaration of the interface's property.
                    explicitImplementations.Add(property);
                    continue;
                }

                var notMapped = MetadataNames.HasAttribute(property, AttributeNames.NotMapped);
                var own = new EntityProperty(
                    property,
                    MetadataNames.HasAttribute(property, AttributeNames.AuditIgnore),
                    MetadataNames.HasAttribute(property, AttributeNames.AuditMask),
                    MetadataNames.HasAttribute(property, AttributeNames.Tracked));
                if (positions.TryGetValue(property.Name, out var position))
                {
                    // A more derived declaration of a name already seen: EF Core maps it, and the protection of the
                    // declarations it overrides or hides stays (ignore beats mask beats nothing).
                    var (known, knownNotMapped) = declared[position];
                    declared[position] = (
                        new EntityProperty(property, known.IsIgnored || own.IsIgnored, known.IsMasked || own.IsMasked, known.IsTracked || own.IsTracked),
                        notMapped || (property.IsOverride && knownNotMapped));
                }
                else
                {
                    positions.Add(property.Name, declared.Count);
                    declared.Add((own, notMapped));
                }
            }
        }

        // The properties of the interfaces the class implements, and the class's explicit implementations of them, are
        // more declarations of the property of their name, however the class implements them (implicitly or explicitly,
        // in the class or in a base class): their [AuditIgnore] and [AuditMask] count as well. Not [NotMapped], which EF
        // Core reads on the class's declarations only, nor [Tracked], as the generator picks the classes it tracks by
        // their own declarations.
        foreach (var contract in type.AllInterfaces)
        {
            foreach (var member in contract.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false, IsIndexer: false } property)
                {
                    Protect(property.Name, property);
                }
            }
        }

        foreach (var implementation in explicitImplementations)
        {
            Protect(implementation.ExplicitInterfaceImplementations[0].Name, implementation);
        }

        var mapped = new List<EntityProperty>(declared.Count);
        foreach (var (property, notMapped) in declared)
        {
            if (!notMapped && HasPublicGetterAndSetter(property.Symbol))
            {
                mapped.Add(property);
            }
        }

        return mapped;

        void Protect(string name, IPropertySymbol declaration)
        {
            if (positions.TryGetValue(name, out var position) && IsProtected(declaration, out var ignored, out var masked))
            {
                var (known, knownNotMapped) = declared[position];
                declared[position] = (known with { IsIgnored = known.IsIgnored || ignored, IsMasked = known.IsMasked || masked }, knownNotMapped);
            }
        }
    }

    /// <summary>Whether <paramref name="property"/> is marked <c>[AuditIgnore]</c> or <c>[AuditMask]</c>, and which.</summary>
    public static bool IsProtected(IPropertySymbol property, out bool ignored, out bool masked)
    {
        ignored = MetadataNames.HasAttribute(property, AttributeNames.AuditIgnore);
        masked = MetadataNames.HasAttribute(property, AttributeNames.AuditMask);
        return ignored || masked;
    }

    /// <summary>A public getter and a setter, declared by <paramref name="property"/> or by the properties it overrides.</summary>
    private static bool HasPublicGetterAndSetter(IPropertySymbol property)
    {
        IMethodSymbol? getter = null;
        IMethodSymbol? setter = null;
        for (var current = property; current is not null && (getter is null || setter is null); current = current.OverriddenProperty)
        {
            getter ??= current.GetMethod;
            setter ??= current.SetMethod;
        }

        return getter is { DeclaredAccessibility: Accessibility.Public } && setter is not null;
    }

    /// <summary>
    /// Whether EF Core maps <paramref name="property"/> by convention, judged on this declaration alone (instance, not an
    /// indexer, public getter, any setter, not an override of one already counted, not <c>[NotMapped]</c>): the rule of
    /// the features that name one property. The audit trail and tracking take a class's properties from
    /// <see cref="Mapped"/>, which combines the declarations of a name.
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
    /// The struct whose properties are flattened into the owner's log beside the property's own field
    /// (<see cref="IsModelField"/>), for a property of a struct type, nullable or not (<c>[ComplexType]</c> and
    /// <c>[Owned]</c> apply to classes only, so no struct says what it is): such a struct may be mapped with a value converter (a strongly typed id, a <c>Money</c> stored as a decimal), as one property of
    /// the model, or as a complex type (<c>ComplexProperty</c>), as properties of their own, and only the model tells
    /// which. Both are listed, and the run time logs the fields the model maps. Null for other properties, and for
    /// Npgsql's types without a text (<see cref="AuditValueTypes.HasNoText"/>).
    /// </summary>
    public static INamedTypeSymbol? ComplexStruct(IPropertySymbol property)
        => IsModelField(property)
           && AuditValueTypes.Underlying(property.Type) is INamedTypeSymbol { TypeKind: TypeKind.Struct, IsGenericType: false, SpecialType: SpecialType.None } named
            ? named
            : null;

    /// <summary>
    /// The strongest <c>[AuditIgnore]</c> or <c>[AuditMask]</c> (ignore beats mask) on the members of the struct, or of the
    /// element type of the collection, that a model field holds (<see cref="IsModelField"/>), and on the members of the
    /// structs and classes inside it (<see cref="MaxValueObjectDepth"/> types deep): such a field is one value at run
    /// time when the model maps it with a value converter (the text the converter stores holds every member), so a mark
    /// on a member protects the whole field, masked or left out, in the audit trail and in the outbox. Mapped as a complex
    /// type instead, the struct's members are fields of their own and each keeps its own mark. None for other properties.
    /// </summary>
    public static (bool Ignored, bool Masked) MemberMarks(IPropertySymbol property)
    {
        var marks = (Ignored: false, Masked: false);
        foreach (var type in HeldTypes(property))
        {
            foreach (var member in PropertiesOf(type))
            {
                if (IsProtected(member, out var ignored, out var masked))
                {
                    marks = (marks.Ignored || ignored, marks.Masked || masked);
                }
            }
        }

        return marks;
    }

    /// <summary>
    /// The types whose members' marks count for a model field (<see cref="MemberMarks"/>): the struct it holds, or the
    /// element type of its collection, and the structs and classes its members hold (their element types for
    /// collections), <see cref="MaxValueObjectDepth"/> types deep, each once. Empty for a property that is not a model field.
    /// </summary>
    public static List<INamedTypeSymbol> HeldTypes(IPropertySymbol property)
    {
        var held = new List<INamedTypeSymbol>();
        if (IsModelField(property))
        {
            AddHeld(property.Type, 1, held);
        }

        return held;

        static void AddHeld(ITypeSymbol type, int depth, List<INamedTypeSymbol> held)
        {
            type = AuditValueTypes.Underlying(type);
            if (AuditValueTypes.ElementType(type) is { } element)
            {
                type = AuditValueTypes.Underlying(element);
            }

            if (type is not INamedTypeSymbol { TypeKind: TypeKind.Struct or TypeKind.Class, SpecialType: SpecialType.None } named
                || held.Contains(named, SymbolEqualityComparer.Default))
            {
                return;
            }

            held.Add(named);
            if (depth < MaxValueObjectDepth)
            {
                foreach (var member in PropertiesOf(named))
                {
                    AddHeld(member.Type, depth + 1, held);
                }
            }
        }
    }

    /// <summary>The instance properties (not indexers) of <paramref name="type"/>, its base classes and the interfaces it implements.</summary>
    private static IEnumerable<IPropertySymbol> PropertiesOf(INamedTypeSymbol type)
        => BaseFirst(type).SelectMany(static t => t.GetMembers())
            .Concat(type.AllInterfaces.SelectMany(static i => i.GetMembers()))
            .OfType<IPropertySymbol>()
            .Where(static p => p is { IsStatic: false, IsIndexer: false });

    /// <summary>
    /// The type whose properties the descriptor lists flattened under <paramref name="property"/>'s name
    /// (<c>Address.City</c>): its value object (<see cref="ValueObject"/>), or the struct the model may map as a complex
    /// type (<see cref="ComplexStruct"/>); null for a property that is one field or none.
    /// </summary>
    public static INamedTypeSymbol? Flattened(IPropertySymbol property)
        => ValueObject(property.Type) ?? ComplexStruct(property);

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

/// <summary>
/// One property of a class as the audit trail and tracking take it (<see cref="AuditedProperties.Mapped"/>).
/// </summary>
/// <param name="Symbol">The declaration EF Core maps: the most derived one of its name in the class and its base classes.</param>
/// <param name="IsIgnored"><c>[AuditIgnore]</c> on this declaration, on one it overrides or hides, or on an interface's property of its name: not logged (it beats a mask).</param>
/// <param name="IsMasked"><c>[AuditMask]</c> on this declaration, on one it overrides or hides, or on an interface's property of its name: logged as <c>***</c>.</param>
/// <param name="IsTracked"><c>[Tracked]</c> on this declaration or on one it overrides or hides.</param>
internal readonly record struct EntityProperty(IPropertySymbol Symbol, bool IsIgnored, bool IsMasked, bool IsTracked)
{
    /// <summary>The property's name.</summary>
    public string Name => Symbol.Name;
}
