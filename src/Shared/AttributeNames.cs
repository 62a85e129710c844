// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked), so the generator that
// emits code for an attribute and the analyzer that checks it cannot disagree on its name.
namespace ServerTools.Shared;

/// <summary>Metadata names of the ServerTools attributes, as defined in the ServerTools runtime assembly.</summary>
internal static class AttributeNames
{
    public const string Audited = "ServerTools.AuditedAttribute";
    public const string AuditIgnore = "ServerTools.AuditIgnoreAttribute";
    public const string AuditMask = "ServerTools.AuditMaskAttribute";
    public const string Tracked = "ServerTools.TrackedAttribute";
    public const string FuzzySearchable = "ServerTools.FuzzySearchableAttribute";
    public const string TimeWindowed = "ServerTools.TimeWindowedAttribute";
    public const string ExceptionRule = "ServerTools.ExceptionRuleAttribute";

    /// <summary>The interface of business exception rules, by metadata name (one type parameter).</summary>
    public const string ExceptionRuleInterface = "ServerTools.IExceptionRule`1";

    /// <summary>The enum of a rule's severity, by metadata name.</summary>
    public const string RuleSeverity = "ServerTools.RuleSeverity";

    /// <summary>The enum of a fuzzy-searchable field's comparison, by metadata name.</summary>
    public const string TrigramMatch = "ServerTools.TrigramMatch";

    /// <summary>The handler interface of tracked changes, by metadata name (one type parameter).</summary>
    public const string TrackedChangeHandler = "ServerTools.ITrackedChangeHandler`1";

    /// <summary>EF Core's attribute for properties that are not mapped to a column.</summary>
    public const string NotMapped = "System.ComponentModel.DataAnnotations.Schema.NotMappedAttribute";

    /// <summary>EF Core's attribute for a type mapped as owned by the entities that reference it.</summary>
    public const string Owned = "Microsoft.EntityFrameworkCore.OwnedAttribute";

    /// <summary>EF Core's attribute for a type mapped as a complex type (stored in its owner's row, tracked in its owner's entry).</summary>
    public const string ComplexType = "System.ComponentModel.DataAnnotations.Schema.ComplexTypeAttribute";

    /// <summary>EF Core's attribute for a key property.</summary>
    public const string Key = "System.ComponentModel.DataAnnotations.KeyAttribute";

    /// <summary>EF Core's attribute that names the key properties of an entity class (<c>[PrimaryKey(nameof(A), nameof(B))]</c>).</summary>
    public const string PrimaryKey = "Microsoft.EntityFrameworkCore.PrimaryKeyAttribute";

    /// <summary>
    /// Attributes that make a class a ServerTools entity: the generators add members to it, so it
    /// (and every type that contains it) must be <c>partial</c>. Each feature adds its attribute here.
    /// </summary>
    public static readonly string[] EntityAttributes =
    [
        Audited,
        Tracked,
        TimeWindowed,
    ];
}
