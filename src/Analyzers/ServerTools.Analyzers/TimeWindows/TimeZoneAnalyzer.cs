using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.TimeWindows;

/// <summary>
/// ST4001 and ST4003: the time zone of a <c>[TimeWindowed]</c> class. <c>TimeZone</c> must be an id of the tz database
/// that .NET and PostgreSQL both know (<see cref="TimeZoneIds"/>), reported at its value with the id it most likely
/// means (<see cref="TimeZoneIds.Meant"/>, ST4001); <c>TimeZone</c> and <c>TimeZoneProperty</c> contradict each other,
/// reported at the attribute (ST4003).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TimeZoneAnalyzer : TimeWindowedClassAnalyzer
{
    /// <summary>The diagnostic property of ST4001 with the id the value most likely means (the code fix writes it).</summary>
    internal const string SuggestedTimeZoneProperty = "SuggestedTimeZone";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.TimeZoneNotIana,
        DiagnosticDescriptors.TimeZoneGivenTwice,
    ];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        var zone = TimeWindowsSymbols.Value(attribute, TimeWindowsSymbols.TimeZone);
        if (zone is not null && !TimeZoneIds.Contains(zone) && TimeWindowsSymbols.Argument(syntax, TimeWindowsSymbols.TimeZone) is { } argument)
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            string fix;
            if (zone.Length == 0)
            {
                fix = "write an IANA id such as 'Europe/Paris', or remove TimeZone for UTC";
            }
            else if (TimeZoneIds.Meant(zone) is { } suggested)
            {
                properties = properties.Add(SuggestedTimeZoneProperty, suggested);
                fix = string.Equals(suggested, zone, StringComparison.OrdinalIgnoreCase)
                    ? $"ids are case-sensitive; did you mean '{suggested}'?"
                    : $"did you mean '{suggested}'?";
            }
            else
            {
                fix = (IsAbbreviation(zone)
                          ? "an abbreviation names no zone (the same letters stand for different zones, and a zone's abbreviation changes "
                            + "with daylight-saving time): "
                          : "")
                      + "write the IANA id of the zone (Area/Location, such as 'Europe/Paris'; PostgreSQL does not know Windows ids), "
                      + "as listed at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones";
            }

            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TimeZoneNotIana, argument.GetLocation(), properties, zone, type.Name, fix));
        }

        if (zone is not null && TimeWindowsSymbols.Value(attribute, TimeWindowsSymbols.TimeZoneProperty) is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TimeZoneGivenTwice, syntax.GetLocation(), type.Name));
        }
    }

    /// <summary>Two to five capital letters, as time-zone abbreviations are written (<c>CEST</c>, <c>MSK</c>, <c>AEST</c>).</summary>
    private static bool IsAbbreviation(string zone)
        => zone.Length is >= 2 and <= 5 && zone.All(static c => c is >= 'A' and <= 'Z');
}
