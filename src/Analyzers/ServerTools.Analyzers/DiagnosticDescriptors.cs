using Microsoft.CodeAnalysis;

namespace ServerTools.Analyzers;

/// <summary>
/// Every ServerTools diagnostic, in one place. IDs by feature: ST0xxx general, ST1xxx auditing,
/// ST2xxx tracking, ST3xxx fuzzy search, ST4xxx time windows, ST5xxx rules, ST9xxx module metrics.
/// Each has a page at docs/diagnostics/{id}.md and an entry in AnalyzerReleases.Unshipped.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>Where the docs pages live; the help link of every descriptor points below it.</summary>
    public const string HelpLinkBase = "https://github.com/servertools/servertools/blob/main/docs/diagnostics/";

    public static class Categories
    {
        public const string General = "ServerTools.General";
        public const string Auditing = "ServerTools.Auditing";
        public const string Tracking = "ServerTools.Tracking";
    }

    /// <summary>ST0001: a class with a ServerTools attribute (or a type that contains one) is not partial.</summary>
    public static readonly DiagnosticDescriptor TypeMustBePartial = new(
        id: "ST0001",
        title: "A class with a ServerTools attribute must be partial",
        messageFormat: "'{0}' must be declared partial: ServerTools generates code for [{1}] on '{2}'",
        category: Categories.General,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "ServerTools generates members for classes marked with its attributes, and for classes that declare a property "
                     + "marked [Tracked]. A class that is not partial, "
                     + "or that is nested in a type that is not partial, gets no generated code, so the feature silently does nothing. "
                     + "Add the 'partial' modifier to the class and to every type that contains it.",
        helpLinkUri: HelpLinkBase + "ST0001.md");

    /// <summary>ST1001: ExecuteUpdate or ExecuteDelete on an audited entity writes no audit log.</summary>
    public static readonly DiagnosticDescriptor BulkOperationBypassesAudit = new(
        id: "ST1001",
        title: "Bulk update or delete bypasses the audit trail",
        messageFormat: "{0} on '{1}' changes rows without the change tracker, so no audit log is written: load the entities, "
                       + "change them and call SaveChanges, or write the audit log yourself (suppress with #pragma warning disable ST1001 where that is intended)",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "EF Core's ExecuteUpdate and ExecuteDelete send one SQL statement to the database without loading the entities. "
                     + "ServerTools writes audit logs from the change tracker during SaveChanges, so rows of an [Audited] entity changed "
                     + "this way leave no trace in the audit trail.",
        helpLinkUri: HelpLinkBase + "ST1001.md");

    /// <summary>
    /// ST1002: [AuditIgnore] or [AuditMask] on a property of a concrete class that is not [Audited] and that no [Audited]
    /// class of the same compilation derives from.
    /// </summary>
    public static readonly DiagnosticDescriptor AuditAttributeOutsideAuditedClass = new(
        id: "ST1002",
        title: "[AuditIgnore] or [AuditMask] has no effect outside an audited class",
        messageFormat: "[{0}] on '{1}' has no effect: '{2}' is not [Audited]; mark '{2}' [Audited] or remove [{0}]",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "[AuditIgnore] and [AuditMask] tune how an [Audited] class is logged, its inherited properties included. On a "
                     + "property of a class that is not [Audited], not abstract and not the base class of an [Audited] class of the same "
                     + "project they do nothing, which usually means the class was meant to be audited.",
        helpLinkUri: HelpLinkBase + "ST1002.md");

    /// <summary>ST1003: a property has both [AuditIgnore] and [AuditMask].</summary>
    public static readonly DiagnosticDescriptor AuditIgnoreAndAuditMask = new(
        id: "ST1003",
        title: "A property is both [AuditIgnore] and [AuditMask]",
        messageFormat: "'{0}' is both [AuditIgnore] and [AuditMask]: [AuditIgnore] wins and the property is not logged at all; "
                       + "remove [AuditMask], or remove [AuditIgnore] to log its changes without the values",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "[AuditIgnore] leaves a property out of the audit trail; [AuditMask] logs that it changed but writes '***' for "
                     + "its values. Both on one property contradict each other: [AuditIgnore] wins.",
        helpLinkUri: HelpLinkBase + "ST1003.md");

    /// <summary>ST1004: a mapped property of an audited class has a type the audit trail cannot write.</summary>
    public static readonly DiagnosticDescriptor UnsupportedAuditPropertyType = new(
        id: "ST1004",
        title: "The audit trail cannot write this property's type",
        messageFormat: "The audit trail cannot write '{0}' of type '{1}', so its changes are not logged: mark it [AuditIgnore] to say so",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The audit trail writes single values as text: numbers, bool, char, string, dates and times, Guid, enums, byte[] "
                     + "and their nullable forms. EF Core and Npgsql also map other value types and collections of values (int[], "
                     + "List<string>) to columns; changes to those are silently left out of the audit log. Mark such a property "
                     + "[AuditIgnore] so that the omission is visible in the code.",
        helpLinkUri: HelpLinkBase + "ST1004.md");

    /// <summary>ST1005: a class derived from an [Audited] class, not [Audited] itself, declares properties that are not logged.</summary>
    public static readonly DiagnosticDescriptor DerivedClassPropertiesNotAudited = new(
        id: "ST1005",
        title: "A class derived from an [Audited] class does not log its own properties",
        messageFormat: "'{0}' is audited as its base class '{1}', so its own properties ({2}) are not logged: mark '{0}' [Audited] "
                       + "(and partial) to log them",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "[Audited] is not inherited as such: an entity whose class derives from an [Audited] class, and is not marked "
                     + "[Audited] itself, is audited with the nearest audited base class's fields, under that class's name. The "
                     + "properties it adds are left out of the audit trail. Mark the derived class [Audited] (it must be partial) to "
                     + "log them too.",
        helpLinkUri: HelpLinkBase + "ST1005.md");

    /// <summary>ST2001: a class handles the tracked changes of a type that has no tracked fields.</summary>
    public static readonly DiagnosticDescriptor HandlerOfUntrackedType = new(
        id: "ST2001",
        title: "A tracked-change handler handles a type that has no tracked fields",
        messageFormat: "'{0}' handles the tracked changes of '{1}', but '{1}' has no tracked fields, so it never receives a change: "
                       + "mark '{1}' or some of its properties [Tracked]",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "ServerTools delivers the committed changes of an entity to its ITrackedChangeHandler<T> services only when the "
                     + "entity has tracked fields: the class is marked [Tracked] and has properties of a type the tracking can compare "
                     + "(numbers, strings, dates and times, Guid, enums, byte[]), or some of its own properties are marked [Tracked]. "
                     + "[Tracked] is not inherited, so a class derived from a tracked class is not tracked unless it is marked too. "
                     + "A handler of any other type is never called.",
        helpLinkUri: HelpLinkBase + "ST2001.md");

    /// <summary>ST2002: a partial On{X}Changed method of a tracked class is not the hook generated for the tracked property X.</summary>
    public static readonly DiagnosticDescriptor ChangeHookMismatch = new(
        id: "ST2002",
        title: "A partial On...Changed method does not match the change hook of a tracked property",
        messageFormat: "'{0}' does not match a change hook of '{1}': {2}",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "For each tracked property X of type T, ServerTools declares the hook 'partial void OnXChanged(T oldValue, T newValue)' "
                     + "in the class. A partial method of that name with another signature is a different method that is never called, "
                     + "and an implementation with no matching declaration (another parameter type, or a property name that is misspelt "
                     + "or not tracked) does not compile (CS0759). Declare the hook exactly as generated.",
        helpLinkUri: HelpLinkBase + "ST2002.md");

    /// <summary>ST2003: [Tracked] on a navigation, collection or other property whose type the tracking cannot compare.</summary>
    public static readonly DiagnosticDescriptor UntrackableProperty = new(
        id: "ST2003",
        title: "[Tracked] has no effect on a navigation, collection or other non-scalar property",
        messageFormat: "'{0}' is not tracked: tracking compares values of scalar types, not '{1}'; {2}",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Tracking compares the old and new value of each tracked property and writes both as text, so it tracks the "
                     + "scalar types the audit trail writes: numbers, bool, char, string, dates and times, Guid, enums, byte[] and their "
                     + "nullable forms. A navigation to another entity, an owned type or a collection is left out. Track the foreign key "
                     + "of a reference navigation, or mark the fields of the related entity [Tracked] on that entity.",
        helpLinkUri: HelpLinkBase + "ST2003.md");
}
