// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): the generator writes code for exactly
// the time zone properties the analyzers accept (ST4002 reports the others).
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>The property named by <c>[TimeWindowed(TimeZoneProperty = ...)]</c>.</summary>
internal static class TimeZoneProperties
{
    /// <summary>
    /// The member <paramref name="name"/> of <paramref name="type"/> or of its nearest base class that declares one; a
    /// property override is skipped for the property it overrides, which is the one EF Core maps.
    /// </summary>
    public static ISymbol? Find(INamedTypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(name).FirstOrDefault(static member => !member.IsImplicitlyDeclared && member is not IPropertySymbol { IsOverride: true }) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="member"/> is a string property EF Core maps to a column, which <c>WhereOpenAt</c> reads.</summary>
    public static bool IsValid(ISymbol? member)
        => member is IPropertySymbol { Type.SpecialType: SpecialType.System_String } property && AuditedProperties.IsMapped(property);
}
