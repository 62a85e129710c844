using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Tracking;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Tracking;

public sealed class TrackedMemberCollisionAnalyzerTests
{
    private const string TrackedFields = "the nested class 'TrackedFields' (its typed tracked fields)";

    private static string Message(string type, string what, string generated, string remedy)
        => $"'{type}' {what}, and tracking generates {generated} of that name: {remedy}";

    private static string Hook(string property, string type) => $"the change hook 'partial void On{property}Changed({type} oldValue, {type} newValue)'";

    [Fact]
    public Task Members_named_like_generated_ones_are_reported_at_the_member() => DiagnosticAssert.VerifyAsync(
        new TrackedMemberCollisionAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public enum OrderState { Draft, Confirmed }

        [Tracked]
        public partial class Order
        {
            public int Id { get; set; }
            public OrderState State { get; set; }
            public string? Note { get; set; }

            private void [|OnStateChanged|](OrderState oldValue, OrderState newValue) { }
            public void OnStateChanged(string reason) { }
            public int [|OnNoteChanged|] => 0;
            public static void [|RegisterServerToolsTrackedDescriptor|]() { }
        }

        public partial class Invoice
        {
            public int Id { get; set; }
            [Tracked] public decimal Total { get; set; }
            public string [|TrackedFields|] { get; set; } = "";
        }

        public class Party
        {
            public int Id { get; set; }
            public int TrackedFields { get; set; }
        }

        [Tracked]
        public partial class [|Partner|] : Party
        {
            public string Name { get; set; } = "";
        }
        """,
        [
            new("ST2005", Message("Order", "already declares 'OnStateChanged(OrderState, OrderState)', which is not partial", Hook("State", "OrderState"),
                "make it the hook by declaring it 'partial void OnStateChanged(OrderState oldValue, OrderState newValue)' (no access modifier), or rename it"), 0),
            new("ST2005", Message("Order", "already declares 'OnNoteChanged'", Hook("Note", "string?"), "rename it"), 1),
            new("ST2005", Message("Order", "already declares 'RegisterServerToolsTrackedDescriptor()'", "its registration method", "rename it"), 2),
            new("ST2005", Message("Invoice", "already declares 'TrackedFields'", TrackedFields, "rename it"), 3),
            new("ST2005", Message("Partner", "inherits 'TrackedFields' from 'Party'", TrackedFields, "rename it in 'Party'"), 4),
        ]);

    [Fact]
    public Task Tracked_class_named_like_the_generated_class_is_reported_at_its_name() => DiagnosticAssert.VerifyAsync(
        new TrackedMemberCollisionAnalyzer(),
        """
        [ServerTools.Tracked]
        public partial class [|TrackedFields|]
        {
            public int Id { get; set; }
        }
        """,
        [new("ST2005", Message("TrackedFields", "is named 'TrackedFields'", "a nested class", "rename the class"))]);

    [Fact]
    public Task Hooks_overloads_and_classes_that_get_no_code_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new TrackedMemberCollisionAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public enum OrderState { Draft, Confirmed }

        [Tracked]
        public partial class Order
        {
            public int Id { get; set; }
            public OrderState State { get; set; }
            [AuditIgnore] public string? Secret { get; set; }

            public void OnStateChanged(string reason) { }
            public void OnStateChanged<T>(OrderState oldValue, OrderState newValue) { }
            public void OnSecretChanged(string? oldValue, string? newValue) { }
            public static void RegisterServerToolsTrackedDescriptor(int version) { }
        }

        public class Draft
        {
            public int Id { get; set; }
            public string TrackedFields { get; set; } = "";
            public void OnIdChanged(int oldValue, int newValue) { }
        }

        public partial class Catalog
        {
            [Tracked]
            private partial class Offer
            {
                public int Id { get; set; }
                public string TrackedFields { get; set; } = "";
            }
        }
        """,
        ["ST2005"]);

    [Theory]
    [InlineData("public void OnStateChanged(int oldValue, int newValue) { }", true)]
    [InlineData("void OnStateChanged(int oldValue, int newValue) => Log += oldValue;", true)]
    [InlineData("public static void OnStateChanged(int oldValue, int newValue) { }", true)]
    [InlineData("public string TrackedFields { get; set; } = \"\";", false)]
    [InlineData("public static class TrackedFields { }", false)]
    [InlineData("public int OnStateChanged { get; set; }", true)]
    [InlineData("partial void OnStateChanged(int oldValue, int newValue);", true)]
    [InlineData("partial void OnStateChanged(int oldValue, int newValue);\n    partial void OnStateChanged(int oldValue, int newValue) => Log += newValue;", true)]
    [InlineData("internal static void RegisterServerToolsTrackedDescriptor() { }", false)]
    [InlineData("public string TrackedFields { get; set; } = \"\";\n    partial void OnStateChanged(int oldValue, int newValue) { }", false)]
    [InlineData("public static class TrackedFields { }\n    partial void OnStateChanged(int oldValue, int newValue) { }\n    partial void OnLogChanged(int oldValue, int newValue) { }", false)]
    public async Task Generated_code_leaves_out_what_collides_so_the_build_reports_ST2005_alone(string member, bool generated)
    {
        var source = $$"""
            [ServerTools.Tracked]
            public partial class Order
            {
                public int Id { get; set; }
                public int State { get; set; }
                public int Log { get; set; }
                {{member}}
            }
            """;

        // What a command-line build does: the generators run, then the compiler, and the analyzers only when it found no error.
        var run = GeneratorHarness.Run(source);
        var compiler = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).Select(GeneratedCodeAssert.Format).ToList();
        Assert.True(compiler.Count == 0, "The compiler reports:\n  " + string.Join("\n  ", compiler));
        Assert.Equal(generated, run.GeneratedSources.Any(static s => s.Text.Contains("class TrackedFields", System.StringComparison.Ordinal)));
        var reported = await run.OutputCompilation.WithAnalyzers([new TrackedMemberCollisionAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(reported, static d => d.Id == "ST2005").Severity);
    }

    [Theory]
    [InlineData("public static class TrackedFields { }")]
    [InlineData("internal static void RegisterServerToolsTrackedDescriptor() { }")]
    public async Task A_derived_tracked_class_hides_what_its_base_class_declares_in_place_of_the_generated_members(string member)
    {
        var source = $$"""
            [ServerTools.Tracked]
            public partial class Vehicle
            {
                public int Id { get; set; }
                {{member}}
            }

            [ServerTools.Tracked]
            public partial class Truck : Vehicle
            {
                public int Axles { get; set; }
            }
            """;

        var run = GeneratorHarness.Run(source);
        var compiler = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).Select(GeneratedCodeAssert.Format).ToList();
        Assert.True(compiler.Count == 0, "The compiler reports:\n  " + string.Join("\n  ", compiler));
        Assert.Equal(["Truck.Tracked.g.cs"], run.GeneratedSources.Where(static s => s.HintName.EndsWith(".Tracked.g.cs", System.StringComparison.Ordinal)).Select(static s => s.HintName));
        var reported = await run.OutputCompilation.WithAnalyzers([new TrackedMemberCollisionAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Contains(reported, static d => d.Id == "ST2005" && d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Without_a_collision_the_ordinary_hook_check_finds_nothing_to_leave_out()
    {
        var run = GeneratorHarness.Run("""
            [ServerTools.Tracked]
            public partial class Order
            {
                public int Id { get; set; }
                public int State { get; set; }
                partial void OnStateChanged(int oldValue, int newValue) { }
                public void OnStateChanged(string reason) { }
            }
            """);

        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Contains("partial void OnStateChanged(int oldValue, int newValue);", run.GeneratedSources.Single(static s => s.HintName.EndsWith(".Tracked.g.cs", System.StringComparison.Ordinal)).Text, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hook_declared_by_hand_is_left_to_the_user_and_still_called()
    {
        var run = GeneratorHarness.Run("""
            [ServerTools.Tracked]
            public partial class Order
            {
                public int Id { get; set; }
                public int State { get; set; }
                public int Log { get; set; }
                partial void OnStateChanged(int oldValue, int newValue);
                partial void OnStateChanged(int oldValue, int newValue) => Log += newValue;
            }
            """);

        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = run.GeneratedSources.Single(static s => s.HintName.EndsWith(".Tracked.g.cs", System.StringComparison.Ordinal)).Text;
        Assert.DoesNotContain("partial void OnStateChanged(", generated, System.StringComparison.Ordinal);
        Assert.Contains("entity.OnStateChanged(oldValue, newValue)", generated, System.StringComparison.Ordinal);
        var reported = await run.OutputCompilation.WithAnalyzers([new TrackedMemberCollisionAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(
            Message("Order", "declares the partial method 'OnStateChanged(int, int)' itself", Hook("State", "int"),
                "remove your declaration without a body (tracking declares the hook), and keep the one with the body"),
            Assert.Single(reported).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(6, Assert.Single(reported).Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public async Task A_class_left_out_as_a_whole_keeps_the_declarations_of_its_hooks_only()
    {
        var run = GeneratorHarness.Run("""
            [ServerTools.Tracked]
            public partial class Order
            {
                public int Id { get; set; }
                public int State { get; set; }
                public string TrackedFields { get; set; } = "";
                partial void OnStateChanged(int oldValue, int newValue) { }
            }
            """);

        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = run.GeneratedSources.Single(static s => s.HintName.EndsWith(".Tracked.g.cs", System.StringComparison.Ordinal)).Text;
        Assert.Contains("partial void OnStateChanged(int oldValue, int newValue);", generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain("OnIdChanged", generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain(TrackedMembersRegistration, generated, System.StringComparison.Ordinal);
        var reported = await run.OutputCompilation.WithAnalyzers([new TrackedMemberCollisionAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(
            Message("Order", "already declares 'TrackedFields'", TrackedFields, "rename it"),
            Assert.Single(reported).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_method_named_like_the_hook_of_a_property_tracking_leaves_out_as_obsolete_is_not_reported()
    {
        // 'Status' is left out (its type is obsolete as an error, ST2006): no hook is declared for it, so the ordinary method
        // collides with nothing, and making it partial, as ST2005 would say, would give CS0759.
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new TrackedMemberCollisionAnalyzer(),
            """
            using System;
            using ServerTools;

            namespace Shop;

            [Obsolete("Use Stage.", true)] public enum Status { Draft, Sent }

            [Tracked]
            public partial class Order
            {
                public int Id { get; set; }
                [Obsolete("Use Stage.")] public Status Status { get; set; }
                [Obsolete("Old.")] private void OnStatusChanged(Status oldValue, Status newValue) { }
            }
            """,
            []);

        Assert.DoesNotContain("OnStatusChanged", run.Source("Shop.Order.Tracked.g.cs"), System.StringComparison.Ordinal);
    }

    private const string TrackedMembersRegistration = "RegisterServerToolsTrackedDescriptor";

    [Theory]
    [InlineData("partial void OnStateChanged(int oldValue, int newValue) { }", "none")]
    [InlineData("public void OnStateChanged(string reason) { }", "none")]
    [InlineData("public void OnStateChanged<T>(int oldValue, int newValue) { }", "none")]
    [InlineData("public void OnStateChanged(ref int oldValue, ref int newValue) { }", "none")]
    [InlineData("public static void RegisterServerToolsTrackedDescriptor(int version) { }", "none")]
    [InlineData("private void OnStateChanged(int oldValue, int newValue) { }", "hook")]
    [InlineData("public static int OnStateChanged(int oldValue, int newValue) => 0;", "hook")]
    [InlineData("partial void OnStateChanged(int oldValue, int newValue);", "hook")]
    [InlineData("public string OnStateChanged = \"\";", "hook")]
    [InlineData("public class OnStateChanged { }", "hook")]
    [InlineData("public int TrackedFields() => 0;", "whole")]
    [InlineData("public string TrackedFields { get; set; } = \"\";\n    partial void OnStateChanged(int oldValue, int newValue) { }", "whole")]
    [InlineData("private static void RegisterServerToolsTrackedDescriptor() { }", "whole")]
    [InlineData("public int RegisterServerToolsTrackedDescriptor { get; set; }", "whole")]
    public async Task The_generator_leaves_out_exactly_what_ST2005_reports(string member, string expected)
    {
        var source = $$"""
            [ServerTools.Tracked]
            public partial class Order
            {
                public int Id { get; set; }
                public int State { get; set; }
                {{member}}
            }
            """;

        var run = GeneratorHarness.Run(source);
        var text = string.Concat(run.GeneratedSources.Where(static s => s.HintName.EndsWith(".Tracked.g.cs", System.StringComparison.Ordinal)).Select(static s => s.Text));
        var decision = !text.Contains("class TrackedFields", System.StringComparison.Ordinal) ? "whole"
            : !text.Contains("partial void OnStateChanged(int oldValue, int newValue);", System.StringComparison.Ordinal) ? "hook"
            : "none";
        var reported = (await run.OutputCompilation.WithAnalyzers([new TrackedMemberCollisionAnalyzer()]).GetAnalyzerDiagnosticsAsync())
            .Where(static d => d.Id == "ST2005")
            .Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        var report = reported.Count == 0 ? "none" : reported.All(static m => m.Contains("the change hook", System.StringComparison.Ordinal)) ? "hook" : "whole";

        Assert.Equal((expected, expected), (decision, report));
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true));
    }
}
