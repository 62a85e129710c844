using System;
using System.Threading.Tasks;
using ServerTools.Analyzers.CodeFixes.TimeWindows;
using ServerTools.Analyzers.TimeWindows;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.TimeWindows;

public sealed class TimeZonePropertyAnalyzerTests
{
    private const string FromColumn = "and PostgreSQL reads each row's time zone from its column";

    private static string CannotHold(string name, string type, string why) => $"TimeZoneProperty '{name}' cannot hold the time zone of each '{type}': {why}";

    private static string Meant(string type, string property)
        => $"'{type}' has no property of that name; did you mean '{property}'? Write nameof({property}) so that the compiler checks the name";

    [Fact]
    public Task Mapped_string_properties_of_the_class_or_a_base_class_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new TimeZonePropertyAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract class Located
        {
            public int Id { get; set; }
            public string Zone { get; set; } = "UTC";
            public virtual string? Region { get; set; }
        }

        [TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
        public partial class Store : Located
        {
            public string TimeZoneId { get; set; } = "UTC";
        }

        [TimeWindowed(TimeZoneProperty = "TimeZoneId")]
        public partial class Depot : Located
        {
            public string? TimeZoneId { get; private set; }
        }

        [TimeWindowed(TimeZoneProperty = nameof(Zone))]
        public partial class Outlet : Located
        {
        }

        [TimeWindowed(TimeZoneProperty = nameof(Region))]
        public partial class Kiosk : Located
        {
            public override string? Region { get; set; }
        }

        [TimeWindowed(TimeZoneProperty = null)]
        public partial class Stall : Located
        {
        }
        """,
        ["ST4002"]);

    [Fact]
    public Task Names_the_class_does_not_have_are_reported_at_the_name_with_the_property_they_mean() => DiagnosticAssert.VerifyAsync(
        new TimeZonePropertyAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class Settings
        {
            public string DefaultZone { get; set; } = "UTC";
        }

        public abstract class Located
        {
            public int Id { get; set; }
            public string TimeZoneId { get; set; } = "UTC";
        }

        [TimeWindowed(TimeZoneProperty = [|"TimeZoneID"|])] public partial class Store : Located { }
        [TimeWindowed(TimeZoneProperty = [|"TimeZonId"|])] public partial class Depot : Located { }
        [TimeWindowed(TimeZoneProperty = [|"Zone"|])] public partial class Outlet : Located { }
        [TimeWindowed(TimeZoneProperty = [|nameof(Settings.DefaultZone)|])] public partial class Kiosk : Located { }
        [TimeWindowed(TimeZoneProperty = [|""|])] public partial class Stall : Located { }
        """,
        [
            new("ST4002", CannotHold("TimeZoneID", "Store", Meant("Store", "TimeZoneId")), 0),
            new("ST4002", CannotHold("TimeZonId", "Depot", Meant("Depot", "TimeZoneId")), 1),
            new("ST4002", CannotHold("Zone", "Outlet", "'Outlet' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 2),
            new("ST4002", CannotHold("DefaultZone", "Kiosk", "'Kiosk' has no property of that name; name one of its own string properties"), 3),
            new("ST4002", CannotHold("", "Stall", "'Stall' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 4),
        ]);

    [Fact]
    public Task Members_that_are_not_mapped_string_properties_are_reported_with_why() => DiagnosticAssert.VerifyAsync(
        new TimeZonePropertyAnalyzer(),
        """
        using System;
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        public abstract class Located
        {
            public int Id { get; set; }
            [NotMapped] public string Zone { get; set; } = "UTC";
        }

        [TimeWindowed(TimeZoneProperty = [|nameof(Offset)|])]
        public partial class Store : Located
        {
            public int Offset { get; set; }
        }

        [TimeWindowed(TimeZoneProperty = [|nameof(Zone)|])]
        public partial class Depot : Located
        {
        }

        [TimeWindowed(TimeZoneProperty = [|nameof(TimeZoneId)|])]
        public partial class Outlet : Located
        {
            public string TimeZoneId => "Europe/Paris";
        }

        [TimeWindowed(TimeZoneProperty = [|nameof(Default)|])]
        public partial class Kiosk : Located
        {
            public static string Default { get; set; } = "UTC";
        }

        [TimeWindowed(TimeZoneProperty = [|nameof(timeZoneId)|])]
        public partial class Stall : Located
        {
            public string timeZoneId = "UTC";
        }

        [TimeWindowed(TimeZoneProperty = [|nameof(TimeZone)|])]
        public partial class Booth : Located
        {
            public string TimeZone() => "UTC";
        }

        [TimeWindowed(TimeZoneProperty = [|nameof(Clock)|])]
        public partial class Office : Located
        {
            public TimeZoneInfo? Clock { get; set; }
        }
        """,
        [
            new("ST4002", CannotHold("Offset", "Store", "it is 'int', and an IANA time-zone id is text; name a string property"), 0),
            new("ST4002", CannotHold("Zone", "Depot", $"it is [NotMapped], {FromColumn}; remove [NotMapped], or name a mapped string property"), 1),
            new("ST4002", CannotHold("TimeZoneId", "Outlet", $"EF Core does not map it (it is static or an indexer, or has no public getter or no setter), {FromColumn}; name a mapped string property"), 2),
            new("ST4002", CannotHold("Default", "Kiosk", $"EF Core does not map it (it is static or an indexer, or has no public getter or no setter), {FromColumn}; name a mapped string property"), 3),
            new("ST4002", CannotHold("timeZoneId", "Stall", "it is a field, not a property that EF Core maps to a column; name a string property"), 4),
            new("ST4002", CannotHold("TimeZone", "Booth", "it is a method, not a property that EF Core maps to a column; name a string property"), 5),
            new("ST4002", CannotHold("Clock", "Office", "it is 'TimeZoneInfo?', and an IANA time-zone id is text; name a string property"), 6),
        ]);

    [Theory]
    [InlineData("\"TimeZoneID\"")]
    [InlineData("\"TimeZonId\"")]
    [InlineData("nameof(Settings.TimeZone)")]
    public Task Fix_replaces_the_name_with_nameof_the_property_it_means(string name) => CodeFixAssert.VerifyAsync(
        new TimeZonePropertyAnalyzer(),
        new UseMeantTimeZoneCodeFixProvider(),
        Store(name),
        Store("nameof(TimeZoneId)"));

    private static string Store(string name) => $$"""
        using ServerTools;

        namespace Shop
        {
            public class Settings
            {
                public string TimeZone { get; set; } = "UTC";
            }

            [TimeWindowed(TimeZoneProperty = {{name}})]
            public partial class Store
            {
                public int Id { get; set; }
                public string TimeZoneId { get; set; } = "UTC";
            }
        }
        """;

    private static string ObsoleteZone(string name, string type, string why)
        => $"TimeZoneProperty '{name}' cannot be read by the code generated for '{type}': {why} (CS0619, which no pragma silences), so '{type}' gets "
           + $"no time-window code (no IsOpenAt, NextOpening, NextClosing, OpenIntervals, TimeWindows, SpecialDays or WhereOpenAt, and no mapped "
           + $"opening-hours columns); make that [Obsolete] a warning (without 'true'), mark '{type}' [Obsolete(..., true)] too, or name a string "
           + "property that is not obsolete as an error";

    /// <summary>Zone properties obsolete as an error, in classes that are obsolete as an error where $OBSOLETE$ says so.</summary>
    private const string ObsoleteZones = """
        using System;
        using ServerTools;

        namespace Shop;

        $OBSOLETE$ [TimeWindowed(TimeZoneProperty = [|"Zone"|])]
        public partial class Store
        {
            public int Id { get; set; }
            [Obsolete("Use Region.", true)] public string Zone { get; set; } = "UTC";
        }

        $OBSOLETE$ [TimeWindowed(TimeZoneProperty = [|"Zone"|])]
        public partial class Depot
        {
            public int Id { get; set; }
            public string Zone { [Obsolete("Use Region.", true)] get; set; } = "UTC";
        }
        """;

    [Fact]
    public async Task Zone_property_or_getter_obsolete_as_an_error_is_reported_where_the_generator_leaves_the_class_out()
    {
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new TimeZonePropertyAnalyzer(),
            ObsoleteZones.Replace("$OBSOLETE$", "", StringComparison.Ordinal),
            [
                new("ST4007", ObsoleteZone("Zone", "Store", "it is obsolete as an error"), 0),
                new("ST4007", ObsoleteZone("Zone", "Depot", "its getter is obsolete as an error"), 1),
            ]);

        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public async Task In_a_class_obsolete_as_an_error_the_generator_reads_the_zone_and_nothing_is_reported()
    {
        var source = MarkedSource.Parse(ObsoleteZones.Replace("$OBSOLETE$", "[Obsolete(\"Old stores.\", true)]", StringComparison.Ordinal)).Text;
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(new TimeZonePropertyAnalyzer(), source, []);

        Assert.Equal(2, run.GeneratedSources.Count);
        Assert.All(run.GeneratedSources, static generated => Assert.Contains("WhereOpenAt", generated.Text, StringComparison.Ordinal));
    }

    [Fact]
    public Task Zone_property_obsolete_as_a_warning_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new TimeZonePropertyAnalyzer(),
        """
        using System;
        using ServerTools;

        namespace Shop;

        [TimeWindowed(TimeZoneProperty = nameof(Zone))]
        public partial class Store
        {
            public int Id { get; set; }
            [Obsolete("Use Region.")] public string Zone { get; set; } = "UTC";
        }

        [Obsolete("Old depots.", true)]
        [TimeWindowed(TimeZoneProperty = nameof(Zone))]
        public partial class Depot
        {
            public int Id { get; set; }
            [Obsolete("Use Region.", true)] public string Zone { get; set; } = "UTC";
        }
        """,
        ["ST4007"]);

    [Fact]
    public async Task Zone_declared_in_a_base_class_obsolete_as_an_error_is_read_and_only_a_zone_obsolete_itself_is_reported()
    {
        // 'store.Zone' draws no CS0619 when only 'Place', which declares it, is obsolete as an error; 'depot.Zone' does.
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new TimeZonePropertyAnalyzer(),
            """
            using System;
            using ServerTools;

            namespace Shop;

            [Obsolete("Use Site.", true)]
            public class Place
            {
                public int Id { get; set; }
                public string Zone { get; set; } = "UTC";
            }

            public class Site
            {
                public int Id { get; set; }
                [Obsolete("Use Region.", true)] public string Zone { get; set; } = "UTC";
            }

            [Obsolete("Old stores.")]
            [TimeWindowed(TimeZoneProperty = "Zone")]
            public partial class Store : Place
            {
            }

            [TimeWindowed(TimeZoneProperty = [|"Zone"|])]
            public partial class Depot : Site
            {
            }
            """,
            [new("ST4007", ObsoleteZone("Zone", "Depot", "it is obsolete as an error"))]);

        Assert.Contains("entity.Zone", Assert.Single(run.GeneratedSources).Text, StringComparison.Ordinal);
    }

    [Fact]
    public Task Fix_is_not_offered_for_a_constant() => CodeFixAssert.VerifyNotOfferedAsync(
        new TimeZonePropertyAnalyzer(),
        new UseMeantTimeZoneCodeFixProvider(),
        Store("Columns.Zone").Replace(
            "    public class Settings", "    public static class Columns { public const string Zone = \"TimeZoneID\"; }\n\n    public class Settings", System.StringComparison.Ordinal));
}
