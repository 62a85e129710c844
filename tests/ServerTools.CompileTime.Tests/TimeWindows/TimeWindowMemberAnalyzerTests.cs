using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.CodeFixes.TimeWindows;
using ServerTools.Analyzers.TimeWindows;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.TimeWindows;

public sealed class TimeWindowMemberAnalyzerTests
{
    private static string Declares(string type, string member)
        => $"'{type}' already declares '{member}', and [TimeWindowed] generates a member of that name: rename it, or remove [TimeWindowed]";

    private static string Inherits(string type, string member, string owner)
        => $"'{type}' already inherits '{member}' from '{owner}', and [TimeWindowed] generates a member of that name: rename it in '{owner}', or remove [TimeWindowed]";

    [Fact]
    public Task Members_the_class_declares_with_a_generated_name_are_reported_at_the_member() => DiagnosticAssert.VerifyAsync(
        new TimeWindowMemberAnalyzer(),
        """
        using System;
        using System.Collections.Generic;
        using ServerTools;

        namespace Shop;

        [TimeWindowed]
        public partial class Store
        {
            public int Id { get; set; }
            public List<TimeWindow> [|TimeWindows|] { get; set; } = [];
        }

        [TimeWindowed]
        public partial class Depot
        {
            public int Id { get; set; }
            public bool [|IsOpenAt|](DateTimeOffset instant) => true;
            private string [|SpecialDays|] = "";
            public string Describe() => SpecialDays;
        }

        [TimeWindowed]
        public partial class Outlet
        {
            public int Id { get; set; }
            public object? [|OpenIntervals|](DateTimeOffset from, DateTimeOffset to) => null;
        }
        """,
        [
            new("ST4004", Declares("Store", "TimeWindows"), 0),
            new("ST4004", Declares("Depot", "IsOpenAt(DateTimeOffset)"), 1),
            new("ST4004", Declares("Depot", "SpecialDays"), 2),
            new("ST4004", Declares("Outlet", "OpenIntervals(DateTimeOffset, DateTimeOffset)"), 3),
        ]);

    [Theory]
    [InlineData("public bool IsOpenAt(DateTimeOffset instant) => true;", "", true)]
    [InlineData("public object? OpenIntervals(DateTimeOffset from, DateTimeOffset to) => null;", "", true)]
    [InlineData("", "public bool IsOpenAt(DateTimeOffset instant) => false;", true)]
    [InlineData("public List<TimeWindow> TimeWindows { get; set; } = [];", "", false)]
    [InlineData("public int GetTimeWindowSchedule() => 0;", "", false)]
    public async Task Generated_code_leaves_out_what_collides_so_the_build_reports_ST4004_alone(string member, string baseMember, bool generated)
    {
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using ServerTools;

            namespace Shop;

            public class Place
            {
                {{baseMember}}
            }

            [TimeWindowed]
            public partial class Store : Place
            {
                public int Id { get; set; }
                {{member}}
            }

            public static class Calls
            {
                public static bool Open(Store store) => store.IsOpenAt(DateTimeOffset.UtcNow);

                public static System.Linq.IQueryable<Store> Open(System.Linq.IQueryable<Store> stores) => stores.WhereOpenAt(DateTimeOffset.UtcNow);
            }
            """;

        // What a command-line build does: the generators run, then the compiler, and the analyzers only when it found no error.
        var run = GeneratorHarness.Run(source);
        var compiler = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (generated)
        {
            Assert.True(compiler.Count == 0, "The compiler reports:\n  " + string.Join("\n  ", compiler.Select(GeneratedCodeAssert.Format)));
        }
        else
        {
            // The trade-off of leaving the class out: the user's calls to generated members fail (CS1061), and a
            // command-line build stops there, before ST4004 (which the IDE shows); ST4004.md says so.
            Assert.All(compiler, static error => Assert.Equal(("CS1061", "Source0.cs"), (error.Id, System.IO.Path.GetFileName(error.Location.SourceTree?.FilePath))));
            Assert.Equal(
                ["IsOpenAt", "WhereOpenAt"],
                compiler.Select(static error => System.Text.RegularExpressions.Regex.Match(error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), "definition for '(\\w+)'").Groups[1].Value));
        }

        Assert.Equal(generated, run.GeneratedSources.Any(static s => s.HintName.EndsWith(".TimeWindows.g.cs", StringComparison.Ordinal)));
        var reported = await run.OutputCompilation.WithAnalyzers([new TimeWindowMemberAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(reported, static d => d.Id == "ST4004").Severity);
    }

    [Fact]
    public Task A_visible_member_of_a_base_class_that_a_generated_member_would_hide_is_reported_at_the_attribute() => DiagnosticAssert.VerifyAsync(
        new TimeWindowMemberAnalyzer(),
        """
        using System;
        using ServerTools;

        namespace Shop;

        public abstract class Located
        {
            public int Id { get; set; }
            public virtual DateTimeOffset? NextOpening(DateTimeOffset instant) => null;
        }

        public abstract class Listed
        {
            public int Id { get; set; }
            protected string TimeWindows => "";
        }

        [[|TimeWindowed|]]
        public partial class Store : Located { }

        [[|TimeWindowed|]]
        public partial class Depot : Listed { }
        """,
        [
            new("ST4004", Inherits("Store", "NextOpening(DateTimeOffset)", "Located"), 0),
            new("ST4004", Inherits("Depot", "TimeWindows", "Listed"), 1),
        ]);

    [Fact]
    public Task Overloads_private_base_members_and_other_names_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new TimeWindowMemberAnalyzer(),
        """
        using System;
        using ServerTools;

        namespace Shop;

        public abstract class Located
        {
            public int Id { get; set; }
            private bool IsOpenAt(DateTimeOffset instant) => Id > 0;
            public bool Check(DateTimeOffset instant) => IsOpenAt(instant);
        }

        [TimeWindowed]
        public partial class Store : Located
        {
            public bool IsOpenAt(DateTime local) => true;
            public bool IsOpenAt(DateTimeOffset from, DateTimeOffset to) => true;
            public DateTimeOffset? NextOpening<T>(DateTimeOffset instant) => null;
            public string TimeWindowNote { get; set; } = "";
        }
        """,
        ["ST4004", "ST4005"]);

    [Fact]
    public Task A_class_derived_from_a_time_windowed_class_is_reported_at_its_attribute() => DiagnosticAssert.VerifyAsync(
        new TimeWindowMemberAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [TimeWindowed(TimeZone = "Europe/Paris")]
        public partial class Store { public int Id { get; set; } }

        public partial class Franchise : Store { }

        [[|TimeWindowed(TimeZone = "Europe/Lisbon")|]]
        public partial class Kiosk : Franchise { }
        """,
        [new("ST4005", "'Kiosk' inherits its opening hours from [TimeWindowed] class 'Store': remove [TimeWindowed] from 'Kiosk'")]);

    [Fact]
    public Task Fix_removes_TimeWindowed_from_the_derived_class() => CodeFixAssert.VerifyAsync(
        new TimeWindowMemberAnalyzer(),
        new RemoveRepeatedTimeWindowedCodeFixProvider(),
        """
        using ServerTools;

        namespace Shop;

        [TimeWindowed]
        public partial class Store { public int Id { get; set; } }

        /// <summary>A kiosk.</summary>
        [TimeWindowed(TimeZone = "Europe/Lisbon")]
        public partial class Kiosk : Store { }
        """,
        """
        using ServerTools;

        namespace Shop;

        [TimeWindowed]
        public partial class Store { public int Id { get; set; } }

        /// <summary>A kiosk.</summary>
        public partial class Kiosk : Store { }
        """);
}
