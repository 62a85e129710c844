using System.Collections.Generic;
using Microsoft.CodeAnalysis;

// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked), so the generator that emits the
// tracked fields and the analyzers that check them cannot disagree on which properties they are.
namespace ServerTools.Shared;

/// <summary>Which properties of a <c>[Tracked]</c> class are tracked.</summary>
internal static class TrackedProperties
{
    /// <summary>
    /// The tracked properties of <paramref name="type"/>, base class first, a name counted once: the properties EF Core
    /// maps (<see cref="AuditedProperties.Mapped"/>, which combines the attributes of an override or a <c>new</c> property
    /// with those of the declarations it overrides or hides) that the audit trail would log as one field: a scalar type
    /// (<see cref="AuditValueTypes.IsSupported"/>), or a value whose text the run time takes from the model
    /// (<see cref="AuditedProperties.IsModelField"/>: a strongly typed id or other struct, a primitive collection), that are
    /// marked <c>[Tracked]</c>, and, when <paramref name="wholeClass"/> (the class is marked <c>[Tracked]</c>),
    /// the others but those marked <c>[AuditIgnore]</c>, which no ServerTools record holds unless asked for by name.
    /// Value objects are not flattened. A value whose members are marked takes their marks (<see cref="WithMemberMarks"/>).
    /// </summary>
    public static IEnumerable<EntityProperty> Of(INamedTypeSymbol type, bool wholeClass)
    {
        foreach (var mapped in AuditedProperties.Mapped(type))
        {
            var property = WithMemberMarks(mapped);
            if (IsTrackable(property.Symbol) && (property.IsTracked || (wholeClass && !property.IsIgnored)))
            {
                yield return property;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="property"/>, one of <see cref="Of"/>, is left out of the tracked fields of
    /// <paramref name="type"/> all the same: its type is obsolete as an error and the class is not obsolete
    /// (<see cref="ObsoleteSymbols.IsErrorIn"/>), so the generated members could not name it (CS0619). ST2006 reports it.
    /// </summary>
    public static bool IsLeftOut(INamedTypeSymbol type, IPropertySymbol property) => ObsoleteSymbols.IsErrorIn(type, property.Type);

    /// <summary>
    /// Whether the generator tracks a property of <paramref name="type"/>: one of <see cref="Of"/> that is not
    /// <see cref="IsLeftOut"/>. A class without one gets no tracking code, and no <c>TrackedFields</c> for a derived class to hide.
    /// </summary>
    public static bool AnyKept(INamedTypeSymbol type, bool wholeClass)
    {
        foreach (var property in Of(type, wholeClass))
        {
            if (!IsLeftOut(type, property.Symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>TrackedOperations.Update</c>, as its numeric value: what <c>[Tracked]</c> without <c>Operations</c> delivers.</summary>
    public const int DefaultOperations = 2;

    /// <summary>
    /// The <c>Operations</c> of an application of <c>[Tracked]</c> (<see cref="DefaultOperations"/> without one), as the
    /// enum's numeric value: generated code casts it back, so the compiler, not the generator, decides what a value means.
    /// </summary>
    public static int OperationsOf(AttributeData attribute)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument is { Key: "Operations", Value.Value: int value })
            {
                return value;
            }
        }

        return DefaultOperations;
    }

    /// <summary>
    /// The operations delivered for <paramref name="type"/>, a class not marked <c>[Tracked]</c> itself whose tracked fields
    /// are named <paramref name="fields"/> (<see cref="Of"/> with <c>wholeClass</c> false): the union of the
    /// <see cref="OperationsOf">Operations</see> of every <c>[Tracked]</c> on a declaration of those fields in the class
    /// and its base classes (an override's and the declaration it overrides both count), except the declarations of a
    /// class marked <c>[Tracked]</c>, where the class's <c>Operations</c> applies and the property's is ignored (ST2007).
    /// So a field asks for the operations its attribute names, and a change of any kind carries every tracked field.
    /// </summary>
    public static int UnionOfFields(INamedTypeSymbol type, IEnumerable<string> fields)
    {
        var names = new HashSet<string>(fields, System.StringComparer.Ordinal);
        var operations = 0;
        foreach (var declaringType in AuditedProperties.BaseFirst(type))
        {
            if (MetadataNames.HasAttribute(declaringType, AttributeNames.Tracked))
            {
                continue;
            }

            foreach (var member in declaringType.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false, IsIndexer: false, ExplicitInterfaceImplementations.IsEmpty: true } property
                    && names.Contains(property.Name)
                    && MetadataNames.Find(property, AttributeNames.Tracked) is { } attribute)
                {
                    operations |= OperationsOf(attribute);
                }
            }
        }

        return operations;
    }

    /// <summary>
    /// <paramref name="property"/> with the marks of the members of the struct (or collection elements) it holds as one
    /// value (<see cref="AuditedProperties.MemberMarks"/>): a member's <c>[AuditIgnore]</c> leaves the field out of a
    /// class's tracking, and masks it when the property is <c>[Tracked]</c> by name (which names the property, not the
    /// member the developer kept secret); a member's <c>[AuditMask]</c> masks it.
    /// </summary>
    private static EntityProperty WithMemberMarks(EntityProperty property)
    {
        var (ignored, masked) = AuditedProperties.MemberMarks(property.Symbol);
        return ignored || masked
            ? property with { IsIgnored = property.IsIgnored || ignored, IsMasked = property.IsMasked || masked || ignored }
            : property;
    }

    /// <summary>Whether a mapped property's type is one tracking takes: a scalar, or a value the model gives its text (<see cref="IsModelValue"/>).</summary>
    public static bool IsTrackable(IPropertySymbol property)
        => AuditValueTypes.IsSupported(property.Type) || IsModelValue(property);

    /// <summary>
    /// Whether the text of the property's values is decided from the EF Core model at run time
    /// (<see cref="AuditedProperties.IsModelField"/>): the generator gives it <c>TrackedValueFormats.Model&lt;T&gt;()</c>, or
    /// <c>Collection&lt;T, TElement&gt;()</c> for an array or collection.
    /// </summary>
    public static bool IsModelValue(IPropertySymbol property)
        => !AuditValueTypes.IsSupported(property.Type) && AuditedProperties.IsModelField(property);
}
