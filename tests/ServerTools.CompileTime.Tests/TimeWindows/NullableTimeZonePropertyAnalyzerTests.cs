using System.Threading.Tasks;
using ServerTools.Analyzers.TimeWindows;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.TimeWindows;

public sealed class NullableTimeZonePropertyAnalyzerTests
{
    private static string Message(string property, string type)
        => $"TimeZoneProperty '{property}' of '{type}' is nullable, but a null time zone does not mean UTC: SaveChanges refuses the "
           + $"row, and the generated members (IsOpenAt, NextOpening, OpenIntervals, ...) throw TimeZoneNotFoundException; declare '{property}' as string with a "
           + "default such as \"UTC\" (or required), so that its column is NOT NULL";

    [Fact]
    public Task A_nullable_string_time_zone_property_is_reported_at_the_name() => DiagnosticAssert.VerifyAsync(
        new NullableTimeZonePropertyAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract class Located
        {
            public int Id { get; set; }
            public string? Zone { get; set; }
        }

        [TimeWindowed(TimeZoneProperty = [|nameof(TimeZoneId)|])]
        public partial class Store
        {
            public int Id { get; set; }
            public string? TimeZoneId { get; set; }
        }

        [TimeWindowed(TimeZoneProperty = [|"Zone"|])]
        public partial class Outlet : Located
        {
        }
        """,
        [
            new("ST4006", Message("TimeZoneId", "Store"), 0),
            new("ST4006", Message("Zone", "Outlet"), 1),
        ]);

    [Fact]
    public Task Non_nullable_required_or_oblivious_properties_and_those_ST4002_reports_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new NullableTimeZonePropertyAnalyzer(),
        """
        using System.ComponentModel.DataAnnotations;
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        [TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
        public partial class Store
        {
            public int Id { get; set; }
            public string TimeZoneId { get; set; } = "UTC";
        }

        [TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
        public partial class Depot
        {
            public int Id { get; set; }
            [Required] public string? TimeZoneId { get; set; }
        }

        [TimeWindowed(TimeZoneProperty = nameof(Zone))]
        public partial class Kiosk
        {
            public int Id { get; set; }
            [NotMapped] public string? Zone { get; set; }
        }

        [TimeWindowed(TimeZone = "Europe/Paris")]
        public partial class Stall
        {
            public int Id { get; set; }
            public string? Zone { get; set; }
        }

        #nullable disable
        [TimeWindowed(TimeZoneProperty = nameof(Zone))]
        public partial class Booth
        {
            public int Id { get; set; }
            public string Zone { get; set; }
        }
        """,
        ["ST4006"]);
}
