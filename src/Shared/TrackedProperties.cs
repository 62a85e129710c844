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
    /// with those of the declarations it overrides or hides) with a scalar type (<see cref="AuditValueTypes.IsSupported"/>)
    /// that are marked <c>[Tracked]</c>, and, when <paramref name="wholeClass"/> (the class is marked <c>[Tracked]</c>),
    /// the others but those marked <c>[AuditIgnore]</c>, which no ServerTools record holds unless asked for by name.
    /// Value objects are not flattened.
    /// </summary>
    public static IEnumerable<EntityProperty> Of(INamedTypeSymbol type, bool wholeClass)
    {
        foreach (var property in AuditedProperties.Mapped(type))
        {
            if (AuditValueTypes.IsSupported(property.Symbol.Type) && (property.IsTracked || (wholeClass && !property.IsIgnored)))
            {
                yield return property;
            }
        }
    }
}
