using System.Threading.Tasks;
using ServerTools.Analyzers.Auditing;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Auditing;

public sealed class ValueObjectCollectionNotAuditedAnalyzerTests
{
    private static string Message(string property, string type, string element)
        => $"The changes of '{property}' ({type}) are not logged: the audit trail logs an owned collection's elements only when "
           + $"their class is [Audited], and no complex collection; mark '{element}' [Audited] if '{property}' is an owned collection, "
           + $"or mark '{property}' [AuditIgnore] to say so";

    [Fact]
    public Task Collections_of_value_objects_are_reported_at_the_property_name() => DiagnosticAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        """
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations.Schema;
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Shop;

        public class Contact { public string Number { get; set; } = ""; }
        [ComplexType] public class Tier { public int Id { get; set; } public decimal Rate { get; set; } }
        [Owned] public class Alias { public string Name { get; set; } = ""; }

        public abstract class Party
        {
            public int Id { get; set; }
            public IList<Alias> [|Aliases|] { get; set; } = new List<Alias>();
        }

        [Audited]
        public partial class Person : Party
        {
            public List<Contact> [|Contacts|] { get; set; } = [];
            public Tier[]? [|Tiers|] { get; set; }
        }
        """,
        [
            new("ST1006", Message("Aliases", "IList<Alias>", "Alias"), 0),
            new("ST1006", Message("Contacts", "List<Contact>", "Contact"), 1),
            new("ST1006", Message("Tiers", "Tier[]?", "Tier"), 2),
        ]);

    [Fact]
    public Task Audited_elements_entities_values_and_ignored_collections_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        """
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        [Audited] public partial class Contact { public int Id { get; set; } public string Number { get; set; } = ""; }
        public class Order { public int Id { get; set; } }
        public class Tier { public decimal Rate { get; set; } }
        public class Note { public string Text { get; set; } = ""; }

        [Audited]
        public partial class Person
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public List<Contact> Contacts { get; set; } = [];
            public List<Order> Orders { get; set; } = [];
            public byte[]? Photo { get; set; }
            [AuditIgnore] public List<Tier> Tiers { get; set; } = [];
            [NotMapped] public List<Note> Drafts { get; set; } = [];
            public Tier? Best { get; set; }
        }

        public class Unaudited
        {
            public int Id { get; set; }
            public List<Tier> Tiers { get; set; } = [];
        }
        """,
        ["ST1006"]);
}
