using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked), so the generator that emits the search
// and the analyzers that check its configuration cannot disagree on which fields are searchable.
namespace ServerTools.Shared;

/// <summary>What is wrong with one field of a <c>[FuzzySearchable]</c> class, if anything.</summary>
internal enum FuzzyFieldProblem
{
    None,

    /// <summary>The class names a property it does not have (or one EF Core does not map: static, <c>[NotMapped]</c>, no public getter or no setter).</summary>
    Missing,

    /// <summary>The property is not a <c>string</c>: pg_trgm compares text.</summary>
    NotString,

    /// <summary>The field is named a second time (twice on the class, or on the class and with its own attribute).</summary>
    Duplicate,

    /// <summary>The weight is not greater than 0 and at most 1.</summary>
    BadWeight,

    /// <summary>The mode is not a value of <c>ServerTools.TrigramMatch</c> (a number cast to it, such as <c>(TrigramMatch)7</c>).</summary>
    BadMode,

    /// <summary>
    /// The property (or its getter) is obsolete as an error and the class is not (<see cref="ObsoleteSymbols.IsErrorBeside"/>):
    /// the extensions beside the class could not read it (CS0619, which no pragma silences).
    /// </summary>
    ObsoleteError,
}

/// <summary>One field of a <c>[FuzzySearchable]</c> class as written: by name on the class, or marked on the property.</summary>
/// <param name="Name">The property's name as written.</param>
/// <param name="Property">The property, when the class has a mapped one of that name.</param>
/// <param name="Attribute">The attribute that declares the field.</param>
/// <param name="ArgumentIndex">The position of the name among the class attribute's field names; -1 for a property's attribute.</param>
/// <param name="Weight">The field's weight.</param>
/// <param name="Mode">The field's comparison, as the value of <c>ServerTools.TrigramMatch</c>.</param>
/// <param name="Problem">Why the field is left out of the search, if it is.</param>
internal sealed record FuzzyField(
    string Name,
    IPropertySymbol? Property,
    AttributeData Attribute,
    int ArgumentIndex,
    double Weight,
    int Mode,
    FuzzyFieldProblem Problem);

/// <summary>The rules that pick the searchable fields of a class.</summary>
internal static class FuzzySearchFields
{
    /// <summary>The comparisons of <c>ServerTools.TrigramMatch</c>, by value.</summary>
    public const int Similarity = 0, WordSimilarity = 1, StrictWordSimilarity = 2;

    /// <summary>
    /// The fields of <paramref name="type"/> in declaration order: first those the class's <c>[FuzzySearchable]</c>
    /// names, in the order given, then the properties marked <c>[FuzzySearchable]</c> (base class first). A field whose
    /// <see cref="FuzzyField.Problem"/> is not <see cref="FuzzyFieldProblem.None"/> is skipped by the generator and
    /// reported by the analyzers. Properties are found in the class and its base classes.
    /// </summary>
    public static List<FuzzyField> Of(INamedTypeSymbol type)
    {
        var fields = new List<FuzzyField>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        if (Find(type) is { } classAttribute)
        {
            var (weight, match) = Settings(classAttribute);
            var names = classAttribute.ConstructorArguments.Length == 1
                        && classAttribute.ConstructorArguments[0] is { Kind: TypedConstantKind.Array, IsNull: false } list
                ? list.Values
                : [];
            for (var index = 0; index < names.Length; index++)
            {
                var name = names[index].Value as string ?? "";
                var property = MappedProperty(type, name);
                fields.Add(Field(name, property, classAttribute, index, weight, match, type, seen));
            }
        }

        foreach (var declaringType in AuditedProperties.BaseFirst(type))
        {
            foreach (var property in declaringType.GetMembers().OfType<IPropertySymbol>())
            {
                if (Find(property) is not { } attribute)
                {
                    continue;
                }

                var (weight, match) = Settings(attribute);
                var mapped = IsMapped(property) ? property : null;
                fields.Add(Field(property.Name, mapped, attribute, -1, weight, match, type, seen));
            }
        }

        return fields;
    }

    /// <summary>The valid fields of <paramref name="type"/>, each once.</summary>
    public static IEnumerable<FuzzyField> Valid(INamedTypeSymbol type)
        => Of(type).Where(static field => field.Problem == FuzzyFieldProblem.None);

    /// <summary>
    /// Whether the generator can add a search to <paramref name="type"/> at all: a class that code at namespace level can
    /// name (<see cref="ClassReach"/>; ST3006 reports the others) and not file-local (ST0003). It then adds one when
    /// <see cref="Valid"/> holds a field (ST3005 reports a class without).
    /// </summary>
    public static bool CanGenerate(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Class && !ClassReach.Obstacles(type).Any() && FileLocalTypes.Find(type) is null;

    /// <summary>
    /// Whether a FuzzySearch is generated for <paramref name="type"/>: it is marked <c>[FuzzySearchable]</c> or declares a
    /// property marked so, <see cref="CanGenerate"/>, and at least one field is <see cref="Valid"/>. The module report
    /// counts a searchable entity by this, so it does not count one the build warns has no search (ST3005, ST3006).
    /// </summary>
    public static bool HasSearch(INamedTypeSymbol type)
        => (Find(type) is not null || type.GetMembers().Any(static member => member is IPropertySymbol && Find(member) is not null))
           && CanGenerate(type)
           && Valid(type).Any();

    /// <summary>The <c>[FuzzySearchable]</c> attribute on <paramref name="symbol"/>, if any.</summary>
    public static AttributeData? Find(ISymbol symbol)
        => MetadataNames.Find(symbol, AttributeNames.FuzzySearchable);

    /// <summary>Whether a weight is one a field may have: greater than 0, at most 1 (NaN is not).</summary>
    public static bool IsValidWeight(double weight) => weight > 0 && weight <= 1;

    /// <summary>Whether a mode is a value of <c>ServerTools.TrigramMatch</c>.</summary>
    public static bool IsValidMode(int mode) => mode is Similarity or WordSimilarity or StrictWordSimilarity;

    /// <summary>
    /// A field of <paramref name="type"/>, its problem decided; a name counts as taken only once a valid field has it, or
    /// one that only its obsolete mark leaves out (a repeat of it is a repeat all the same).
    /// </summary>
    private static FuzzyField Field(
        string name, IPropertySymbol? property, AttributeData attribute, int index, double weight, int mode, INamedTypeSymbol type, HashSet<string> taken)
    {
        var problem = Check(property, weight, mode, !taken.Contains(name));
        if (problem == FuzzyFieldProblem.None && ObsoleteSymbols.IsErrorBeside(type, property!))
        {
            problem = FuzzyFieldProblem.ObsoleteError;
        }

        if (problem is FuzzyFieldProblem.None or FuzzyFieldProblem.ObsoleteError)
        {
            taken.Add(name);
        }

        return new FuzzyField(name, property, attribute, index, weight, mode, problem);
    }

    /// <summary>
    /// The key EF Core finds by convention (<c>Id</c>, <c>{Class}Id</c> or <c>[Key]</c>, the first in the class and its
    /// base classes, base first) when it is an integer: ties in score are ordered by it, the same way in SQL and in memory
    /// (strings and Guids sort differently in PostgreSQL and .NET, so they are not used). Null when there is none, and when
    /// it is obsolete as an error and the class is not (<see cref="ObsoleteSymbols.IsErrorBeside"/>): ties then come
    /// back in no set order, and ST3008 reports the key.
    /// </summary>
    public static IPropertySymbol? TieBreaker(INamedTypeSymbol type)
        => IntegerKey(type) is { } key && !ObsoleteSymbols.IsErrorBeside(type, key) ? key : null;

    /// <summary>The integer key of <paramref name="type"/> that <see cref="TieBreaker"/> would order ties by, obsolete or not; null when there is none.</summary>
    public static IPropertySymbol? IntegerKey(INamedTypeSymbol type)
    {
        foreach (var declaringType in AuditedProperties.BaseFirst(type))
        {
            foreach (var property in declaringType.GetMembers().OfType<IPropertySymbol>())
            {
                if (AuditedProperties.IsMapped(property)
                    && (property.Name == "Id" || property.Name == type.Name + "Id" || MetadataNames.HasAttribute(property, AttributeNames.Key))
                    && property.Type.SpecialType is SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64
                        or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_Byte)
                {
                    return property;
                }
            }
        }

        return null;
    }

    /// <summary>A property EF Core maps (<see cref="AuditedProperties.IsMapped"/>), or an override of one.</summary>
    private static bool IsMapped(IPropertySymbol property)
        => AuditedProperties.IsMapped(property)
           || (property.IsOverride && property.OverriddenProperty is { } overridden && IsMapped(overridden) && !MetadataNames.HasAttribute(property, AttributeNames.NotMapped));

    private static FuzzyFieldProblem Check(IPropertySymbol? property, double weight, int mode, bool first)
    {
        if (property is null)
        {
            return FuzzyFieldProblem.Missing;
        }

        if (property.Type.SpecialType != SpecialType.System_String)
        {
            return FuzzyFieldProblem.NotString;
        }

        if (!first)
        {
            return FuzzyFieldProblem.Duplicate;
        }

        if (!IsValidWeight(weight))
        {
            return FuzzyFieldProblem.BadWeight;
        }

        return IsValidMode(mode) ? FuzzyFieldProblem.None : FuzzyFieldProblem.BadMode;
    }

    private static IPropertySymbol? MappedProperty(INamedTypeSymbol type, string name)
    {
        for (var current = type; current is { SpecialType: not SpecialType.System_Object }; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(name))
            {
                if (member is IPropertySymbol property && IsMapped(property))
                {
                    return property;
                }
            }
        }

        return null;
    }

    private static (double Weight, int Mode) Settings(AttributeData attribute)
    {
        double weight = 1;
        var match = Similarity;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "Weight" && argument.Value.Value is double w)
            {
                weight = w;
            }
            else if (argument.Key == "Mode" && argument.Value.Value is int m)
            {
                match = m;
            }
        }

        return (weight, match);
    }
}
