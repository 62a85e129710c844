using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.TimeWindows;

/// <summary>
/// ST4001 and ST4003: the time zone of a <c>[TimeWindowed]</c> class. <c>TimeZone</c> must be an id of the tz database
/// that .NET and PostgreSQL both know (<see cref="TimeZoneIds"/>), reported at its value with the id it most likely
/// means (ST4001); <c>TimeZone</c> and <c>TimeZoneProperty</c> contradict each other, reported at the attribute (ST4003).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TimeZoneAnalyzer : TimeWindowedClassAnalyzer
{
    /// <summary>The diagnostic property of ST4001 with the id the value most likely means (the code fix writes it).</summary>
    internal const string SuggestedTimeZoneProperty = "SuggestedTimeZone";

    /// <summary>The ids with an area (<c>Europe/Paris</c>, <c>Etc/UTC</c>, <c>US/Eastern</c>): those a typo may be taken for.</summary>
    private static readonly string[] s_areaLocationIds = [.. TimeZoneIds.All.Where(static id => id.IndexOf('/') >= 0)];

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
            else if (Suggestion(zone) is { } suggested)
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

    /// <summary>
    /// The id <paramref name="zone"/> means, when that is beyond doubt: the one id equal to it but for case or surrounding
    /// spaces (<c>europe/paris</c>, <c>"CET "</c>), <c>UTC</c> for <c>Z</c> (UTC's designator in ISO 8601), the one
    /// Area/Location id a typo or two away (<see cref="NearestName"/>: <c>Europe/Pairs</c>), or the one id whose location
    /// is <paramref name="zone"/> (<c>Paris</c>, <c>New York</c>); else null. A typo is never taken for one of the ids
    /// without an area (<c>MST</c>, <c>EST</c>, <c>NZ</c>, <c>Japan</c>): those are abbreviations and country names, and
    /// the one a letter away from another abbreviation is another zone (<c>MSK</c>, Moscow, is not <c>MST</c>, US
    /// Mountain). An offset is no location either: <c>GMT+1</c> does not mean <c>Etc/GMT+1</c>, which is UTC-1.
    /// </summary>
    private static string? Suggestion(string zone)
    {
        var trimmed = zone.Trim();
        var sameButCase = TimeZoneIds.All.Where(id => string.Equals(id, trimmed, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        if (sameButCase.Count > 0)
        {
            return sameButCase.Count == 1 ? sameButCase[0] : null;
        }

        if (trimmed == "Z")
        {
            return "UTC";
        }

        if (NearestName.Of(zone, s_areaLocationIds) is { } nearest)
        {
            return nearest;
        }

        if (zone.IndexOf('/') >= 0 || zone.Any(char.IsDigit))
        {
            return null;
        }

        var location = "/" + trimmed.Replace(' ', '_');
        var ids = s_areaLocationIds.Where(id => id.EndsWith(location, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return ids.Count == 1 ? ids[0] : null;
    }

    /// <summary>Two to five capital letters, as time-zone abbreviations are written (<c>CEST</c>, <c>MSK</c>, <c>AEST</c>).</summary>
    private static bool IsAbbreviation(string zone)
        => zone.Length is >= 2 and <= 5 && zone.All(static c => c is >= 'A' and <= 'Z');
}
