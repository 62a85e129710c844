using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.Generators.Auditing;

namespace ServerTools.CompileTime.Tests.Auditing;

public sealed class AuditedGeneratorTests
{
    private const string Partner = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        public enum PartnerKind { Person, Company }

        public abstract class Entity
        {
            public int Id { get; set; }
            public DateTimeOffset CreatedAt { get; set; }
        }

        [Audited]
        public partial class Partner : Entity
        {
            public string Name { get; set; } = "";
            public PartnerKind Kind { get; set; }
            public decimal? CreditLimit { get; set; }
            public Guid ExternalId { get; init; }
            public byte[]? Logo { get; set; }
            public string @class { get; set; } = "";
            [AuditMask] public string? Iban { get; set; }
            [AuditIgnore] public string? PasswordHash { get; set; }
            [NotMapped] public string DisplayName => Name;
            [NotMapped] public string Nickname { get; set; } = "";
            public Partner? Parent { get; set; }
            public List<Partner> Children { get; } = new();
            private string Notes { get; set; } = "";
            public static int Count { get; set; }

            public string Describe() => Name + " " + Notes;
        }
        """;

    private const string MarkedPartner = """
        using ServerTools;
        namespace Shop;
        $LEVEL$ public enum Level { Low, High }
        $OUTER$ public partial class Sales
        {
            $ENTITY$ [Audited]
            public partial class Partner
            {
                public int Id { get; set; }
                $PROPERTY$ public Level Level { get; set; }
            }
        }
        """;

    public static TheoryData<string, string> MarkedPartnerCases => ObsoleteMarks.Cases("LEVEL", "OUTER", "ENTITY", "PROPERTY");

    [Theory]
    [MemberData(nameof(MarkedPartnerCases))]
    public void Obsolete_or_experimental_class_property_or_type_adds_no_diagnostic_to_the_descriptor(string place, string mark)
        => GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedPartner, place, mark)).GeneratedTreesCompileWithoutDiagnostics().Source("Shop.Sales.Partner.Audited.g.cs");

    [Theory]
    [InlineData("LEVEL")]
    [InlineData("OUTER")]
    [InlineData("ENTITY")]
    [InlineData("PROPERTY")]
    public void Class_property_or_type_obsolete_as_an_error_adds_no_error_to_the_descriptor(string place)
        => GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedPartner, place, ObsoleteMarks.Error)).GeneratedTreesCompileWithoutDiagnostics();

    [Fact]
    public void Audited_class_gets_a_descriptor_of_its_scalar_properties_base_first()
        => GeneratorHarness.Run(Partner).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Nested_class_in_the_global_namespace_reopens_its_containing_types()
        => GeneratorHarness.Run("""
            public partial class Shop
            {
                public partial record Outer
                {
                    [ServerTools.Audited]
                    internal partial class Partner { public int Id { get; set; } }
                }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Navigations_marked_AuditIgnore_or_AuditMask_are_listed_for_their_shadow_foreign_keys_and_links()
        => GeneratorHarness.Run("""
            using System.Collections.Generic;
            using ServerTools;

            namespace Shop;

            public class Customer { public int Id { get; set; } }
            public class Line { public int Id { get; set; } }

            public abstract class Document
            {
                public int Id { get; set; }
                [AuditIgnore] public Customer? Creator { get; set; }
            }

            [Audited]
            public partial class Order : Document
            {
                public Customer? Customer { get; set; }
                [AuditIgnore] public Customer? Referrer { get; set; }
                [AuditMask] public Customer? Payer { get; set; }
                [AuditIgnore] public List<Line> Lines { get; set; } = new();
                [AuditMask] public ICollection<Customer> Sponsors { get; set; } = new List<Customer>();
                [AuditIgnore] public List<string> Codes { get; set; } = new();
                [AuditIgnore] public string? Note { get; set; }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Value_objects_are_flattened_and_navigations_to_entities_are_not()
        => GeneratorHarness.Run("""
            using System.ComponentModel.DataAnnotations;
            using System.ComponentModel.DataAnnotations.Schema;
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            [ComplexType] public class Money { public decimal Amount { get; set; } public string Currency { get; set; } = ""; }
            [Owned] public class Contact { public string? Email { get; set; } [AuditMask] public string? Phone { get; set; } }
            public class Geo { public double Lat { get; set; } public double Lon { get; set; } }
            public class Address { public string City { get; set; } = ""; public Geo? Geo { get; set; } }
            public class Trail { public string Label { get; set; } = ""; public Trail? Next { get; set; } }
            public class Region { public int Id { get; set; } public string Name { get; set; } = ""; }
            public class Country { [Key] public string Code { get; set; } = ""; }
            public class Warehouse { public int WarehouseId { get; set; } }
            [Audited] public partial class Agent { public string Name { get; set; } = ""; }
            public struct Point { public int X { get; set; } }

            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }
                public Money Credit { get; set; } = new();
                public Contact Contact { get; set; } = new();
                public Address? Address { get; set; }
                [AuditMask] public Address? Secret { get; set; }
                [AuditIgnore] public Address? Ignored { get; set; }
                public Trail? Trail { get; set; }
                public Region? Region { get; set; }
                public Country? Country { get; set; }
                public Warehouse? Warehouse { get; set; }
                public Agent? Agent { get; set; }
                public Point Origin { get; set; }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Structs_and_collections_of_values_are_fields_whose_form_the_model_decides()
        => GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Numerics;
            using NpgsqlTypes;
            using ServerTools;

            namespace Shop;

            public readonly record struct OrderId(Guid Value);
            public readonly record struct CustomerId(Guid Value);
            public struct Money { public decimal Amount { get; set; } }
            public class Customer { public CustomerId Id { get; set; } }

            [Audited]
            public partial class Order
            {
                public OrderId Id { get; set; }
                public CustomerId CustomerId { get; set; }
                public CustomerId? ReferrerId { get; set; }
                public Customer? Customer { get; set; }
                public Money Total { get; set; }
                [AuditMask] public Money? Discount { get; set; }
                public BigInteger Weight { get; set; }
                public List<string> Tags { get; set; } = [];
                public int[] Scores { get; set; } = [];
                public IList<CustomerId>? Watchers { get; set; }
                [AuditMask] public string[] Codes { get; set; } = [];
                [AuditIgnore] public List<int> Internal { get; set; } = [];
                public NpgsqlRange<int> Window { get; set; }
                public List<Customer> Buyers { get; set; } = [];
                public string Note { get; set; } = "";
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Override_or_new_property_takes_the_most_protective_AuditMask_or_AuditIgnore_of_every_declaration_of_its_name()
        => GeneratorHarness.Run("""
            using System.ComponentModel.DataAnnotations.Schema;
            using ServerTools;

            namespace Shop;

            public abstract class Party
            {
                public int Id { get; set; }
                public virtual string? TaxNumber { get; set; }
                public virtual string? PasswordHash { get; set; }
                [AuditMask] public virtual string? Iban { get; set; }
                [AuditMask] public virtual string? Pin { get; set; }
                [AuditIgnore] public virtual string? Token { get; set; }
                public string? Code { get; set; }
                [AuditIgnore] public string? Secret { get; set; }
                public virtual string? Nickname { get; set; }
                public virtual string? Phone { get; set; }
            }

            public abstract class Organisation : Party
            {
                [AuditMask] public override string? Phone { get; set; }
            }

            [Audited]
            [Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update)]
            public partial class Partner : Organisation
            {
                public string Name { get; set; } = "";
                [AuditMask] public override string? TaxNumber { get; set; }
                [AuditIgnore] public override string? PasswordHash { get; set; }
                public override string? Iban { get; set; }
                [AuditIgnore] public override string? Pin { get; set; }
                [AuditMask] public override string? Token { get; set; }
                [AuditMask] public new string? Code { get; set; }
                public new string? Secret { get; set; }
                [NotMapped] public override string? Nickname { get; set; }
                public override string? Phone { get => base.Phone; }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Records_get_a_descriptor_as_classes_do()
        => GeneratorHarness.Run("""
            using ServerTools;

            namespace Shop;

            [Audited]
            public partial record Partner
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                [AuditMask] public string? Iban { get; set; }
            }

            [Audited(Operations = AuditOperations.Create | AuditOperations.Delete)]
            public sealed partial record class Payment(int Id, decimal Amount, [property: AuditIgnore] string? Token);
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Interface_property_masks_or_leaves_out_the_property_of_its_name_however_the_class_implements_it()
        => GeneratorHarness.Run("""
            using ServerTools;

            namespace Shop;

            public interface IHasSecrets
            {
                [AuditMask] string? Iban { get; set; }
                [AuditIgnore] string? PasswordHash { get; set; }
            }

            public interface IHasTaxNumber
            {
                [AuditMask] string? TaxNumber { get; set; }
            }

            public interface IHasPin : IHasTaxNumber
            {
                [AuditIgnore] string? Pin { get; set; }
            }

            public interface IHasToken<T>
            {
                [AuditIgnore] T? Token { get; set; }
            }

            public abstract class Party : IHasPin
            {
                public int Id { get; set; }
                public string? TaxNumber { get; set; }
                public string? Pin { get; set; }
            }

            [Audited]
            [Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update)]
            public partial class Partner : Party, IHasSecrets, IHasToken<string>
            {
                public string Name { get; set; } = "";
                public string? Iban { get; set; }
                public string? PasswordHash { get; set; }
                public string? Token { get; set; }
                public string? Phone { get; set; }
                public string? Email { get; set; }
                [AuditMask] string? IHasContact.Phone { get => Phone; set => Phone = value; }
                string? IHasContact.Email { get => Email; set => Email = value; }
            }

            public interface IHasContact
            {
                string? Phone { get; set; }
                [AuditMask] string? Email { get; set; }
            }

            public partial class Partner : IHasContact;
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Theory]
    [InlineData("[ServerTools.Audited] public class Partner { public int Id { get; set; } }")]
    [InlineData("public class Shop { [ServerTools.Audited] public partial class Partner { public int Id { get; set; } } }")]
    [InlineData("[ServerTools.Audited] public partial class Partner<T> { public int Id { get; set; } }")]
    [InlineData("public partial class Shop { [ServerTools.Audited] private partial class Partner { public int Id { get; set; } } }")]
    [InlineData("[ServerTools.Audited] file partial class Partner { public int Id { get; set; } }")]
    [InlineData("file partial class Shop { [ServerTools.Audited] public partial class Partner { public int Id { get; set; } } }")]
    [InlineData("[ServerTools.Audited] public record Partner { public int Id { get; set; } }")]
    public void Class_the_generator_cannot_extend_gets_no_code(string source)
        => Assert.Empty(GeneratorHarness.Run(source).GeneratedSources);

    [Fact]
    public void Adding_an_unrelated_file_reuses_every_step()
        => Incrementality.AssertCachedAfter(Edits.AddFile("namespace Shop; public class Invoice { public int Id { get; set; } }"), [Partner]);

    [Fact]
    public void Editing_a_method_body_of_the_audited_class_reuses_every_step()
        => Incrementality.AssertCachedAfter(Edits.Replace("Name + \" \" + Notes", "Notes + Name"), [Partner]);

    [Fact]
    public void Editing_a_method_body_in_another_file_reuses_every_step()
        => Incrementality.AssertCachedAfter(
            Edits.Replace("return 1;", "return 2;"),
            [Partner, "namespace Shop; public static class Pricing { public static int Rate() { return 1; } }"]);

    [Fact]
    public void Adding_an_audited_property_regenerates_the_descriptor()
    {
        var compilation = TestCompilation.Create(Partner);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = Edits.Replace("public PartnerKind Kind", "public string? Phone { get; set; }\n    public PartnerKind Kind")(compilation);

        var result = driver.RunGenerators(edited).GetRunResult();

        var reasons = result.Results[0].TrackedSteps[AuditedGenerator.Steps.Entities].SelectMany(static s => s.Outputs).Select(static o => o.Reason);
        Assert.Equal([IncrementalStepRunReason.Modified], reasons);
        Assert.Contains("\"Phone\"", result.Results[0].GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var result = GeneratorHarness.Run(Partner).Result;
        var models = result.Results[0].TrackedSteps[AuditedGenerator.Steps.Entities]
            .SelectMany(static step => step.Outputs)
            .Select(static output => output.Value)
            .ToList();

        Assert.NotEmpty(models);
        foreach (var model in models)
        {
            PipelineModels.AssertOnlyValues(model);
        }
    }
}
