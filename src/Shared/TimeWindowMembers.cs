// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): the generator skips exactly the classes
// that ST4005 reports, which inherit the members already, and leaves out the members that ST4004 reports a collision
// with, so that no error or warning in generated code hides the diagnostic.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>The members that <c>[TimeWindowed]</c> adds to a class, and the members of a class that they would collide with.</summary>
internal static class TimeWindowMembers
{
    /// <summary>
    /// Each generated member: its name, and for a method the number of its <c>DateTimeOffset</c> parameters (its only
    /// parameters); -1 for a property or a field, which collides with any member of its name.
    /// </summary>
    private static readonly (string Name, int Instants)[] s_generated =
    [
        ("TimeWindows", -1),
        ("SpecialDays", -1),
        ("GetTimeWindowSchedule", 0),
        ("IsOpenAt", 1),
        ("NextOpening", 1),
        ("NextClosing", 1),
        ("OpenIntervals", 2),
    ];

    /// <summary>
    /// True for a generated method that no other generated member calls (<c>IsOpenAt</c>, <c>NextOpening</c>,
    /// <c>NextClosing</c>, <c>OpenIntervals</c>): the generator leaves it out alone when a member collides with it (ST4004),
    /// and the class's own member, or the base class's, takes its place. The others (<c>TimeWindows</c>,
    /// <c>SpecialDays</c>, <c>GetTimeWindowSchedule</c>) are used by the rest and by <c>ITimeWindowed</c>: a collision with
    /// one of them leaves out the class's generated code as a whole.
    /// </summary>
    public static bool CanLeaveOut(string name) => name is "IsOpenAt" or "NextOpening" or "NextClosing" or "OpenIntervals";

    /// <summary>The nearest base class of <paramref name="type"/> marked <c>[TimeWindowed]</c>, which already gives it the members; or null.</summary>
    public static INamedTypeSymbol? TimeWindowedBase(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (MetadataNames.HasAttribute(current, AttributeNames.TimeWindowed))
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>
    /// The members that a generated member would collide with: those that <paramref name="type"/> declares (the compiler
    /// reports CS0102 or CS0111 in the generated code), then those it inherits, which a generated member would hide
    /// (CS0108). A method that only shares the name (another parameter list, or generic) is an overload and does not collide.
    /// </summary>
    public static IEnumerable<ISymbol> Collisions(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var (name, instants) in s_generated)
            {
                foreach (var member in current.GetMembers(name))
                {
                    if (!member.IsImplicitlyDeclared && (current.Equals(type, SymbolEqualityComparer.Default) || InheritedMembers.IsVisible(member, type)) && Collides(member, instants))
                    {
                        yield return member;
                    }
                }
            }
        }
    }

    private static bool Collides(ISymbol member, int instants)
    {
        if (instants < 0 || member is not IMethodSymbol method)
        {
            return true;
        }

        if (method.Arity != 0 || method.Parameters.Length != instants)
        {
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            if (!MetadataNames.Is(parameter.Type, "System.DateTimeOffset"))
            {
                return false;
            }
        }

        return true;
    }
}
