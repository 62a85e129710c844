using System;
using System.Linq;
using System.Threading.Tasks;
using ServerTools.Analyzers.CodeFixes.TimeWindows;
using ServerTools.Analyzers.General;
using ServerTools.Analyzers.TimeWindows;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.TimeWindows;

public sealed class TimeZoneAnalyzerTests
{
    private const string LookItUp = "write the IANA id of the zone (Area/Location, such as 'Europe/Paris'; PostgreSQL does not know Windows ids), "
                                    + "as listed at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones";

    private const string Abbreviation = "an abbreviation names no zone (the same letters stand for different zones, and a zone's abbreviation "
                                        + "changes with daylight-saving time): " + LookItUp;

    private static string NotIana(string zone, string type, string fix)
        => $"'{zone}' is not an IANA time-zone id, so neither .NET nor PostgreSQL can read the opening hours of '{type}' in it: {fix}";

    [Fact]
    public Task Ids_of_zones_and_aliases_and_no_time_zone_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new TimeZoneAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Zones
        {
            public const string Europe = "Europe/";
        }

        [TimeWindowed(TimeZone = "Europe/Paris")] public partial class Paris { public int Id { get; set; } }
        [TimeWindowed(TimeZone = "UTC")] public partial class Utc { public int Id { get; set; } }
        [TimeWindowed(TimeZone = "America/Argentina/Buenos_Aires")] public partial class BuenosAires { public int Id { get; set; } }
        [TimeWindowed(TimeZone = "US/Eastern")] public partial class NewYork { public int Id { get; set; } }
        [TimeWindowed(TimeZone = "Etc/GMT-14")] public partial class Kiribati { public int Id { get; set; } }
        [TimeWindowed(TimeZone = Zones.Europe + "Lisbon")] public partial class Lisbon { public int Id { get; set; } }
        [TimeWindowed] public partial class Anywhere { public int Id { get; set; } }
        [TimeWindowed(TimeZone = null)] public partial class Nowhere { public int Id { get; set; } }

        [TimeWindowed(TimeZone = null, TimeZoneProperty = nameof(TimeZoneId))]
        public partial class Branch
        {
            public int Id { get; set; }
            public string TimeZoneId { get; set; } = "UTC";
        }
        """,
        ["ST4001", "ST4003"]);

    [Fact]
    public Task A_time_zone_that_differs_only_in_case_is_reported_at_the_string_with_the_id() => DiagnosticAssert.VerifyAsync(
        new TimeZoneAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [TimeWindowed(TimeZone = [|"europe/paris"|])]
        public partial class Store { public int Id { get; set; } }

        [TimeWindowed(TimeZone = [|"utc"|])]
        public partial class Depot { public int Id { get; set; } }
        """,
        [
            new("ST4001", NotIana("europe/paris", "Store", "ids are case-sensitive; did you mean 'Europe/Paris'?"), 0),
            new("ST4001", NotIana("utc", "Depot", "ids are case-sensitive; did you mean 'UTC'?"), 1),
        ]);

    [Fact]
    public Task A_misspelt_time_zone_or_a_location_alone_is_reported_with_the_id_it_means() => DiagnosticAssert.VerifyAsync(
        new TimeZoneAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [TimeWindowed(TimeZone = [|"Europe/Pairs"|])] public partial class Store { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"America/New_Yrok"|])] public partial class Depot { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"Paris"|])] public partial class Outlet { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"New York"|])] public partial class Kiosk { public int Id { get; set; } }
        """,
        [
            new("ST4001", NotIana("Europe/Pairs", "Store", "did you mean 'Europe/Paris'?"), 0),
            new("ST4001", NotIana("America/New_Yrok", "Depot", "did you mean 'America/New_York'?"), 1),
            new("ST4001", NotIana("Paris", "Outlet", "did you mean 'Europe/Paris'?"), 2),
            new("ST4001", NotIana("New York", "Kiosk", "did you mean 'America/New_York'?"), 3),
        ]);

    [Fact]
    public Task Windows_ids_abbreviations_offsets_and_ambiguous_names_are_reported_without_a_guess() => DiagnosticAssert.VerifyAsync(
        new TimeZoneAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Zones
        {
            public const string Head = "Romance Standard Time";
        }

        [TimeWindowed(TimeZone = [|"Romance Standard Time"|])] public partial class Store { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"CEST"|])] public partial class Depot { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"GMT+1"|])] public partial class Outlet { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"+02:00"|])] public partial class Kiosk { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"Etc/GMT+13"|])] public partial class Booth { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"Eastern"|])] public partial class Stall { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|Zones.Head|])] public partial class Office { public int Id { get; set; } }
        """,
        [
            new("ST4001", NotIana("Romance Standard Time", "Store", LookItUp), 0),
            new("ST4001", NotIana("CEST", "Depot", Abbreviation), 1),
            new("ST4001", NotIana("GMT+1", "Outlet", LookItUp), 2),
            new("ST4001", NotIana("+02:00", "Kiosk", LookItUp), 3),
            new("ST4001", NotIana("Etc/GMT+13", "Booth", LookItUp), 4),
            new("ST4001", NotIana("Eastern", "Stall", LookItUp), 5),
            new("ST4001", NotIana("Romance Standard Time", "Office", LookItUp), 6),
        ]);

    [Fact]
    public Task Abbreviation_a_letter_away_from_an_id_without_an_area_is_not_taken_for_it() => DiagnosticAssert.VerifyAsync(
        new TimeZoneAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [TimeWindowed(TimeZone = [|"MSK"|])] public partial class Moscow { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"AEST"|])] public partial class Sydney { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"EDT"|])] public partial class Boston { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"Japn"|])] public partial class Tokyo { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"Z"|])] public partial class Zulu { public int Id { get; set; } }
        [TimeWindowed(TimeZone = [|"CET "|])] public partial class Vienna { public int Id { get; set; } }
        """,
        [
            new("ST4001", NotIana("MSK", "Moscow", Abbreviation), 0),
            new("ST4001", NotIana("AEST", "Sydney", Abbreviation), 1),
            new("ST4001", NotIana("EDT", "Boston", Abbreviation), 2),
            new("ST4001", NotIana("Japn", "Tokyo", LookItUp), 3),
            new("ST4001", NotIana("Z", "Zulu", "did you mean 'UTC'?"), 4),
            new("ST4001", NotIana("CET ", "Vienna", "did you mean 'CET'?"), 5),
        ]);

    [Theory]
    [InlineData("MSK")]
    [InlineData("AEST")]
    [InlineData("EDT")]
    public Task Fix_is_not_offered_for_an_abbreviation(string zone) => CodeFixAssert.VerifyNotOfferedAsync(
        new TimeZoneAnalyzer(),
        new UseMeantTimeZoneCodeFixProvider(),
        Store($"\"{zone}\""));

    [Fact]
    public Task An_empty_time_zone_is_reported_with_how_to_get_UTC() => DiagnosticAssert.VerifyAsync(
        new TimeZoneAnalyzer(),
        """
        [ServerTools.TimeWindowed(TimeZone = [|""|])]
        public partial class Store { public int Id { get; set; } }
        """,
        [new("ST4001", NotIana("", "Store", "write an IANA id such as 'Europe/Paris', or remove TimeZone for UTC"))]);

    [Fact]
    public Task Both_TimeZone_and_TimeZoneProperty_are_reported_at_the_attribute() => DiagnosticAssert.VerifyAsync(
        new TimeZoneAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [[|TimeWindowed(TimeZone = "Europe/Paris", TimeZoneProperty = nameof(TimeZoneId))|]]
        public partial class Store
        {
            public int Id { get; set; }
            public string TimeZoneId { get; set; } = "UTC";
        }

        [[|TimeWindowed(TimeZoneProperty = nameof(TimeZoneId), TimeZone = [|"Paris"|])|]]
        public partial class Depot
        {
            public int Id { get; set; }
            public string TimeZoneId { get; set; } = "UTC";
        }
        """,
        [
            new("ST4003", "[TimeWindowed] on 'Store' sets both TimeZone and TimeZoneProperty: keep TimeZone for one time zone for every row, "
                          + "or TimeZoneProperty for each row's own time zone", 0),
            new("ST4003", "[TimeWindowed] on 'Depot' sets both TimeZone and TimeZoneProperty: keep TimeZone for one time zone for every row, "
                          + "or TimeZoneProperty for each row's own time zone", 1),
            new("ST4001", NotIana("Paris", "Depot", "did you mean 'Europe/Paris'?"), 2),
        ]);

    [Theory]
    [InlineData("europe/paris", "Europe/Paris")]
    [InlineData("Europe/Pairs", "Europe/Paris")]
    [InlineData("New York", "America/New_York")]
    [InlineData("Z", "UTC")]
    [InlineData(" Europe/Paris ", "Europe/Paris")]
    public Task Fix_writes_the_id_the_time_zone_means(string zone, string id) => CodeFixAssert.VerifyAsync(
        new TimeZoneAnalyzer(),
        new UseMeantTimeZoneCodeFixProvider(),
        Store($"\"{zone}\""),
        Store($"\"{id}\""));

    [Fact]
    public Task A_TimeWindowed_class_that_is_not_partial_is_reported_by_ST0001() => DiagnosticAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [TimeWindowed(TimeZone = "Europe/Paris")]
        public class [|Store|]
        {
            public int Id { get; set; }
        }
        """,
        [new("ST0001", "'Store' must be declared partial: ServerTools generates code for [TimeWindowed] on 'Store'")]);

    [Fact]
    public void The_embedded_ids_are_sorted_for_the_lookup_and_include_zones_and_aliases()
    {
        Assert.Equal(TimeZoneIds.All.Distinct().Order(StringComparer.Ordinal), TimeZoneIds.All);
        Assert.All(["Europe/Paris", "UTC", "America/Argentina/Buenos_Aires", "US/Eastern", "Etc/GMT+12"], id => Assert.True(TimeZoneIds.Contains(id), id));
        Assert.All(["europe/paris", "", "Europe", "Romance Standard Time", "posixrules", "localtime", "zone.tab"], id => Assert.False(TimeZoneIds.Contains(id), id));
    }

    [Fact]
    public void Every_embedded_id_is_a_time_zone_that_dotnet_finds()
        => Assert.All(TimeZoneIds.All, id => Assert.Equal(id, TimeZoneInfo.FindSystemTimeZoneById(id).Id));

    [Theory]
    [InlineData("TimeZone = \"Europe/Paris\", TimeZoneProperty = nameof(TimeZoneId)", KeepOneTimeZoneCodeFixProvider.KeepTimeZone, "TimeZone = \"Europe/Paris\"")]
    [InlineData("TimeZone = \"Europe/Paris\", TimeZoneProperty = nameof(TimeZoneId)", KeepOneTimeZoneCodeFixProvider.KeepTimeZoneProperty, "TimeZoneProperty = nameof(TimeZoneId)")]
    [InlineData("TimeZoneProperty = \"TimeZoneId\", TimeZone = \"UTC\"", KeepOneTimeZoneCodeFixProvider.KeepTimeZone, "TimeZone = \"UTC\"")]
    [InlineData("TimeZoneProperty = \"TimeZoneId\", TimeZone = \"UTC\"", KeepOneTimeZoneCodeFixProvider.KeepTimeZoneProperty, "TimeZoneProperty = \"TimeZoneId\"")]
    public Task Fix_removes_the_time_zone_argument_the_developer_does_not_keep(string arguments, string equivalenceKey, string kept) => CodeFixAssert.VerifyAsync(
        new TimeZoneAnalyzer(),
        new KeepOneTimeZoneCodeFixProvider(),
        Branches(arguments),
        Branches(kept),
        equivalenceKey);

    [Fact]
    public Task Fix_all_keeps_the_same_argument_in_every_class() => CodeFixAssert.VerifyFixAllAsync(
        new TimeZoneAnalyzer(),
        new KeepOneTimeZoneCodeFixProvider(),
        Branches("TimeZone = \"Europe/Paris\", TimeZoneProperty = nameof(TimeZoneId)", "TimeZoneProperty = nameof(TimeZoneId), TimeZone = \"UTC\""),
        Branches("TimeZoneProperty = nameof(TimeZoneId)", "TimeZoneProperty = nameof(TimeZoneId)"),
        KeepOneTimeZoneCodeFixProvider.KeepTimeZoneProperty);

    private static string Branches(params string[] arguments) => "using ServerTools;\n\nnamespace Shop;\n" + string.Concat(arguments.Select(static (a, i) => $$"""

        [TimeWindowed({{a}})]
        public partial class Branch{{i}}
        {
            public int Id { get; set; }
            public string TimeZoneId { get; set; } = "UTC";
        }

        """));

    private static string Store(string zone) => $$"""
        using ServerTools;

        namespace Shop
        {
            [TimeWindowed(TimeZone = {{zone}})]
            public partial class Store
            {
                public int Id { get; set; }
            }
        }
        """;
}
