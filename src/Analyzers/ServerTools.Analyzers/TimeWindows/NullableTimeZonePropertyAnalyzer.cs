using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.TimeWindows;

/// <summary>
/// ST4006 (informational): the <c>TimeZoneProperty</c> of a <c>[TimeWindowed]</c> class names a mapped <c>string?</c>
/// property (nullable context enabled), not <c>[Required]</c>. A null time zone is no UTC: the schedule refuses it at
/// SaveChanges and at the first question. Reported at the argument's value; a property ST4002 reports is not.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NullableTimeZonePropertyAnalyzer : TimeWindowedClassAnalyzer
{
    /// <summary>EF Core maps a property with this attribute to a NOT NULL column.</summary>
    private const string Required = "System.ComponentModel.DataAnnotations.RequiredAttribute";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.NullableTimeZoneProperty];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (TimeWindowsSymbols.Value(attribute, TimeWindowsSymbols.TimeZoneProperty) is { } name
            && TimeZoneProperties.Find(type, name) is IPropertySymbol { Type.NullableAnnotation: NullableAnnotation.Annotated } property
            && TimeZoneProperties.IsValid(property)
            && !MetadataNames.HasAttribute(property, Required)
            && TimeWindowsSymbols.Argument(syntax, TimeWindowsSymbols.TimeZoneProperty) is { } argument)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NullableTimeZoneProperty, argument.GetLocation(), name, type.Name));
        }
    }
}
