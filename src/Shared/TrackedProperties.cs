using System;
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
    /// maps with a scalar type (<see cref="AuditedProperties.IsMapped"/>, <see cref="AuditValueTypes.IsSupported"/>)
    /// that are marked <c>[Tracked]</c>, and, when <paramref name="wholeClass"/> (the class is marked <c>[Tracked]</c>),
    /// the others but those marked <c>[AuditIgnore]</c>, which no ServerTools record holds unless asked for by name.
    /// Value objects are not flattened.
    /// </summary>
    public static IEnumerable<IPropertySymbol> Of(INamedTypeSymbol type, bool wholeClass)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var declaringType in AuditedProperties.BaseFirst(type))
        {
            foreach (var property in declaringType.GetMembers().OfType<IPropertySymbol>())
            {
                if (AuditedProperties.IsMapped(property)
                    && AuditValueTypes.IsSupported(property.Type)
                    && (MetadataNames.HasAttribute(property, AttributeNames.Tracked)
                        || (wholeClass && !MetadataNames.HasAttribute(property, AttributeNames.AuditIgnore)))
                    && seen.Add(property.Name))
                {
                    yield return property;
                }
            }
        }
    }
}
