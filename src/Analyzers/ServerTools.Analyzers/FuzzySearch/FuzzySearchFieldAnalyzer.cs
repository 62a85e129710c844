using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.FuzzySearch;

/// <summary>
/// ST3001-ST3004, ST3007 and ST3008: the fields of a <c>[FuzzySearchable]</c> class that the search leaves out, as
/// <see cref="FuzzySearchFields.Of"/> finds them for the generator, in one pass over the class: a name the class does not
/// have or a property EF Core does not map (ST3001), a property that is not a string (ST3002), a field named a second
/// time (ST3003), a weight outside (0, 1] (ST3004), a mode that is no <c>TrigramMatch</c> (ST3007). A field is reported
/// at its name in the class's list, or at the attribute on the property; a weight or a mode at its <c>Weight = ...</c>
/// or <c>Mode = ...</c> argument, once per attribute. Attributes written in a base class are reported with the base
/// class, except a repeat that the class's own list causes. ST3008: a field, or the integer key that orders ties, that
/// is obsolete as an error in a class that is not, which the search leaves out (the extensions beside the class could
/// not read it), at the field, or at the key's name.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FuzzySearchFieldAnalyzer : SearchableClassAnalyzer
{
    /// <summary>
    /// The diagnostic property of ST3001, on a string the class has no property of, with the name of the one mapped string
    /// property whose name is a typo away (the code fix writes <c>nameof</c> of it).
    /// </summary>
    internal const string MeantPropertyProperty = "MeantProperty";

    /// <summary>How many edits away a name may be from the property it is taken to mean: 1 for names of up to 3 letters, else 2.</summary>
    private const int ShortNameLength = 3;

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.SearchableFieldNotMapped,
        DiagnosticDescriptors.SearchableFieldNotString,
        DiagnosticDescriptors.SearchableFieldListedTwice,
        DiagnosticDescriptors.SearchableWeightOutOfRange,
        DiagnosticDescriptors.SearchableModeUndefined,
        DiagnosticDescriptors.SearchableMemberObsoleteError,
    ];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, FuzzySearchSymbols symbols)
    {
        var fields = FuzzySearchFields.Of(type);
        var weighed = new List<AttributeData>();
        var moded = new List<AttributeData>();
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            var own = FuzzySearchSymbols.IsWrittenIn(field.Attribute, type);
            switch (field.Problem)
            {
                case FuzzyFieldProblem.Missing when own:
                    ReportNotMapped(context, type, fields, field);
                    break;
                case FuzzyFieldProblem.NotString when own:
                    Report(context, DiagnosticDescriptors.SearchableFieldNotString, field, field.Name, type.Name, field.Property!.Type.ToDisplayString(s_typeFormat), Remove(field, "map a string property instead, or"));
                    break;
                case FuzzyFieldProblem.Duplicate:
                    ReportRepeat(context, type, fields, i, own);
                    break;
                case FuzzyFieldProblem.ObsoleteError when own:
                    Report(
                        context,
                        DiagnosticDescriptors.SearchableMemberObsoleteError,
                        field,
                        field.Name,
                        $"the fuzzy search of '{type.Name}'",
                        ObsoleteErrors.OfMember(field.Property!),
                        type.Name,
                        Remove(field, $"make that [Obsolete] a warning (without 'true'), mark '{type.Name}' [Obsolete(..., true)] too, or"));
                    break;
                case FuzzyFieldProblem.ObsoleteError:
                    ReportInheritedObsolete(context, type, field, symbols);
                    break;
            }

            if (own && !FuzzySearchFields.IsValidWeight(field.Weight))
            {
                ReportSetting(context, type, field, "Weight", DiagnosticDescriptors.SearchableWeightOutOfRange, field.Weight.ToString(CultureInfo.InvariantCulture), weighed);
            }

            if (own && !FuzzySearchFields.IsValidMode(field.Mode))
            {
                ReportSetting(context, type, field, "Mode", DiagnosticDescriptors.SearchableModeUndefined, field.Mode.ToString(CultureInfo.InvariantCulture), moded);
            }
        }

        ReportObsoleteKey(context, type, fields, symbols);
    }

    /// <summary>
    /// ST3008 for the integer key that would order ties (<see cref="FuzzySearchFields.IntegerKey"/>) when the generated
    /// search leaves it out (<see cref="FuzzySearchFields.TieBreaker"/>'s rule): at its name when the class declares it,
    /// else (a key of a base class) at the class's <c>[FuzzySearchable]</c>, or that of its first property marked so.
    /// Only for a class that gets a search.
    /// </summary>
    private static void ReportObsoleteKey(SymbolAnalysisContext context, INamedTypeSymbol type, List<FuzzyField> fields, FuzzySearchSymbols symbols)
    {
        if (!fields.Any(static field => field.Problem == FuzzyFieldProblem.None)
            || !FuzzySearchFields.CanGenerate(type)
            || FuzzySearchFields.IntegerKey(type) is not { } key
            || !ObsoleteSymbols.IsErrorBeside(type, key))
        {
            return;
        }

        var location = SymbolEqualityComparer.Default.Equals(key.ContainingType, type)
            ? SourceLocations.In(key, context.Compilation)
            : symbols.ClassLocation(type, context.CancellationToken);
        if (location is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.SearchableMemberObsoleteError,
                location,
                key.Name,
                $"the order of ties in the fuzzy search of '{type.Name}'",
                ObsoleteErrors.OfMember(key),
                type.Name,
                $"results of equal score come back in no set order; make that [Obsolete] a warning (without 'true'), or mark '{type.Name}' [Obsolete(..., true)] too"));
        }
    }

    /// <summary>
    /// ST3008 for <paramref name="field"/>, marked <c>[FuzzySearchable]</c> in a base class, when the search of
    /// <paramref name="type"/> leaves it out but that of the base class keeps it (the base class is obsolete as an error, so
    /// its extensions are an obsolete context, and it reports nothing): at the class's own <c>[FuzzySearchable]</c>, else at
    /// that of its first property marked so. Where the base class leaves it out too, the base class reports it.
    /// </summary>
    private static void ReportInheritedObsolete(SymbolAnalysisContext context, INamedTypeSymbol type, FuzzyField field, FuzzySearchSymbols symbols)
    {
        var property = field.Property!;
        if (ObsoleteSymbols.IsErrorBeside(property.ContainingType, property) || symbols.ClassLocation(type, context.CancellationToken) is not { } location)
        {
            return;
        }

        var from = property.ContainingType.Name;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.SearchableMemberObsoleteError,
            location,
            field.Name,
            $"the fuzzy search of '{type.Name}', which inherits it from '{from}'",
            ObsoleteErrors.OfMember(property),
            type.Name,
            $"make that [Obsolete] a warning (without 'true'), mark '{type.Name}' [Obsolete(..., true)] too, or remove [FuzzySearchable] from it in '{from}'"));
    }

    /// <summary>
    /// ST3004 or ST3007 at the <c>{argument} = ...</c> argument of the attribute of <paramref name="field"/>, with its
    /// <paramref name="value"/>, once per attribute (the fields a class names share theirs).
    /// </summary>
    private static void ReportSetting(
        SymbolAnalysisContext context, INamedTypeSymbol type, FuzzyField field, string argument, DiagnosticDescriptor descriptor, string value, List<AttributeData> reported)
    {
        if (reported.Contains(field.Attribute)
            || FuzzySearchSymbols.Syntax(field.Attribute, context.CancellationToken) is not { } attribute
            || FuzzySearchSymbols.NamedArgument(attribute, argument) is not { } written)
        {
            return;
        }

        reported.Add(field.Attribute);
        context.ReportDiagnostic(Diagnostic.Create(
            descriptor,
            written.GetLocation(),
            value,
            field.ArgumentIndex >= 0 ? "the fields named here are" : $"'{field.Name}' is",
            type.Name));
    }

    /// <summary>
    /// ST3003 for <c>fields[index]</c>, the repeat of an earlier field of the same name: at the repeat when it is written
    /// in <paramref name="type"/>, else (a property marked in a base class) at the earlier one when that is the class's
    /// own list.
    /// </summary>
    private static void ReportRepeat(SymbolAnalysisContext context, INamedTypeSymbol type, List<FuzzyField> fields, int index, bool own)
    {
        var repeat = fields[index];
        var first = fields.First(field => field.Name == repeat.Name);
        if (own)
        {
            var why = first.ArgumentIndex >= 0
                ? repeat.ArgumentIndex >= 0
                    ? "it is named earlier in the class's [FuzzySearchable], so this name is ignored; remove it"
                    : $"the class's [FuzzySearchable] names it, so this attribute and its Weight and Mode are ignored; remove the attribute, or '{repeat.Name}' from the class's list"
                : $"it is marked [FuzzySearchable] in '{DeclaringTypeName(first, context.CancellationToken)}', so this attribute and its Weight and Mode are ignored; remove one of the two";
            Report(context, DiagnosticDescriptors.SearchableFieldListedTwice, repeat, repeat.Name, type.Name, why);
        }
        else if (first.ArgumentIndex >= 0)
        {
            Report(
                context,
                DiagnosticDescriptors.SearchableFieldListedTwice,
                first,
                first.Name,
                type.Name,
                $"it is marked [FuzzySearchable] in '{DeclaringTypeName(repeat, context.CancellationToken)}', whose Weight and Mode this name replaces; "
                + "remove the name to search it as marked there");
        }
    }

    private static void Report(SymbolAnalysisContext context, DiagnosticDescriptor descriptor, FuzzyField field, params object[] arguments)
    {
        if (FuzzySearchSymbols.Location(field, context.CancellationToken) is { } location)
        {
            context.ReportDiagnostic(Diagnostic.Create(descriptor, location, arguments));
        }
    }

    /// <summary>ST3001 for <paramref name="field"/>, with why it is no mapped property of <paramref name="type"/> and what to do.</summary>
    private static void ReportNotMapped(SymbolAnalysisContext context, INamedTypeSymbol type, List<FuzzyField> fields, FuzzyField field)
    {
        if (FuzzySearchSymbols.Location(field, context.CancellationToken) is not { } location)
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty;
        string why;
        if (field.ArgumentIndex < 0 || AuditedProperties.BaseFirst(type).Any(t => t.GetMembers(field.Name).OfType<IPropertySymbol>().Any()))
        {
            why = "EF Core does not map it (it is static, [NotMapped], an indexer or an override, or has no public getter or no setter); "
                  + Remove(field, "search a mapped string property instead, or");
        }
        else if (field.Name.IndexOf('.') >= 0)
        {
            why = $"'{type.Name}' has no property of that name, and navigation paths are not supported: a field is a string property of "
                  + $"'{type.Name}' itself; to search a related entity's text, mark that entity [FuzzySearchable] and search it";
        }
        else if (FuzzySearchSymbols.Syntax(field.Attribute, context.CancellationToken) is { } attribute
                 && FuzzySearchSymbols.FieldName(attribute, field.ArgumentIndex) is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } nameOf)
        {
            var other = NameofQualifier(nameOf);
            why = other is null || AuditedProperties.BaseFirst(type).Any(t => t.Name == other)
                ? $"'{type.Name}' has no property of that name; name one of its own properties"
                : AuditedProperties.BaseFirst(type).Any(t => t.GetMembers(other).OfType<IPropertySymbol>().Any())
                    ? $"'{type.Name}' has no property of that name: the nameof names a property of its navigation '{other}', and navigation paths are not "
                      + $"supported; a field is a string property of '{type.Name}' itself; to search a related entity's text, mark that entity [FuzzySearchable] and search it"
                    : $"'{type.Name}' has no property of that name: the nameof names a property of '{other}', another class; name one of the properties of '{type.Name}'";
        }
        else if (Meant(type, fields, field.Name) is { } meant)
        {
            properties = properties.Add(MeantPropertyProperty, meant);
            why = $"'{type.Name}' has no property of that name; did you mean '{meant}'? Write nameof({meant}) so that the compiler checks the name";
        }
        else
        {
            why = $"'{type.Name}' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name";
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SearchableFieldNotMapped, location, properties, field.Name, type.Name, why));
    }

    /// <summary>The name of the type a qualified <c>nameof(Customer.Name)</c> names (<c>Customer</c>), as written; null when not qualified.</summary>
    private static string? NameofQualifier(InvocationExpressionSyntax nameOf)
        => nameOf.ArgumentList.Arguments.Count == 1 && nameOf.ArgumentList.Arguments[0].Expression is MemberAccessExpressionSyntax { Expression: var qualifier }
            ? qualifier switch
            {
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
                _ => null,
            }
            : null;

    /// <summary>
    /// The one mapped string property of <paramref name="type"/>, not yet a field, whose name is a typo away from
    /// <paramref name="name"/>; null when there is none or more than one.
    /// </summary>
    private static string? Meant(INamedTypeSymbol type, List<FuzzyField> fields, string name)
    {
        var limit = name.Length <= ShortNameLength ? 1 : 2;
        var candidates = AuditedProperties.BaseFirst(type)
            .SelectMany(static t => t.GetMembers().OfType<IPropertySymbol>())
            .Where(property => property.Type.SpecialType == SpecialType.System_String
                               && AuditedProperties.IsMapped(property)
                               && !fields.Any(field => field.Problem == FuzzyFieldProblem.None && field.Name == property.Name)
                               && EditDistance.Of(property.Name, name) <= limit)
            .Select(static property => property.Name)
            .Distinct()
            .Take(2)
            .ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    /// <summary>The end of a message: <paramref name="alternative"/> and how to remove the field.</summary>
    private static string Remove(FuzzyField field, string alternative)
        => field.ArgumentIndex >= 0
            ? $"{alternative} remove '{field.Name}' from the class's [FuzzySearchable]"
            : $"{alternative} remove [FuzzySearchable]";

    /// <summary>The name of the class whose declaration holds the attribute of <paramref name="field"/>.</summary>
    private static string DeclaringTypeName(FuzzyField field, CancellationToken cancellationToken)
        => field.Property?.ContainingType.Name
           ?? FuzzySearchSymbols.Syntax(field.Attribute, cancellationToken)?.FirstAncestorOrSelf<BaseTypeDeclarationSyntax>()?.Identifier.ValueText
           ?? "a base class";
}
