using System;
using System.Collections.Generic;
using System.Reflection;

namespace ServerTools.Infrastructure;

/// <summary>
/// Every declaration of a property, for reading the attributes on it (reflection does not pass a property's attributes on
/// to its overrides): the type's own and its base classes' (an override, a property hidden with <c>new</c>, and the ones
/// they replace), most derived first, then the interfaces the type implements. The audit trail's marks
/// (<c>[AuditMask]</c>, <c>[AuditIgnore]</c>) and <c>[RuleReadable]</c> are read this way, as the generator combines them.
/// </summary>
internal static class PropertyDeclarations
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>The declarations of the property <paramref name="name"/> of <paramref name="type"/> (not indexers), in the order above.</summary>
    public static IEnumerable<PropertyInfo> Of(Type type, string name)
    {
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var property in Named(current, name))
            {
                yield return property;
            }
        }

        foreach (var contract in type.GetInterfaces())
        {
            foreach (var property in Named(contract, name))
            {
                yield return property;
            }
        }
    }

    private static IEnumerable<PropertyInfo> Named(Type type, string name)
    {
        foreach (var property in type.GetProperties(Declared))
        {
            if (property.Name == name && property.GetIndexParameters().Length == 0)
            {
                yield return property;
            }
        }
    }
}
