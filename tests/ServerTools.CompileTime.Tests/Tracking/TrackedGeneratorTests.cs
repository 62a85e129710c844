using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.Generators.Common;
using ServerTools.Generators.Tracking;
using ServerTools.Tracking;

namespace ServerTools.CompileTime.Tests.Tracking;

public sealed class TrackedGeneratorTests
{
    private const string SaleOrder = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        public enum OrderState { Draft, Confirmed, Shipped }

        public abstract class Entity
        {
            public int Id { get; set; }
            public DateTimeOffset CreatedAt { get; set; }
        }

        public class Customer { public int Id { get; set; } }

        [Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update)]
        public partial class SaleOrder : Entity
        {
            public OrderState State { get; set; }
            public OrderState? PreviousState { get; set; }
            public decimal Total { get; set; }
            public decimal? Discount { get; set; }
            public string Reference { get; set; } = "";
            public string? Note { get; set; }
            public DateTimeOffset? ShippedAt { get; set; }
            public byte[]? Signature { get; set; }
            public string @class { get; set; } = "";
            [NotMapped] public string Display => Reference;
            public Customer? Customer { get; set; }
            public List<Customer> Lines { get; } = new();
            private string Secret { get; set; } = "";
            public static int Count { get; set; }

            public string Describe() => Reference + " " + Secret;
        }
        """;

    private const string Invoice = """
        using ServerTools;

        namespace Shop;

        public class Customer { public int Id { get; set; } }

        public partial class Invoice
        {
            public int Id { get; set; }
            [Tracked] public decimal Amount { get; set; }
            public string Number { get; set; } = "";
            [Tracked] public string? Comment { get; set; }
            [Tracked] public Customer? Customer { get; set; }
        }
        """;

    private const string Ticket = """
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        public enum TicketState { Open, Closed }

        [Tracked]
        public partial class Ticket
        {
            public int Id { get; set; }
            public TicketState State { get; set; }
            public string? Assignee { get; set; }
            [NotMapped] public List<string> Log { get; } = new();
        }
        """;

    private const string TicketHook = """
        namespace Shop;

        public partial class Ticket
        {
            partial void OnStateChanged(TicketState oldValue, TicketState newValue) => Log.Add(oldValue + "->" + newValue);
        }
        """;

    /// <summary>A tracked class with a property of every supported type, nullable and not.</summary>
    private const string EveryType = """
        using System;
        using ServerTools;

        namespace Shop;

        public enum Color { Red, Green, Blue }
        [Flags] public enum Access { None = 0, Read = 1, Write = 2 }

        [Tracked]
        public partial class Sample
        {
            public string Text { get; set; } = "";
            public string? MaybeText { get; set; }
            public bool Flag { get; set; }
            public bool? MaybeFlag { get; set; }
            public char Letter { get; set; }
            public char? MaybeLetter { get; set; }
            public sbyte SignedByte { get; set; }
            public byte Byte { get; set; }
            public short Short { get; set; }
            public ushort UShort { get; set; }
            public int Int { get; set; }
            public int? MaybeInt { get; set; }
            public uint UInt { get; set; }
            public long Long { get; set; }
            public ulong ULong { get; set; }
            public float Float { get; set; }
            public double Double { get; set; }
            public decimal Decimal { get; set; }
            public decimal? MaybeDecimal { get; set; }
            public DateTime Time { get; set; }
            public DateTime? MaybeTime { get; set; }
            public DateTimeOffset Offset { get; set; }
            public DateTimeOffset? MaybeOffset { get; set; }
            public DateOnly Day { get; set; }
            public DateOnly? MaybeDay { get; set; }
            public TimeOnly Clock { get; set; }
            public TimeOnly? MaybeClock { get; set; }
            public TimeSpan Span { get; set; }
            public TimeSpan? MaybeSpan { get; set; }
            public Guid Key { get; set; }
            public Guid? MaybeKey { get; set; }
            public Color Color { get; set; }
            public Color? MaybeColor { get; set; }
            public Access Access { get; set; }
            public byte[] Bytes { get; set; } = [];
            public byte[]? MaybeBytes { get; set; }
        }
        """;

    private const string MarkedOrder = """
        using ServerTools;
        namespace Shop;
        $STATUS$ public enum Status { Draft, Sent }
        $ARG$ public class Grade { }
        public class Scale<T> { public enum Step { Low, High } }
        $OUTER$ public partial class Sales
        {
            $ENTITY$ [Tracked]
            public partial class Order
            {
                public int Id { get; set; }
                $PROPERTY$ public Status Status { get; set; }
                public Scale<Grade>.Step Step { get; set; }
                $HOOK$ partial void OnStatusChanged(Status oldValue, Status newValue) { }
            }
        }
        """;

    public static TheoryData<string, string> MarkedOrderCases => ObsoleteMarks.Cases("STATUS", "OUTER", "ENTITY", "PROPERTY", "HOOK", "ARG");

    [Theory]
    [MemberData(nameof(MarkedOrderCases))]
    public void Obsolete_or_experimental_class_property_type_or_hook_adds_no_diagnostic_to_the_tracked_fields(string place, string mark)
        => Assert.Contains(
            "entity.OnStatusChanged(oldValue, newValue)",
            GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedOrder, place, mark)).GeneratedTreesCompileWithoutDiagnostics().Source("Shop.Sales.Order.Tracked.g.cs"),
            StringComparison.Ordinal);

    [Theory]
    [InlineData("STATUS")]
    [InlineData("OUTER")]
    [InlineData("ENTITY")]
    [InlineData("PROPERTY")]
    [InlineData("HOOK")]
    [InlineData("ARG")]
    public void Class_property_type_or_hook_obsolete_as_an_error_adds_no_error_to_the_tracked_fields(string place)
        => GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedOrder, place, ObsoleteMarks.Error)).GeneratedTreesCompileWithoutDiagnostics();

    [Fact]
    public void Tracked_class_gets_hooks_typed_fields_and_a_descriptor_of_its_scalar_properties_base_first()
        => GeneratorHarness.Run(SaleOrder).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Tracked_properties_alone_track_those_properties_with_the_default_operations()
        => GeneratorHarness.Run(Invoice).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Hook_implemented_by_the_user_is_called_by_its_field()
        => GeneratorHarness.Run(Ticket, TicketHook).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Every_supported_type_gets_a_shared_text_format_and_compiles_without_warnings()
        => GeneratorHarness.Run(EveryType).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Strongly_typed_ids_converted_values_and_primitive_collections_are_tracked_with_the_models_format()
        => GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Numerics;
            using ServerTools;

            namespace Shop;

            public readonly record struct CustomerId(Guid Value);
            public readonly record struct OrderId(int Value);

            [Tracked(Operations = TrackedOperations.All)]
            public partial class Order
            {
                public OrderId Id { get; set; }
                public CustomerId CustomerId { get; set; }
                public CustomerId? ReferrerId { get; set; }
                public BigInteger Weight { get; set; }
                public List<string> Tags { get; set; } = [];
                public List<string?>? Aliases { get; set; }
                public int[] Scores { get; set; } = [];
                public IReadOnlyList<CustomerId> Watchers { get; set; } = [];
                public System.Collections.ObjectModel.ObservableCollection<int?> Lots { get; set; } = [];
                [AuditMask] public CustomerId? Auditor { get; set; }
                [AuditMask] public List<string> Codes { get; set; } = [];
                [AuditIgnore] public int[] Internal { get; set; } = [];
                public NpgsqlTypes.NpgsqlRange<int> Period { get; set; }

                partial void OnCustomerIdChanged(CustomerId oldValue, CustomerId newValue) { }
                partial void OnTagsChanged(List<string> oldValue, List<string> newValue) { }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void A_masked_property_is_written_as_stars_and_an_ignored_one_is_tracked_only_by_name()
    {
        var run = GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            [Tracked]
            public partial class Account
            {
                public int Id { get; set; }
                [AuditMask] public string? Pin { get; set; }
                [AuditMask] public int? Code { get; set; }
                [AuditIgnore] public string? Hash { get; set; }
                [AuditIgnore, Tracked] public System.DateTime LastSeen { get; set; }
            }
            """).CompilesWithoutDiagnostics();
        var source = run.Source("Shop.Account.Tracked.g.cs");

        Assert.Contains("Pin { get; } = new(\"Pin\", global::ServerTools.Tracking.TrackedValueFormats.Masked(global::ServerTools.Tracking.TrackedValueFormats.NullableString));", source, System.StringComparison.Ordinal);
        Assert.Contains("Code { get; } = new(\"Code\", global::ServerTools.Tracking.TrackedValueFormats.Masked(global::ServerTools.Tracking.TrackedValueFormats.Nullable(global::ServerTools.Tracking.TrackedValueFormats.Int32)));", source, System.StringComparison.Ordinal);
        Assert.Contains("LastSeen { get; } = new(\"LastSeen\", global::ServerTools.Tracking.TrackedValueFormats.DateTime);", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Hash", source, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Tracked_on_an_override_tracks_it_with_the_masks_of_the_declarations_it_overrides()
    {
        var run = GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            public abstract class Party
            {
                public int Id { get; set; }
                [AuditMask] public virtual string? Pin { get; set; }
                public virtual string? Name { get; set; }
            }
            public partial class Account : Party
            {
                [Tracked] public override string? Pin { get; set; }
                public override string? Name { get; set; }
            }
            """).CompilesWithoutDiagnostics();
        var source = run.Source("Shop.Account.Tracked.g.cs");

        Assert.Contains("Pin { get; } = new(\"Pin\", global::ServerTools.Tracking.TrackedValueFormats.Masked(global::ServerTools.Tracking.TrackedValueFormats.NullableString));", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("\"Name\"", source, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Derived_tracked_classes_list_inherited_fields_first_and_hide_the_base_members()
        => GeneratorHarness.Run("""
            using System;
            using ServerTools;

            namespace Shop;

            [Tracked]
            public partial class Party
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            [Tracked(Operations = TrackedOperations.All)]
            public partial class Company : Party
            {
                public string? VatNumber { get; set; }
            }

            public abstract partial class Document
            {
                public int Id { get; set; }
                [Tracked] public string Title { get; set; } = "";
            }

            public partial class Contract : Document
            {
                [Tracked] public DateOnly Ends { get; set; }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Nested_classes_reopen_their_containing_types_in_a_namespace_and_in_the_global_one()
        => GeneratorHarness.Run(
            """
            namespace Shop.Sales
            {
                public partial class Outer
                {
                    [ServerTools.Tracked]
                    internal partial class Line { public int Quantity { get; set; } }
                }
            }
            """,
            """
            public partial class Store
            {
                public partial record Outer
                {
                    internal partial class Partner { [ServerTools.Tracked] public string? Email { get; set; } }
                }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Properties_of_a_generic_base_class_are_tracked_with_its_type_arguments()
    {
        var source = Assert.Single(GeneratorHarness.Run("""
            namespace Shop;

            public abstract class Entity<TKey> { public TKey Id { get; set; } = default!; }

            [ServerTools.Tracked]
            public partial class Order : Entity<long> { public string? Note { get; set; } }
            """).CompilesWithoutDiagnostics().GeneratedSources).Text;

        Assert.Contains("/// <summary>The tracked field <see cref=\"global::Shop.Entity{TKey}.Id\"/>.</summary>", source, StringComparison.Ordinal);
        Assert.Contains("TrackedField<global::Shop.Order, long> Id", source, StringComparison.Ordinal);
        Assert.Contains("partial void OnIdChanged(long oldValue, long newValue);", source, StringComparison.Ordinal);
    }

    [Fact]
    public void An_annotated_type_parameter_bound_to_a_value_type_gets_that_type_s_format_and_to_a_string_the_nullable_one()
    {
        var sources = GeneratorHarness.Run("""
            namespace Shop;

            public abstract class Slot<T> { public T? Value { get; set; } }

            [ServerTools.Tracked]
            public partial class Counter : Slot<int> { public int Id { get; set; } }

            [ServerTools.Tracked]
            public partial class Label : Slot<string> { public int Id { get; set; } }
            """).CompilesWithoutDiagnostics().GeneratedSources;

        var counter = Assert.Single(sources, static s => s.HintName.Contains("Counter", StringComparison.Ordinal)).Text;
        var label = Assert.Single(sources, static s => s.HintName.Contains("Label", StringComparison.Ordinal)).Text;
        Assert.Contains("TrackedField<global::Shop.Counter, int> Value { get; } = new(\"Value\", global::ServerTools.Tracking.TrackedValueFormats.Int32);", counter, StringComparison.Ordinal);
        Assert.Contains("TrackedField<global::Shop.Label, string?> Value { get; } = new(\"Value\", global::ServerTools.Tracking.TrackedValueFormats.NullableString);", label, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "internal static void ")]
    [InlineData("[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"TestProject\")]", "internal static new void ")]
    public void Derived_class_in_another_assembly_hides_the_generated_members_it_can_see(string access, string registration)
    {
        var baseRun = GeneratorHarness.Run(
            TestCompilation.Create(access + "\nnamespace Shared { [ServerTools.Tracked] public partial class Party { public int Id { get; set; } } }").WithAssemblyName("Shared"),
            new TrackedGenerator()).CompilesWithoutDiagnostics();
        using var image = new MemoryStream();
        Assert.True(baseRun.OutputCompilation.Emit(image).Success);
        var compilation = TestCompilation.Create("namespace Shop { [ServerTools.Tracked] public partial class Company : Shared.Party { public string? Vat { get; set; } } }")
            .AddReferences(MetadataReference.CreateFromImage(image.ToArray()));

        var source = Assert.Single(GeneratorHarness.Run(compilation, new TrackedGenerator()).CompilesWithoutDiagnostics().GeneratedSources).Text;

        Assert.Contains("public static new class TrackedFields", source, StringComparison.Ordinal);
        Assert.Contains(registration + "RegisterServerToolsTrackedDescriptor()", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Derived_class_hides_nothing_of_a_base_class_whose_tracked_properties_are_all_obsolete_as_an_error()
    {
        var source = GeneratorHarness.Run("""
            using System;
            using ServerTools;

            namespace Shop;

            [Obsolete("Use Stage.", true)] public enum Status { Draft, Sent }

            public partial class Document
            {
                public int Id { get; set; }
                [Obsolete("Use Stage.")] [Tracked] public Status Status { get; set; }
            }

            [Tracked]
            public partial class Receipt : Document
            {
                public decimal Total { get; set; }
            }
            """).GeneratedTreesCompileWithoutDiagnostics().Source("Shop.Receipt.Tracked.g.cs");

        Assert.Contains("public static class TrackedFields", source, StringComparison.Ordinal);
        Assert.DoesNotContain(" new ", source.Replace("new(", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Records_are_tracked_as_classes_are_by_the_record_a_property_or_a_positional_property()
        => GeneratorHarness.Run("""
            using ServerTools;

            namespace Shop;

            [Tracked]
            public partial record Order
            {
                public int Id { get; set; }
                public string State { get; set; } = "";

                partial void OnStateChanged(string oldValue, string newValue) { }
            }

            public partial record Invoice
            {
                public int Id { get; set; }
                [Tracked] public decimal Total { get; set; }
            }

            public partial record Payment(int Id, [property: Tracked] decimal Amount, string? Note);

            [Tracked]
            public partial record RushOrder : Order
            {
                public int Priority { get; set; }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Records_register_their_tracking_descriptor_when_the_assembly_loads()
    {
        var assembly = GeneratedCodeAssert.CompileAndLoad("""
            namespace Shop;

            [ServerTools.Tracked]
            public partial record Order
            {
                public int Id { get; set; }
                public string State { get; set; } = "";
            }

            public partial record Payment(int Id, [property: ServerTools.Tracked] decimal Amount);
            """);

        Assert.Equal(["Id", "State"], Descriptor(assembly, "Shop.Order").Fields.Select(static field => field.Name));
        Assert.Equal(["Amount"], Descriptor(assembly, "Shop.Payment").Fields.Select(static field => field.Name));
    }

    [Fact]
    public void Positional_records_are_found_in_block_namespaces_in_classes_and_in_the_global_namespace()
    {
        var run = GeneratorHarness.Run(
            """
            namespace Shop
            {
                public partial record Payment(int Id, [property: ServerTools.Tracked] decimal Amount);

                public partial class Ledger
                {
                    public partial record Line(int Id, [property: ServerTools.Tracked] string Sku);
                }
            }
            """,
            "public partial record Refund(int Id, [property: ServerTools.Tracked] decimal Amount);").CompilesWithoutDiagnostics();

        Assert.Equal(
            ["Refund.Tracked.g.cs", "Shop.Ledger.Line.Tracked.g.cs", "Shop.Payment.Tracked.g.cs"],
            run.GeneratedSources.Select(static source => source.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Editing_a_file_beside_a_positional_record_reuses_every_step()
        => Incrementality.AssertCachedAfter(
            Edits.Replace("=> 1", "=> 2"),
            [
                "namespace Shop; public partial record Payment(int Id, [property: ServerTools.Tracked] decimal Amount);",
                "namespace Shop; [ServerTools.Tracked] public partial class Order { public int Id { get; set; } public int One() => 1; }",
            ],
            new TrackedGenerator());

    [Fact]
    public void Editing_a_positional_record_outside_its_marked_parameter_keeps_its_model()
    {
        var compilation = TestCompilation.Create("namespace Shop; public partial record Payment(int Id, [property: ServerTools.Tracked] decimal Amount) { public int One() => 1; }");
        var driver = GeneratorHarness.CreateDriver(new TrackedGenerator()).RunGenerators(compilation);

        var result = Assert.Single(driver.RunGenerators(Edits.Replace("=> 1", "=> 2")(compilation)).GetRunResult().Results);

        Assert.Equal([IncrementalStepRunReason.Unchanged], Reasons(result, TrackedGenerator.Steps.ParseProperty));
        Assert.All(
            result.TrackedOutputSteps.SelectMany(static step => step.Value).SelectMany(static step => step.Outputs),
            static output => Assert.Contains(output.Reason, s_quiet));
    }

    [Fact]
    public void Property_declared_without_nullable_annotations_gets_a_hook_and_field_of_its_oblivious_type()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using ServerTools;

            namespace Shop;

            [Tracked]
            public partial class Order
            {
                public int Id { get; set; }
            #nullable disable
                public string Note { get; set; }
                public string Reference { get; set; }
                public List<string> Tags { get; set; }
                public int Lines { get; set; }
            #nullable restore
                public string? Comment { get; set; }

                partial void OnNoteChanged(string? oldValue, string? newValue) { }
                partial void OnReferenceChanged(string oldValue, string newValue) { }
            #nullable disable
                partial void OnTagsChanged(List<string> oldValue, List<string> newValue) { }
            #nullable restore

                public int NoteLength() => TrackedFields.Note.Name.Length;
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

        Assert.Contains(
            "#nullable disable\n        partial void OnNoteChanged(string oldValue, string newValue);\n        #nullable enable\n",
            run.GeneratedSources.Single().Text,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[ServerTools.Tracked] public class Partner { public int Id { get; set; } }")]
    [InlineData("[ServerTools.Tracked] file partial class Partner { public int Id { get; set; } }")]
    [InlineData("public partial struct Money { [ServerTools.Tracked] public decimal Amount { get; set; } }")]
    [InlineData("public partial record struct Money([property: ServerTools.Tracked] decimal Amount);")]
    [InlineData("public class Partner { [ServerTools.Tracked] public int Id { get; set; } }")]
    [InlineData("public class Shop { [ServerTools.Tracked] public partial class Partner { public int Id { get; set; } } }")]
    [InlineData("[ServerTools.Tracked] public partial class Partner<T> { public int Id { get; set; } }")]
    [InlineData("public partial class Partner<T> { [ServerTools.Tracked] public int Id { get; set; } }")]
    [InlineData("public partial class Shop { [ServerTools.Tracked] private partial class Partner { public int Id { get; set; } } }")]
    [InlineData("[ServerTools.Tracked] public partial class Partner { public Partner? Parent { get; set; } }")]
    [InlineData("public partial class Partner { [ServerTools.Tracked] public Partner? Parent { get; set; } }")]
    public void Class_the_generator_cannot_extend_or_without_trackable_property_gets_no_code(string source)
        => Assert.Empty(GeneratorHarness.Run(source).GeneratedSources);

    [Fact]
    public void Class_with_the_attribute_and_marked_properties_gets_one_file_of_every_candidate()
    {
        var run = GeneratorHarness.Run("""
            namespace Shop;

            [ServerTools.Tracked]
            public partial class Partner
            {
                public int Id { get; set; }
                [ServerTools.Tracked] public string Name { get; set; } = "";
                [ServerTools.Tracked] public string? Email { get; set; }
            }
            """).CompilesWithoutDiagnostics();

        var source = Assert.Single(run.GeneratedSources);
        Assert.Equal("Shop.Partner.Tracked.g.cs", source.HintName);
        Assert.Contains("TrackedFields.Id,", source.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_with_marked_properties_in_two_files_gets_one_file()
    {
        var run = GeneratorHarness.Run(
            "namespace Shop; public partial class Partner { [ServerTools.Tracked] public int Level { get; set; } }",
            "namespace Shop; public partial class Partner { [ServerTools.Tracked] public string Name { get; set; } = \"\"; }")
            .CompilesWithoutDiagnostics();

        var source = Assert.Single(run.GeneratedSources);
        Assert.Matches(@"TrackedFields\.Level,\s+TrackedFields\.Name\)\);", source.Text);
    }

    [Fact]
    public void A_class_with_tracked_properties_only_delivers_the_union_of_the_operations_its_fields_ask_for()
    {
        var assembly = GeneratedCodeAssert.CompileAndLoad("""
            using System;
            using ServerTools;

            namespace Shop;

            public enum OrderState { Draft, Confirmed }

            public partial class Shipment
            {
                public int Id { get; set; }
                [Tracked(Operations = TrackedOperations.All)] public OrderState Status { get; set; }
                public string? Note { get; set; }
            }

            public partial class Parcel
            {
                public int Id { get; set; }
                [Tracked(Operations = TrackedOperations.Create)] public string Label { get; set; } = "";
                [Tracked(Operations = TrackedOperations.Delete)] public decimal Weight { get; set; }
            }

            public partial class Plain
            {
                public int Id { get; set; }
                [Tracked] public int Level { get; set; }
            }

            public partial class Quiet
            {
                public int Id { get; set; }
                [Tracked(Operations = TrackedOperations.None)] public int Level { get; set; }
            }

            public abstract partial class Document
            {
                public int Id { get; set; }
                [Tracked(Operations = TrackedOperations.Create)] public string Title { get; set; } = "";
                [Tracked(Operations = TrackedOperations.None)] public virtual string? Owner { get; set; }
            }

            public partial class Contract : Document
            {
                [Tracked(Operations = TrackedOperations.Delete)] public DateOnly Ends { get; set; }
            }

            public partial class Memo : Document
            {
                [Tracked(Operations = TrackedOperations.Update)] public override string? Owner { get; set; }
            }

            [Tracked(Operations = TrackedOperations.Create)]
            public partial class Vehicle
            {
                public int Id { get; set; }
                [Tracked(Operations = TrackedOperations.All)] public OrderState Status { get; set; }
            }

            public partial class Van : Vehicle
            {
                [Tracked] public int Load { get; set; }
            }
            """);

        Assert.Equal(TrackedOperations.All, Descriptor(assembly, "Shop.Shipment").Operations);
        Assert.Equal(["Status"], Descriptor(assembly, "Shop.Shipment").Fields.Select(static field => field.Name));
        Assert.Equal(TrackedOperations.Create | TrackedOperations.Delete, Descriptor(assembly, "Shop.Parcel").Operations);
        Assert.Equal(TrackedOperations.Update, Descriptor(assembly, "Shop.Plain").Operations);
        Assert.Equal(TrackedOperations.None, Descriptor(assembly, "Shop.Quiet").Operations);
        Assert.Equal(TrackedOperations.Create, Descriptor(assembly, "Shop.Document").Operations);
        Assert.Equal(TrackedOperations.Create | TrackedOperations.Delete, Descriptor(assembly, "Shop.Contract").Operations);
        Assert.Equal(["Title", "Owner", "Ends"], Descriptor(assembly, "Shop.Contract").Fields.Select(static field => field.Name));

        // An override counts with the declaration it overrides: Owner asks for Update here, Title for Create.
        Assert.Equal(TrackedOperations.Create | TrackedOperations.Update, Descriptor(assembly, "Shop.Memo").Operations);

        // In a class marked [Tracked] the class decides (ST2007 reports the property's), in the classes derived from it too.
        Assert.Equal(TrackedOperations.Create, Descriptor(assembly, "Shop.Vehicle").Operations);
        Assert.Equal(TrackedOperations.Update, Descriptor(assembly, "Shop.Van").Operations);
        Assert.Equal(["Status", "Load"], Descriptor(assembly, "Shop.Van").Fields.Select(static field => field.Name));
    }

    [Fact]
    public void Changing_the_operations_of_a_second_tracked_property_regenerates_its_class_only()
    {
        var compilation = TestCompilation.Create(s_incrementalSources);
        var driver = GeneratorHarness.CreateDriver(new TrackedGenerator()).RunGenerators(compilation);
        var edited = Edits.Replace("[Tracked] public string? Comment", "[Tracked(Operations = TrackedOperations.Delete)] public string? Comment")(compilation);

        var result = Assert.Single(driver.RunGenerators(edited).GetRunResult().Results);

        Assert.Equal(
            [("Shop.Invoice", IncrementalStepRunReason.Modified), ("Shop.SaleOrder", IncrementalStepRunReason.Unchanged)],
            result.TrackedSteps[TrackedGenerator.Steps.Entities].SelectMany(static step => step.Outputs)
                .Select(static output => (((GeneratedFile<TrackedEntitySpec>)output.Value).Model.Hierarchy.MetadataName, output.Reason)));
        Assert.Equal(
            [IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached],
            result.TrackedOutputSteps.SelectMany(static step => step.Value).SelectMany(static step => step.Outputs).Select(static output => output.Reason));
        Assert.Contains("(global::ServerTools.TrackedOperations)6,", result.GeneratedSources.Single(static s => s.HintName == "Shop.Invoice.Tracked.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A class marked [Tracked] and one with marked properties, so that every step of the generator runs.</summary>
    private static readonly string[] s_incrementalSources = [SaleOrder, Invoice.Replace("public class Customer { public int Id { get; set; } }", "", StringComparison.Ordinal)];

    private static void AssertCachedAfter(Edit edit) => Incrementality.AssertCachedAfter(edit, s_incrementalSources, new TrackedGenerator());

    [Fact]
    public void Adding_an_unrelated_file_reuses_every_step()
        => AssertCachedAfter(Edits.AddFile("namespace Shop; public class Payment { public int Id { get; set; } }"));

    [Fact]
    public void Editing_a_method_body_of_the_tracked_class_reuses_every_step()
        => AssertCachedAfter(Edits.Replace("Reference + \" \" + Secret", "Secret + Reference"));

    [Fact]
    public void Editing_an_untracked_property_of_a_class_with_tracked_properties_reuses_every_step()
        => AssertCachedAfter(Edits.Replace("public string Number { get; set; } = \"\";", "public string Number { get; set; } = \"new\";"));

    [Fact]
    public void Adding_a_property_to_a_tracked_class_regenerates_that_class_only()
    {
        var compilation = TestCompilation.Create(s_incrementalSources);
        var driver = GeneratorHarness.CreateDriver(new TrackedGenerator()).RunGenerators(compilation);
        var edited = Edits.Replace("public decimal Total", "public int Priority { get; set; }\n    public decimal Total")(compilation);

        var result = Assert.Single(driver.RunGenerators(edited).GetRunResult().Results);

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(result, TrackedGenerator.Steps.ParseClass));
        Assert.All(Reasons(result, TrackedGenerator.Steps.ParseProperty), static reason => Assert.Contains(reason, s_quiet));
        Assert.Equal(
            [("Shop.Invoice", IncrementalStepRunReason.Unchanged), ("Shop.SaleOrder", IncrementalStepRunReason.Modified)],
            result.TrackedSteps[TrackedGenerator.Steps.Entities].SelectMany(static step => step.Outputs)
                .Select(static output => (((GeneratedFile<TrackedEntitySpec>)output.Value).Model.Hierarchy.MetadataName, output.Reason)));
        Assert.Equal(
            [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Modified],
            result.TrackedOutputSteps.SelectMany(static step => step.Value).SelectMany(static step => step.Outputs).Select(static output => output.Reason));
        Assert.Contains("TrackedFields.Priority,", result.GeneratedSources.Single(static s => s.HintName == "Shop.SaleOrder.Tracked.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Implementing_a_hook_in_another_file_regenerates_the_field_with_its_hook()
    {
        var compilation = TestCompilation.Create(Ticket);
        var driver = GeneratorHarness.CreateDriver(new TrackedGenerator()).RunGenerators(compilation);
        Assert.DoesNotContain("entity.OnStateChanged", driver.GetRunResult().GeneratedTrees.Single().ToString(), StringComparison.Ordinal);

        var result = Assert.Single(driver.RunGenerators(Edits.AddFile(TicketHook)(compilation)).GetRunResult().Results);

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(result, TrackedGenerator.Steps.ParseClass));
        Assert.Contains(
            "static (entity, oldValue, newValue) => entity.OnStateChanged(oldValue, newValue));",
            result.GeneratedSources.Single().SourceText.ToString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var result = Assert.Single(GeneratorHarness.Run(TestCompilation.Create(s_incrementalSources), new TrackedGenerator()).Result.Results);
        var models = result.TrackedSteps[TrackedGenerator.Steps.Entities]
            .SelectMany(static step => step.Outputs)
            .Select(static output => output.Value)
            .ToList();

        Assert.Equal(2, models.Count);
        foreach (var model in models)
        {
            PipelineModels.AssertOnlyValues(model);
        }
    }

    [Fact]
    public void Generated_fields_format_and_parse_every_supported_type_as_exact_inverses()
    {
        var assembly = GeneratedCodeAssert.CompileAndLoad(EveryType);
        var descriptor = Descriptor(assembly, "Shop.Sample");

        Assert.Equal("Shop.Sample", descriptor.EntityName);
        Assert.Equal(TrackedOperations.Update, descriptor.Operations);
        var samples = new (string Field, object? Value, string? Text)[]
        {
            ("Text", "Zoë \"quoted\"", "Zoë \"quoted\""),
            ("MaybeText", null, null),
            ("Flag", true, "true"),
            ("MaybeFlag", false, "false"),
            ("Letter", 'é', "é"),
            ("MaybeLetter", 'x', "x"),
            ("SignedByte", (sbyte)-8, "-8"),
            ("Byte", (byte)200, "200"),
            ("Short", (short)-300, "-300"),
            ("UShort", (ushort)60000, "60000"),
            ("Int", -42, "-42"),
            ("MaybeInt", null, null),
            ("UInt", 4000000000u, "4000000000"),
            ("Long", long.MinValue, "-9223372036854775808"),
            ("ULong", ulong.MaxValue, "18446744073709551615"),
            ("Float", 1.1f, "1.1"),
            ("Double", 0.1 + 0.2, "0.30000000000000004"),
            ("Decimal", 12.50m, "12.50"),
            ("MaybeDecimal", -0.005m, "-0.005"),
            ("Time", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567), "2026-01-02T03:04:05.1234567Z"),
            ("MaybeTime", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified), "2026-01-02T03:04:05.0000000"),
            ("Offset", new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.FromHours(2)), "2026-07-01T12:00:00.0000000+02:00"),
            ("MaybeOffset", null, null),
            ("Day", new DateOnly(2026, 2, 28), "2026-02-28"),
            ("MaybeDay", new DateOnly(1, 1, 1), "0001-01-01"),
            ("Clock", new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(1)), "23:59:59.0000001"),
            ("MaybeClock", null, null),
            ("Span", -new TimeSpan(3, 4, 5, 6, 7), "-3.04:05:06.0070000"),
            ("MaybeSpan", TimeSpan.Zero, "00:00:00"),
            ("Key", new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), "0f8fad5b-d9cb-469f-a165-70867728950e"),
            ("MaybeKey", null, null),
            ("Color", "Blue", "Blue"),
            ("MaybeColor", "Green", "Green"),
            ("Access", "Read, Write", "Read, Write"),
            ("Bytes", new byte[] { 0, 1, 254, 255 }, "AAH+/w=="),
            ("MaybeBytes", null, null),
        };

        // A byte[] declared non-nullable can still be null (a column not yet set): written and read back as null.
        var bytes = descriptor.Fields.Single(static f => f.Name == "Bytes");
        Assert.Null(Invoke<string?>(bytes, "Format", null));
        Assert.Null(Invoke<object?>(bytes, "Parse", null));

        Assert.Equal(samples.Select(static s => s.Field), descriptor.Fields.Select(static f => f.Name));
        foreach (var (name, sample, expectedText) in samples)
        {
            var field = descriptor.Fields.Single(f => f.Name == name);
            var valueType = Nullable.GetUnderlyingType(field.ValueType) ?? field.ValueType;
            var value = valueType.IsEnum && sample is string member ? Enum.Parse(valueType, member) : sample;

            var text = Invoke<string?>(field, "Format", value);
            Assert.Equal(expectedText, text);
            var parsed = Invoke<object?>(field, "Parse", text);
            Assert.Equal(value, parsed);
            Assert.Equal(text, Invoke<string?>(field, "Format", parsed));
        }
    }

    [Fact]
    public void Generated_hook_runs_the_users_partial_method_with_the_old_and_new_value()
    {
        var assembly = GeneratedCodeAssert.CompileAndLoad(Ticket, TicketHook, """
            using Microsoft.EntityFrameworkCore;

            namespace Shop;

            public sealed class ShopContext : DbContext
            {
                public DbSet<Ticket> Tickets => Set<Ticket>();

                protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
                    => optionsBuilder.UseNpgsql("Host=127.0.0.1;Database=never_opened");
            }
            """);
        var descriptor = Descriptor(assembly, "Shop.Ticket");
        var ticketType = assembly.GetType("Shop.Ticket", throwOnError: true)!;
        var ticket = Activator.CreateInstance(ticketType)!;
        ticketType.GetProperty("Id")!.SetValue(ticket, 1);
        using var context = (DbContext)Activator.CreateInstance(assembly.GetType("Shop.ShopContext", throwOnError: true)!)!;
        var entry = context.Attach(ticket);
        ticketType.GetProperty("State")!.SetValue(ticket, Enum.Parse(ticketType.GetProperty("State")!.PropertyType, "Closed"));
        ticketType.GetProperty("Assignee")!.SetValue(ticket, "ana");
        entry.DetectChanges();

        // EF's IUpdateEntry view of the entry, which the runtime reads values through (GetInfrastructure is marked internal to EF).
#pragma warning disable EF1001
        Microsoft.EntityFrameworkCore.Update.IUpdateEntry values = entry.GetInfrastructure();
#pragma warning restore EF1001
        var texts = new List<(string, string?, string?)>();
        var hooks = new List<bool>();
        foreach (var field in descriptor.Fields.Where(static f => f.Name != "Id"))
        {
            // TrackedField<TEntity>.Changed and RunHook are the runtime's calls into the generated field (internal: they take
            // EF's IUpdateEntry); Changed keeps the two values typed, and their Format gives the outbox's text.
            var property = entry.Metadata.FindProperty(field.Name)!;
            var changed = field.GetType().GetMethod("Changed", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(field, [values, property]);
            Assert.NotNull(changed);
            var line = changed.GetType().GetMethod("Format")!.Invoke(changed, null)!;
            string? Text(string name) => (string?)line.GetType().GetProperty(name)!.GetValue(line);
            texts.Add((Text("Field")!, Text("OldValue"), Text("NewValue")));
            hooks.Add((bool)field.GetType().GetMethod("RunHook", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(field, [ticket, values, property])!);
        }

        Assert.Equal([("State", "Open", "Closed"), ("Assignee", null, "ana")], texts);
        Assert.Equal([true, false], hooks);
        Assert.Equal(["Open->Closed"], (List<string>)ticketType.GetProperty("Log")!.GetValue(ticket)!);
    }

    private static readonly IncrementalStepRunReason[] s_quiet = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step)
        => result.TrackedSteps[step].SelectMany(static s => s.Outputs).Where(static o => o.Value is not null).Select(static o => o.Reason);

    /// <summary>Runs the module initializers of <paramref name="assembly"/> and returns the registered descriptor of <paramref name="typeName"/>.</summary>
    private static TrackedDescriptor Descriptor(Assembly assembly, string typeName)
    {
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        Assert.True(TrackedDescriptors.TryGet(assembly.GetType(typeName, throwOnError: true)!, out var descriptor));
        return descriptor;
    }

    private static T Invoke<T>(TrackedField field, string method, object? argument)
        => (T)field.GetType().GetMethod(method)!.Invoke(field, [argument])!;
}
