using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Shared;

namespace ServerTools.Analyzers.TimeWindows;

/// <summary>The <c>[TimeWindowed]</c> attribute of one compilation, resolved once, on first need, and its arguments.</summary>
public sealed class TimeWindowsSymbols
{
    /// <summary>The name of the attribute's argument that gives one IANA time-zone id for every row.</summary>
    public const string TimeZone = "TimeZone";

    /// <summary>The name of the attribute's argument that names the string property holding each row's IANA time-zone id.</summary>
    public const string TimeZoneProperty = "TimeZoneProperty";

    private TimeWindowsSymbols(INamedTypeSymbol timeWindowed)
    {
        TimeWindowed = timeWindowed;
    }

    public INamedTypeSymbol TimeWindowed { get; }

    /// <summary>The symbols of <paramref name="compilation"/>, or null when it does not reference ServerTools (no [TimeWindowed] type).</summary>
    public static TimeWindowsSymbols? From(Compilation compilation)
        => compilation.GetTypeByMetadataName(AttributeNames.TimeWindowed) is { } timeWindowed ? new TimeWindowsSymbols(timeWindowed) : null;

    /// <summary>The application of [TimeWindowed] on <paramref name="type"/>, if any (the attribute is not inherited).</summary>
    public AttributeData? Find(INamedTypeSymbol type)
        => type.GetAttributes().FirstOrDefault(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, TimeWindowed));

    /// <summary>
    /// The string given to the named argument <paramref name="name"/> of <paramref name="attribute"/>; null when it is
    /// not given, given as null (which means not set) or does not bind.
    /// </summary>
    public static string? Value(AttributeData attribute, string name)
        => attribute.NamedArguments.FirstOrDefault(argument => argument.Key == name).Value.Value as string;

    /// <summary>The expression written for the named argument <paramref name="name"/> of <paramref name="attribute"/>, or null.</summary>
    public static ExpressionSyntax? Argument(AttributeSyntax attribute, string name)
        => attribute.ArgumentList?.Arguments.FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == name)?.Expression;
}
