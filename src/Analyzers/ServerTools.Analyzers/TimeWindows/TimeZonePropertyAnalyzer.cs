using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.TimeWindows;

/// <summary>
/// ST4002: the <c>TimeZoneProperty</c> of a <c>[TimeWindowed]</c> class must name a string property of the class or a
/// base class that EF Core maps, since .NET reads each row's zone from the property and PostgreSQL from its column.
/// Reported at the argument's value, with the property it most likely means when the class has none of that name.
/// ST4007, at the same place: a valid zone property (or its getter) that is obsolete as an error in a class that is not,
/// which the generated code cannot read (CS0619), so that the generator writes nothing for the class.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TimeZonePropertyAnalyzer : TimeWindowedClassAnalyzer
{
    /// <summary>The diagnostic property of ST4002 with the mapped string property a name that the class lacks most likely means.</summary>
    internal const string MeantPropertyProperty = "MeantProperty";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.TimeZonePropertyNotMapped, DiagnosticDescriptors.TimeZonePropertyObsoleteError];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (TimeWindowsSymbols.Value(attribute, TimeWindowsSymbols.TimeZoneProperty) is not { } name
            || TimeWindowsSymbols.Argument(syntax, TimeWindowsSymbols.TimeZoneProperty) is not { } argument)
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty;
        string why;
        switch (TimeZoneProperties.Find(type, name))
        {
            case null:
                var meant = NearestName.Of(name, MappedStringProperties(type));
                if (meant is not null)
                {
                    properties = properties.Add(MeantPropertyProperty, meant);
                }

                why = $"'{type.Name}' has no property of that name; " + (meant is not null
                    ? $"did you mean '{meant}'? Write nameof({meant}) so that the compiler checks the name"
                    : argument is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } }
                        ? "name one of its own string properties"
                        : "check the spelling, and write nameof(Property) so that the compiler checks the name");
                break;
            case IPropertySymbol { Type.SpecialType: not SpecialType.System_String } property:
                why = $"it is '{property.Type.ToDisplayString(s_typeFormat)}', and an IANA time-zone id is text; name a string property";
                break;
            case IPropertySymbol property when MetadataNames.HasAttribute(property, AttributeNames.NotMapped):
                why = "it is [NotMapped], and PostgreSQL reads each row's time zone from its column; remove [NotMapped], or name a mapped string property";
                break;
            case IPropertySymbol property when !AuditedProperties.IsMapped(property):
                why = "EF Core does not map it (it is static or an indexer, or has no public getter or no setter), and PostgreSQL reads "
                      + "each row's time zone from its column; name a mapped string property";
                break;
            case IPropertySymbol property when ObsoleteSymbols.IsErrorBeside(type, property):
                // The generator's rule: the class gets no code at all.
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TimeZonePropertyObsoleteError, argument.GetLocation(), name, type.Name, ObsoleteErrors.OfMember(property)));
                return;
            case IPropertySymbol:
                return;
            case var member:
                why = $"it is {Kind(member)}, not a property that EF Core maps to a column; name a string property";
                break;
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TimeZonePropertyNotMapped, argument.GetLocation(), properties, name, type.Name, why));
    }

    /// <summary>The names of the string properties of <paramref name="type"/> and its base classes that EF Core maps.</summary>
    private static string[] MappedStringProperties(INamedTypeSymbol type)
        => AuditedProperties.BaseFirst(type)
            .SelectMany(static t => t.GetMembers().OfType<IPropertySymbol>())
            .Where(static property => property.Type.SpecialType == SpecialType.System_String && AuditedProperties.IsMapped(property))
            .Select(static property => property.Name)
            .Distinct()
            .ToArray();

    private static string Kind(ISymbol member) => member.Kind switch
    {
        SymbolKind.Field => "a field",
        SymbolKind.Method => "a method",
        SymbolKind.Event => "an event",
        SymbolKind.NamedType => "a nested type",
        _ => "another kind of member",
    };
}
