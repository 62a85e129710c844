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
        public const string FuzzySearch = "ServerTools.FuzzySearch";
        public const string TimeWindows = "ServerTools.TimeWindows";
        public const string Rules = "ServerTools.Rules";
        public const string ModuleAnalysis = "ServerTools.ModuleAnalysis";
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

    /// <summary>
    /// ST0002: the generators write no code for a class marked [Audited], [Tracked] or [TimeWindowed], or tracked through
    /// its [Tracked] properties, because it or a type that contains it is generic, private or protected, or it is nested in
    /// the Program of top-level statements.
    /// </summary>
    public static readonly DiagnosticDescriptor ClassNotGenerated = new(
        id: "ST0002",
        title: "ServerTools generates no code for a generic, private or protected class, or a class nested in the top-level Program",
        messageFormat: "No code is generated for {0} on '{1}': {2}; {3}",
        category: Categories.General,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The code generated for [Audited], [Tracked] and [TimeWindowed] registers the entity's descriptor from a module "
                     + "initializer and, for [TimeWindowed], adds WhereOpenAt at namespace level, for one entity type. It cannot name "
                     + "a generic class (nor one nested in a generic type), whose entity types are its closed forms, nor a class that "
                     + "is private or protected or nested in such a type, which namespace-level code does not see; and ServerTools "
                     + "does not extend the Program class of top-level statements. Such a class gets no code, so the feature "
                     + "silently does nothing: no audit log, no hook, no outbox message, no opening hours. Mark the non-generic "
                     + "entity classes, declare the class outside its generic type or Program, or make it internal or public.",
        helpLinkUri: HelpLinkBase + "ST0002.md");

    /// <summary>
    /// ST0003: the generators write no code for a class marked [Audited], [Tracked], [TimeWindowed] or [FuzzySearchable], or
    /// declaring a property marked [Tracked] or [FuzzySearchable], because it or a type that contains it is file-local, or
    /// for such a property of a struct (a record struct too), which EF Core does not map as an entity.
    /// </summary>
    public static readonly DiagnosticDescriptor FileLocalClassOrStructNotGenerated = new(
        id: "ST0003",
        title: "ServerTools generates no code for a file-local class or a struct",
        messageFormat: "No code is generated for {0} on '{1}': {2}",
        category: Categories.General,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "ServerTools writes the code of a feature in a generated file of its own: a partial declaration of the class, "
                     + "a module initializer that registers it, an extension class beside it. None of them can see a file-local "
                     + "class (declared 'file'), or a class nested in one: a file-local type exists only in the file that declares "
                     + "it. And EF Core maps classes (records included) as entities, never structs, so [Tracked] or [FuzzySearchable] "
                     + "on a property of a struct or a record struct serves no entity. Such a type gets no code, so the feature "
                     + "silently does nothing. Make the class internal instead of file-local, and mark entity classes or records.",
        helpLinkUri: HelpLinkBase + "ST0003.md");

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
    /// ST1002 (informational): [AuditIgnore] or [AuditMask] on a property of a concrete class that is neither [Audited] nor
    /// tracked and that no such class of the same compilation derives from. No trail or outbox logs the class, so the mark
    /// only keeps the property from data rules (and masks a many-to-many link to the class in an audited class's trail),
    /// which is right for a secret of an entity that is not audited, and a sign of a forgotten [Audited] otherwise.
    /// </summary>
    public static readonly DiagnosticDescriptor AuditAttributeOutsideAuditedClass = new(
        id: "ST1002",
        title: "[AuditIgnore] or [AuditMask] on a class that is not audited",
        messageFormat: "[{0}] on '{1}' only keeps it from data rules: '{2}' is not [Audited] or tracked, so no audit trail or outbox logs it; mark '{2}' [Audited] if its changes should be logged",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "[AuditIgnore] and [AuditMask] tune how an [Audited] or tracked class is logged, and keep a property of any entity "
                     + "from data rules. On a class that is neither audited nor tracked, not abstract and not the base class of such a class "
                     + "of the same project, only the second applies (and the mark of a many-to-many navigation masks the link in the "
                     + "audited class's trail): right for a secret that data rules must not read, a forgotten [Audited] otherwise.",
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
        description: "The audit trail writes each value as text: the types it knows, a value with a value converter as the value it "
                     + "stores, a primitive collection (int[], List<string>) as a JSON array, any other IFormattable value by its "
                     + "invariant text. Npgsql's own value types without such a text (NpgsqlRange<T>, NpgsqlPoint and the other "
                     + "geometric types, NpgsqlInet, NpgsqlCidr, NpgsqlInterval, NpgsqlTid, NpgsqlLogSequenceNumber, NpgsqlCube), alone "
                     + "or in an array or collection, are stored but their changes are left out of the audit log. Mark such a property "
                     + "[AuditIgnore] so that the omission is visible in the code.",
        helpLinkUri: HelpLinkBase + "ST1004.md");

    /// <summary>
    /// ST1005: a class derived from an [Audited] class, not [Audited] itself, declares properties that are not logged, or
    /// overrides with [AuditMask] or [AuditIgnore] that are not applied.
    /// </summary>
    public static readonly DiagnosticDescriptor DerivedClassPropertiesNotAudited = new(
        id: "ST1005",
        title: "A class derived from an [Audited] class does not log its own properties",
        messageFormat: "'{0}' is audited as its base class '{1}', so {2}: {3}",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "[Audited] is not inherited as such: an entity whose class derives from an [Audited] class, and is not marked "
                     + "[Audited] itself, is audited with the nearest audited base class's fields, under that class's name. The "
                     + "properties it adds are left out of the audit trail, and the [AuditMask] or [AuditIgnore] it puts on an "
                     + "override is not applied. Mark the derived class [Audited] (it must be partial) to log them too.",
        helpLinkUri: HelpLinkBase + "ST1005.md");

    /// <summary>ST1006: a collection of value objects (an owned or complex collection) of an audited class is not logged.</summary>
    public static readonly DiagnosticDescriptor ValueObjectCollectionNotAudited = new(
        id: "ST1006",
        title: "The audit trail does not log this collection of value objects",
        messageFormat: "The changes of '{0}' ({1}) are not logged: the audit trail logs an owned collection's elements only when "
                       + "their class is [Audited], and no complex collection; mark '{2}' [Audited] if '{0}' is an owned collection, "
                       + "or mark '{0}' [AuditIgnore] to say so",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Value objects in a single property (OwnsOne, ComplexProperty) are logged in their owner's log, flattened as "
                     + "'Address.City'. A collection of them is not: an owned collection (OwnsMany) is logged only when its element "
                     + "class is [Audited], each element as an entity of its own, and a complex collection (ComplexCollection, "
                     + "ToJson) is not logged at all. Mark the element class [Audited], or the property [AuditIgnore] so that the "
                     + "omission is visible in the code.",
        helpLinkUri: HelpLinkBase + "ST1006.md");

    /// <summary>ST1007: [AuditMask] or [AuditIgnore] on a key property, whose value every log and outbox message names in clear.</summary>
    public static readonly DiagnosticDescriptor MaskedKeyWrittenInClear = new(
        id: "ST1007",
        title: "A key marked [AuditMask] or [AuditIgnore] is written in clear as the entity key",
        messageFormat: "'{1}' is the key of '{2}': [{0}] keeps its value out of the lines, but the key is written in clear as the "
                       + "EntityKey of every audit log and outbox message of '{2}' (and of its stored rule violations); key '{2}' by a "
                       + "value that is not personal data (a generated 'Id') and keep '{1}' an ordinary [AuditMask] property with a unique index",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An audit log, an outbox message and a stored rule violation name their entity by its primary key, as text in "
                     + "EntityKey, so that the trail of an entity can be found (AuditTrailByKey, AuditKey.Format). [AuditMask] and "
                     + "[AuditIgnore] apply to the lines only: a key that is personal data (a national id, an e-mail address) is "
                     + "written in clear in every row that names the entity. Give the entity a surrogate key instead.",
        helpLinkUri: HelpLinkBase + "ST1007.md");

    /// <summary>
    /// ST1008: [AuditMask] or [AuditIgnore] on a property of an interface that an [Audited] or tracked class implements,
    /// where the class maps no property of that name.
    /// </summary>
    public static readonly DiagnosticDescriptor InterfaceAuditAttributeNotApplied = new(
        id: "ST1008",
        title: "[AuditMask] or [AuditIgnore] on an interface property applies to no property of a class that implements it",
        messageFormat: "[{0}] on '{1}' protects no value of '{2}', which has no property named '{3}' that EF Core maps: mark the "
                       + "property of '{2}' that holds the value [{0}]",
        category: Categories.Auditing,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The audit trail and the outbox apply the [AuditMask] and [AuditIgnore] of an interface's property to the "
                     + "property of the same name of each [Audited] or tracked class that implements the interface, as they do "
                     + "for the declarations an override or a 'new' property replaces. A class that implements the interface's "
                     + "property explicitly over a property of another name, or with a property EF Core does not map (computed, "
                     + "[NotMapped], without a setter), keeps the value in a property of another name, which is logged in clear "
                     + "unless it is marked itself.",
        helpLinkUri: HelpLinkBase + "ST1008.md");

    /// <summary>ST2001: a class handles the tracked changes of a type that has no tracked fields.</summary>
    public static readonly DiagnosticDescriptor HandlerOfUntrackedType = new(
        id: "ST2001",
        title: "A tracked-change handler handles a type that has no tracked fields",
        messageFormat: "'{0}' handles the tracked changes of '{1}', but {2}",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "ServerTools delivers the committed changes of an entity to its ITrackedChangeHandler<T> services only when the "
                     + "entity has tracked fields: the class is marked [Tracked] and has properties of a type the tracking can compare "
                     + "(numbers, strings, dates and times, Guid, enums, byte[]), or some of its own properties are marked [Tracked]. "
                     + "A class derived from a tracked class, and not marked itself, is tracked as that class: its changes carry the base "
                     + "class's name and reach the base class's handlers. A handler of any other type is never called.",
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

    /// <summary>ST2004: ExecuteUpdate or ExecuteDelete on a tracked entity runs no hook and writes no outbox message.</summary>
    public static readonly DiagnosticDescriptor BulkOperationBypassesTracking = new(
        id: "ST2004",
        title: "Bulk update or delete bypasses tracking",
        messageFormat: "{0} on '{1}' changes rows without the change tracker, so no On...Changed hook runs and no subscriber hears of it: "
                       + "load the entities, change them and call SaveChanges (suppress with #pragma warning disable ST2004 where that is intended)",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "EF Core's ExecuteUpdate and ExecuteDelete send one SQL statement to the database without loading the entities. "
                     + "ServerTools runs the hooks of [Tracked] fields and writes their outbox messages from the change tracker during "
                     + "SaveChanges, so rows changed this way run no hook and reach no ITrackedChangeHandler.",
        helpLinkUri: HelpLinkBase + "ST2004.md");

    /// <summary>ST2003: [Tracked] on a property EF Core does not map, or on a navigation, collection or other property whose type the tracking cannot compare.</summary>
    public static readonly DiagnosticDescriptor UntrackableProperty = new(
        id: "ST2003",
        title: "[Tracked] has no effect on this property: EF Core does not map it, or tracking cannot compare its type",
        messageFormat: "'{0}' is not tracked: {1}; {2}",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Tracking compares the old and new value of each tracked property and writes both as text, so it tracks the "
                     + "properties EF Core maps (an instance property with a public getter and a setter, of any accessibility, init "
                     + "included, not an indexer and not [NotMapped]) that the audit trail logs as one field: numbers, bool, char, "
                     + "string, dates and times, Guid, enums, byte[], a strongly typed id or other value with a value converter, a "
                     + "primitive collection (int[], List<string>) and any other IFormattable value, and their nullable forms. A "
                     + "computed or get-only property, a [NotMapped], static or non-public property, a navigation to another entity, an "
                     + "owned type, a collection of entities and Npgsql's value types without a text (NpgsqlRange<T>, NpgsqlPoint, ...) "
                     + "are left out. Map the property (a setter, public), track the foreign key of a reference navigation, or mark the "
                     + "fields of the related entity [Tracked] on that entity; else remove [Tracked].",
        helpLinkUri: HelpLinkBase + "ST2003.md");

    /// <summary>ST2005: a tracked class has a member that a member the tracking generator adds would collide with.</summary>
    public static readonly DiagnosticDescriptor TrackedMemberCollision = new(
        id: "ST2005",
        title: "A tracked class already has a member that tracking generates",
        messageFormat: "'{0}' {1}, and tracking generates {2} of that name: {3}",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Tracking adds to a tracked class the nested class TrackedFields, the method RegisterServerToolsTrackedDescriptor() "
                     + "and, for each tracked property X of type T, the change hook 'partial void OnXChanged(T oldValue, T newValue)'. "
                     + "A member of the class with one of those names (for the hook, an ordinary method with its parameters, or a "
                     + "member that is not a method) collides with the generated one, and a visible member of a base class named "
                     + "TrackedFields is hidden by it: the compiler reports CS0111, CS0102, CS0542 or CS0108 in the generated file, "
                     + "which does not say what to do. This diagnostic names the member to rename, or, for an ordinary method that "
                     + "was meant as the hook, says to declare it partial.",
        helpLinkUri: HelpLinkBase + "ST2005.md");

    /// <summary>ST2006: a tracked property whose type, or a change hook that, is obsolete as an error, which tracking leaves out.</summary>
    public static readonly DiagnosticDescriptor TrackedMemberObsoleteError = new(
        id: "ST2006",
        title: "Tracking leaves out a property whose type, or a change hook that, is obsolete as an error",
        messageFormat: "'{0}' {1}: {2}, and the code that tracking generates in '{3}' cannot name it (CS0619, which no pragma silences); {4}",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The typed fields and hooks that tracking generates in a class name each tracked property's type and call its "
                     + "On...Changed hook. A use of a declaration marked [Obsolete(message, true)] is error CS0619, which no pragma "
                     + "silences, except in code that is obsolete itself. So in a class that is not obsolete, a property whose type is "
                     + "obsolete as an error is not tracked, and a hook that is obsolete as an error is not called. Make that [Obsolete] a "
                     + "warning (without 'true'), mark the class [Obsolete] too, or stop tracking the property.",
        helpLinkUri: HelpLinkBase + "ST2006.md");

    /// <summary>ST2007: <c>[Tracked(Operations = ...)]</c> on a property of a class marked <c>[Tracked]</c> with other operations, which is ignored.</summary>
    public static readonly DiagnosticDescriptor PropertyOperationsIgnored = new(
        id: "ST2007",
        title: "The Operations of [Tracked] on a property is ignored: the [Tracked] of its class decides what is delivered",
        messageFormat: "'{0}' is tracked with the Operations of '{1}' ({2}), and the Operations on the property ({3}) is ignored; set Operations on the [Tracked] of '{1}' to what the class delivers, or remove it from the property",
        category: Categories.Tracking,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The operations delivered to subscribers (creates, updates, deletes) are those of the entity, not of a field: a change "
                     + "of any kind carries every tracked field. In a class marked [Tracked], the Operations of the class's attribute decide; "
                     + "an Operations on the [Tracked] of one of its properties, with other operations, is ignored, so the creations or "
                     + "deletions it asks for are never delivered, or the ones it leaves out are. Set Operations on the class's [Tracked], "
                     + "or remove it from the property. In a class not marked [Tracked] itself, the Operations of its properties' "
                     + "attributes apply together (their union).",
        helpLinkUri: HelpLinkBase + "ST2007.md");

    /// <summary>ST3001: a [FuzzySearchable] field names a property the class does not have, or one EF Core does not map.</summary>
    public static readonly DiagnosticDescriptor SearchableFieldNotMapped = new(
        id: "ST3001",
        title: "A [FuzzySearchable] field is not a property of the class that EF Core maps",
        messageFormat: "'{0}' is left out of the fuzzy search of '{1}': {2}",
        category: Categories.FuzzySearch,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The fuzzy search of an entity compares the columns of its searchable fields, so each field must be a property "
                     + "EF Core maps to a column: an instance property of the class or a base class with a public getter and a setter, "
                     + "not an indexer, not an override and not [NotMapped]. A name the class does not have (a typo in a string) or an "
                     + "unmapped property is left out of the search, and the search silently misses what it was meant to find. Name "
                     + "the fields with nameof, so that the compiler checks them.",
        helpLinkUri: HelpLinkBase + "ST3001.md");

    /// <summary>ST3002: a [FuzzySearchable] field is not a string.</summary>
    public static readonly DiagnosticDescriptor SearchableFieldNotString = new(
        id: "ST3002",
        title: "A [FuzzySearchable] field is not a string",
        messageFormat: "'{0}' is left out of the fuzzy search of '{1}': it is '{2}', and pg_trgm compares text; {3}",
        category: Categories.FuzzySearch,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "pg_trgm compares the trigrams of text, and the GIN index that makes the search fast is built with gin_trgm_ops "
                     + "on a text column. A property of another type (a number, a date, an enum, a navigation) is left out of the "
                     + "search. Search a string property, such as a code or a name stored as text, or remove the field.",
        helpLinkUri: HelpLinkBase + "ST3002.md");

    /// <summary>ST3003: a [FuzzySearchable] field is named twice (on the class, or on the class and on the property).</summary>
    public static readonly DiagnosticDescriptor SearchableFieldListedTwice = new(
        id: "ST3003",
        title: "A [FuzzySearchable] field is listed twice",
        messageFormat: "'{0}' is a searchable field of '{1}' already: {2}",
        category: Categories.FuzzySearch,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Each field is searched once. A name repeated in the class's [FuzzySearchable], or named there and marked "
                     + "[FuzzySearchable] on the property too, is taken at its first occurrence (the class's list before the "
                     + "properties): the second occurrence, and the Weight and Mode written there, are ignored.",
        helpLinkUri: HelpLinkBase + "ST3003.md");

    /// <summary>ST3004: a [FuzzySearchable] weight is not greater than 0 and at most 1.</summary>
    public static readonly DiagnosticDescriptor SearchableWeightOutOfRange = new(
        id: "ST3004",
        title: "A [FuzzySearchable] weight is outside (0, 1]",
        messageFormat: "Weight = {0} is outside (0, 1], so {1} left out of the fuzzy search of '{2}': give a weight greater than 0 "
                       + "and at most 1, or none for 1",
        category: Categories.FuzzySearch,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A field's score is its pg_trgm similarity, between 0 and 1, times its weight, and the search orders rows by the "
                     + "best score of their fields. A weight above 1 would rank a weak match over an exact one in another field, and a "
                     + "weight of 0 or less would never match at the threshold, so a field with such a weight is left out of the search.",
        helpLinkUri: HelpLinkBase + "ST3004.md");

    /// <summary>ST3005: a class marked [FuzzySearchable] has no valid searchable field.</summary>
    public static readonly DiagnosticDescriptor SearchableClassWithoutFields = new(
        id: "ST3005",
        title: "A [FuzzySearchable] class has no searchable field",
        messageFormat: "No FuzzySearch is generated for '{0}': {1}",
        category: Categories.FuzzySearch,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "[FuzzySearchable] on a class generates its FuzzySearch extensions for the string properties it names, and for "
                     + "the properties marked [FuzzySearchable] in the class and its base classes. A class with none, or whose fields "
                     + "are all left out (ST3001-ST3004, ST3007, ST3008), gets no extensions: the attribute does nothing.",
        helpLinkUri: HelpLinkBase + "ST3005.md");

    /// <summary>ST3006: the FuzzySearch extensions of a class cannot be generated: it is generic, private or protected.</summary>
    public static readonly DiagnosticDescriptor SearchableClassNotSupported = new(
        id: "ST3006",
        title: "FuzzySearch extensions cannot be generated for a generic, private or protected class",
        messageFormat: "No FuzzySearch is generated for '{0}': {1}",
        category: Categories.FuzzySearch,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The FuzzySearch extensions are generated in a static class at namespace level, beside the entity, for one "
                     + "entity type: IQueryable<Entity>. They cannot name a type parameter, nor a class that is private or protected "
                     + "(or nested in such a class), which a class at namespace level does not see. Search a non-generic entity "
                     + "class that is internal or public, in types that are internal or public.",
        helpLinkUri: HelpLinkBase + "ST3006.md");

    /// <summary>ST3007: a [FuzzySearchable] Mode is not a value of TrigramMatch.</summary>
    public static readonly DiagnosticDescriptor SearchableModeUndefined = new(
        id: "ST3007",
        title: "A [FuzzySearchable] Mode is not a TrigramMatch value",
        messageFormat: "Mode = (TrigramMatch){0} is none of TrigramMatch's comparisons, so {1} left out of the fuzzy search of '{2}': "
                       + "use TrigramMatch.Similarity, WordSimilarity or StrictWordSimilarity, or none for Similarity",
        category: Categories.FuzzySearch,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A field is compared with the search term by one of pg_trgm's comparisons: TrigramMatch.Similarity, "
                     + "WordSimilarity or StrictWordSimilarity. A number cast to TrigramMatch that is none of them, such as "
                     + "(TrigramMatch)7, names no comparison and no default threshold, so the field is left out of the search.",
        helpLinkUri: HelpLinkBase + "ST3007.md");

    /// <summary>ST3008: a [FuzzySearchable] field or the key that orders ties is obsolete as an error, which the search leaves out.</summary>
    public static readonly DiagnosticDescriptor SearchableMemberObsoleteError = new(
        id: "ST3008",
        title: "A [FuzzySearchable] field or key is obsolete as an error, so the search leaves it out",
        messageFormat: "'{0}' is left out of {1}: {2}, and the search extensions beside '{3}' cannot read it (CS0619, which no pragma silences); {4}",
        category: Categories.FuzzySearch,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The FuzzySearch extensions are a class beside the entity that reads each field, and the integer key that orders "
                     + "ties in score. A use of a declaration marked [Obsolete(message, true)] is error CS0619, which no pragma silences, "
                     + "except in code that is obsolete itself; the extensions are obsolete as an error only when the entity class is. "
                     + "So in a class that is not, a field (or its getter) that is obsolete as an error is not searched, and such a key "
                     + "does not order ties. Make that [Obsolete] a warning (without 'true'), mark the class [Obsolete(message, true)] "
                     + "too, or remove the field.",
        helpLinkUri: HelpLinkBase + "ST3008.md");

    /// <summary>ST4001: the constant [TimeWindowed] time zone is not an id of the tz database.</summary>
    public static readonly DiagnosticDescriptor TimeZoneNotIana = new(
        id: "ST4001",
        title: "The [TimeWindowed] time zone is not an IANA time-zone id",
        messageFormat: "'{0}' is not an IANA time-zone id, so neither .NET nor PostgreSQL can read the opening hours of '{1}' in it: {2}",
        category: Categories.TimeWindows,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The opening hours of a [TimeWindowed] entity are read in its time zone twice: in .NET (TimeZoneInfo) by IsOpenAt, "
                     + "NextOpening and NextClosing, and in PostgreSQL (timezone(zone, instant)) by WhereOpenAt. Both read the tz "
                     + "database, so the zone must be one of its ids (Europe/Paris, UTC, or an alias such as US/Eastern), spelt "
                     + "exactly: .NET on Linux does not find 'europe/paris', and PostgreSQL does not know Windows ids such as "
                     + "'Romance Standard Time'. Any other value fails at run time.",
        helpLinkUri: HelpLinkBase + "ST4001.md");

    /// <summary>ST4002: [TimeWindowed] TimeZoneProperty names no string property of the class that EF Core maps.</summary>
    public static readonly DiagnosticDescriptor TimeZonePropertyNotMapped = new(
        id: "ST4002",
        title: "[TimeWindowed] TimeZoneProperty is not a string property of the class that EF Core maps",
        messageFormat: "TimeZoneProperty '{0}' cannot hold the time zone of each '{1}': {2}",
        category: Categories.TimeWindows,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "With TimeZoneProperty, each row's opening hours are read in the IANA time zone that the named property holds: "
                     + ".NET reads the property, and PostgreSQL reads its column in WhereOpenAt. So the name must be a string property "
                     + "of the class or a base class that EF Core maps to a column: not a field or a method, not another type, not "
                     + "[NotMapped], static or without a setter. Name it with nameof, so that the compiler checks it.",
        helpLinkUri: HelpLinkBase + "ST4002.md");

    /// <summary>ST4003: [TimeWindowed] sets both TimeZone and TimeZoneProperty.</summary>
    public static readonly DiagnosticDescriptor TimeZoneGivenTwice = new(
        id: "ST4003",
        title: "[TimeWindowed] sets both TimeZone and TimeZoneProperty",
        messageFormat: "[TimeWindowed] on '{0}' sets both TimeZone and TimeZoneProperty: keep TimeZone for one time zone for every row, "
                       + "or TimeZoneProperty for each row's own time zone",
        category: Categories.TimeWindows,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "TimeZone gives every row of the entity one time zone; TimeZoneProperty names the property that holds each row's "
                     + "own. The two contradict each other, and ServerTools does not guess which one was meant: set one of them, or "
                     + "neither for UTC.",
        helpLinkUri: HelpLinkBase + "ST4003.md");

    /// <summary>ST4004: a [TimeWindowed] class has a member that a generated member would collide with or hide.</summary>
    public static readonly DiagnosticDescriptor TimeWindowMemberCollision = new(
        id: "ST4004",
        title: "A [TimeWindowed] class already has a member that [TimeWindowed] generates",
        messageFormat: "'{0}' already {1}, and [TimeWindowed] generates a member of that name: rename it{2}, or remove [TimeWindowed]",
        category: Categories.TimeWindows,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "[TimeWindowed] adds TimeWindows, SpecialDays, GetTimeWindowSchedule(), IsOpenAt(DateTimeOffset), "
                     + "NextOpening(DateTimeOffset), NextClosing(DateTimeOffset) and OpenIntervals(DateTimeOffset, DateTimeOffset) "
                     + "to the class. A member of the class, or a visible member of a base class, with one of those names (and, for a "
                     + "method, the same parameters) collides with the generated one: the compiler reports CS0102 or CS0111 in the "
                     + "generated file, or CS0108 when the generated member hides one of a base class. This diagnostic says which "
                     + "member to rename. Methods of the same name with other parameters are overloads and are fine.",
        helpLinkUri: HelpLinkBase + "ST4004.md");

    /// <summary>ST4005: [TimeWindowed] on a class whose base class is [TimeWindowed] too.</summary>
    public static readonly DiagnosticDescriptor TimeWindowedTwice = new(
        id: "ST4005",
        title: "[TimeWindowed] on a class whose base class is [TimeWindowed]",
        messageFormat: "'{0}' inherits its opening hours from [TimeWindowed] class '{1}': remove [TimeWindowed] from '{0}'",
        category: Categories.TimeWindows,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A class derived from a [TimeWindowed] class already has its TimeWindows, SpecialDays, IsOpenAt, NextOpening, "
                     + "NextClosing and OpenIntervals, read in the base class's time zone, and WhereOpenAt of the base class filters "
                     + "its rows. A second [TimeWindowed] would hide all of them with members of the same names, so ServerTools "
                     + "generates nothing for the derived class and reports the attribute. A derived class cannot have a time zone of "
                     + "its own: use TimeZoneProperty on the base class when rows differ.",
        helpLinkUri: HelpLinkBase + "ST4005.md");

    /// <summary>ST4006: the [TimeWindowed] TimeZoneProperty is a nullable string, while a row without a time zone is refused.</summary>
    public static readonly DiagnosticDescriptor NullableTimeZoneProperty = new(
        id: "ST4006",
        title: "[TimeWindowed] TimeZoneProperty is nullable, but a row without a time zone is refused",
        messageFormat: "TimeZoneProperty '{0}' of '{1}' is nullable, but a null time zone does not mean UTC: SaveChanges refuses the "
                       + "row, and the generated members (IsOpenAt, NextOpening, OpenIntervals, ...) throw TimeZoneNotFoundException; declare '{0}' as string with a "
                       + "default such as \"UTC\" (or required), so that its column is NOT NULL",
        category: Categories.TimeWindows,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Without TimeZoneProperty, a [TimeWindowed] class reads its hours in UTC, so a null property may look like it "
                     + "means the same. It does not: each row must name its IANA time zone, and a null or empty one fails at the first "
                     + "question and at SaveChanges. A string? property also makes EF Core create a nullable column, where rows written "
                     + "by other means can hold NULL. Declaring the property as string (non-nullable, with a default, or [Required]) "
                     + "says what the runtime requires and makes the database keep to it.",
        helpLinkUri: HelpLinkBase + "ST4006.md");

    /// <summary>
    /// ST4007: the [TimeWindowed] TimeZoneProperty is obsolete as an error, so the class gets no generated code; an error, as
    /// ST4002 and ST4003 are, since the class's opening-hours columns are then not mapped.
    /// </summary>
    public static readonly DiagnosticDescriptor TimeZonePropertyObsoleteError = new(
        id: "ST4007",
        title: "[TimeWindowed] TimeZoneProperty is obsolete as an error, so the class gets no time-window members",
        messageFormat: "TimeZoneProperty '{0}' cannot be read by the code generated for '{1}': {2} (CS0619, which no pragma silences), "
                       + "so '{1}' gets no time-window code (no IsOpenAt, NextOpening, NextClosing, OpenIntervals, TimeWindows, SpecialDays "
                       + "or WhereOpenAt, and no mapped opening-hours columns); make that [Obsolete] a warning (without 'true'), mark '{1}' "
                       + "[Obsolete(..., true)] too, or name a string property that is not obsolete as an error",
        category: Categories.TimeWindows,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The members that [TimeWindowed] adds, and WhereOpenAt beside the class, read each row's time zone from the "
                     + "TimeZoneProperty. A use of a declaration marked [Obsolete(message, true)] is error CS0619, which no pragma "
                     + "silences, except in code that is obsolete itself; the generated code is obsolete as an error only when the class "
                     + "is. So in a class that is not, a zone property (or its getter) that is obsolete as an error leaves the class "
                     + "without any generated code: no time-window members, and no ITimeWindowed, so its opening-hours columns are not "
                     + "mapped and a migration added meanwhile would drop them with their data. Make that [Obsolete] a warning (without "
                     + "'true'), mark the class [Obsolete(message, true)] too, or name another string property.",
        helpLinkUri: HelpLinkBase + "ST4007.md");

    /// <summary>ST5001: two [ExceptionRule] classes of the compilation give the same id.</summary>
    public static readonly DiagnosticDescriptor DuplicateRuleId = new(
        id: "ST5001",
        title: "Two exception rules have the same id",
        messageFormat: "Rule id '{0}' of '{1}' is also the id of {2}: give each rule its own id",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A rule's id names it in every violation (RuleViolation.RuleId), in reports and in RulesFor, so it must be "
                     + "unique among all rules, code and data. Ids compare ordinally: 'sale.limit' and 'Sale.Limit' are two ids. "
                     + "Two classes of one project with one id cannot be told apart; rename one of them.",
        helpLinkUri: HelpLinkBase + "ST5001.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>ST5002: a class marked [ExceptionRule] does not implement IExceptionRule&lt;T&gt;.</summary>
    public static readonly DiagnosticDescriptor RuleWithoutInterface = new(
        id: "ST5002",
        title: "An [ExceptionRule] class implements no IExceptionRule interface",
        messageFormat: "'{0}' is marked [ExceptionRule] but does not implement IExceptionRule<TEntity>, so it is never run: implement "
                       + "IExceptionRule<TEntity> with 'bool Applies(TEntity entity)', where TEntity is the entity the rule checks",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "ServerTools registers each [ExceptionRule] class for the entity types of the IExceptionRule<T> interfaces it "
                     + "implements, and the engine calls its Applies method on those entities. A class that implements none has no "
                     + "entity to check and no method to call, so it is not registered and never runs.",
        helpLinkUri: HelpLinkBase + "ST5002.md");

    /// <summary>ST5003: a blocking rule has no Message.</summary>
    public static readonly DiagnosticDescriptor BlockingRuleWithoutMessage = new(
        id: "ST5003",
        title: "A blocking exception rule has no Message",
        messageFormat: "'{0}' blocks the action without a Message, so users read only \"The rule '{1}' is broken.\": set Message to "
                       + "say what is wrong and what to do about it",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A blocking rule stops the user's action: Enforce throws BusinessRuleException, which cannot be ignored. Without "
                     + "a Message (none, empty or blank) the violation only says that the rule, by its Name or id, is broken, so the "
                     + "user learns neither what is wrong nor how to go on. Give every blocking rule a Message.",
        helpLinkUri: HelpLinkBase + "ST5003.md");

    /// <summary>ST5004: a rule checks a type that is not an entity of a DbContext of the compilation, nor a base type of one.</summary>
    public static readonly DiagnosticDescriptor RuleTargetNotEntity = new(
        id: "ST5004",
        title: "An exception rule checks a type that is not an entity",
        messageFormat: "'{0}' checks '{1}', which is not an entity of a DbContext in this project, nor a base class or interface of "
                       + "one: check that the rule is written for the entity meant (not a DTO or a view model), or map '{1}' as an entity",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Rules usually check entities, through a base class or an interface they share or directly. A rule whose type "
                     + "is none of the entities of the project's DbContext classes (DbSet properties, IEntityTypeConfiguration "
                     + "classes, modelBuilder.Entity calls, and the types their navigations reach), nor a base class or an interface of "
                     + "one, runs only where the code evaluates objects of that type itself, which is often a mistake. Nothing is "
                     + "reported in a project that declares no DbContext.",
        helpLinkUri: HelpLinkBase + "ST5004.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>ST5005: the rule registry cannot create a class marked [ExceptionRule].</summary>
    public static readonly DiagnosticDescriptor RuleNotCreatable = new(
        id: "ST5005",
        title: "The rule registry cannot create this [ExceptionRule] class",
        messageFormat: "'{0}' is not registered as a rule, because the registry cannot create it: it {1}",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The rule registry is code generated in the rule's assembly that creates each rule with 'new', taking the "
                     + "constructor's arguments from dependency injection, as ActivatorUtilities would. So a rule class must be "
                     + "concrete, not static and not generic, internal or public (in types that are too), with one public or internal "
                     + "constructor whose parameters are services, optional or params: the one marked [ActivatorUtilitiesConstructor], "
                     + "or else the one with the most parameters. Any other class is skipped, and its rule never runs.",
        helpLinkUri: HelpLinkBase + "ST5005.md");

    /// <summary>ST5006: a rule id, or an entry of Tags or RuleSets, is null, empty or blank; or an entry of Tags or RuleSets is padded with whitespace.</summary>
    public static readonly DiagnosticDescriptor EmptyRuleIdTagOrSet = new(
        id: "ST5006",
        title: "An exception rule id, tag or rule set is empty, or a tag or rule set is padded",
        messageFormat: "{0} of '{1}' is {2}: {3}",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A rule's id names it in violations and reports, a tag groups rules, and a rule set names the action that checks "
                     + "the rule. None of them can be null, empty or whitespace: the rule's metadata (ExceptionRuleInfo) refuses such "
                     + "a value, so the rule is not registered. A tag or rule set that starts or ends with whitespace is refused too: names "
                     + "are compared as written, so a rule in the set \" confirm\" is never checked by Evaluate(entity, \"confirm\").",
        helpLinkUri: HelpLinkBase + "ST5006.md");

    /// <summary>ST5007: a rule implements IExceptionRule&lt;T&gt; for a T the registry cannot check (a value type, an array...).</summary>
    public static readonly DiagnosticDescriptor RuleTargetNotSupported = new(
        id: "ST5007",
        title: "An exception rule checks a type that rules cannot check",
        messageFormat: "'{0}' is not registered for '{1}', because '{1}' {2}: write the rule for a class, record or interface that "
                       + "the assembly can name",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The engine checks entities, which are objects: Evaluate<T> and Enforce<T> take a class, and the registry "
                     + "registers a rule for the T of each IExceptionRule<T> it implements that is a class, a record or an interface, "
                     + "closed (not over a type parameter) and accessible from the rest of the assembly. A rule for a value type, an "
                     + "array, a delegate or a private type is skipped for that type.",
        helpLinkUri: HelpLinkBase + "ST5007.md");

    /// <summary>ST5008: a rule's Severity is not a member of RuleSeverity.</summary>
    public static readonly DiagnosticDescriptor UndefinedRuleSeverity = new(
        id: "ST5008",
        title: "An exception rule's Severity is not a member of RuleSeverity",
        messageFormat: "The severity of '{0}' is {1}, which is not a member of RuleSeverity, so the rule is not registered: use "
                       + "RuleSeverity.Warning or RuleSeverity.Blocking",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A rule either warns or blocks. A Severity cast from a number that is neither (such as (RuleSeverity)2) is "
                     + "refused by the rule's metadata (ExceptionRuleInfo), so the registry skips the rule and it never runs.",
        helpLinkUri: HelpLinkBase + "ST5008.md");

    /// <summary>ST5009: a rule class checks one type through two of its IExceptionRule&lt;T&gt; interfaces.</summary>
    public static readonly DiagnosticDescriptor OverlappingRuleTargets = new(
        id: "ST5009",
        title: "An exception rule checks one entity through two of its IExceptionRule interfaces",
        messageFormat: "'{0}' implements IExceptionRule<{1}> and IExceptionRule<{2}>, and each {1} is also of type {2}: each {1} would be "
                       + "checked by two Applies methods under the one id '{3}', and which answer counts is not written anywhere, so the "
                       + "rule is not registered: implement only IExceptionRule<{2}> and check in its Applies what is particular to {1}, "
                       + "or split the class into two rules with ids of their own",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A rule class may check several entity types, one IExceptionRule<T> each (IExceptionRule<Quote> and "
                     + "IExceptionRule<Invoice>), and each entity is checked by the Applies of its type. When one of the types is "
                     + "also the other (SaleOrder implements IPriced, or derives from Document), an entity of it would be checked "
                     + "by both methods, and the rule has one id, so one violation: whether either answer breaks the rule, both "
                     + "must, or the more specific one overrides the other is a guess. The registry does not guess: the class is "
                     + "not registered.",
        helpLinkUri: HelpLinkBase + "ST5009.md");

    /// <summary>ST5010: a constant rule set given to the engine that no code rule uses, close to one that code rules use.</summary>
    public static readonly DiagnosticDescriptor MisspeltRuleSet = new(
        id: "ST5010",
        title: "A rule set that no code rule uses is close to one that code rules use",
        messageFormat: "{1} is given the rule set '{0}', which no code rule uses, so the rules of the set meant do not run (rule sets "
                       + "are compared as written, case-sensitive): did you mean {2}?",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Evaluate, Enforce, CheckRulesAsync and the other methods that take a rule set run the rules with no set and the "
                     + "rules that list that exact name (ordinal, case-sensitive). A set name that no rule uses is not an error at run "
                     + "time, since data rules may add it later, so a typo (\"Confrim\", \"Confirm\" for \"confirm\") lets the entity "
                     + "through without the blocking rules of the set meant. A constant name that no code rule of the project or of the "
                     + "assemblies it references uses, and that differs only in case, or by one or two typed letters, from one they "
                     + "use, is reported. Names that are close to none are not: data rules may define them.",
        helpLinkUri: HelpLinkBase + "ST5010.md");

    /// <summary>ST5011: a code rule's rule set differs only in case from a rule set of another code rule (or of the same one).</summary>
    public static readonly DiagnosticDescriptor RuleSetDiffersInCase = new(
        id: "ST5011",
        title: "Two code rules write one rule set in different case",
        messageFormat: "Rule set '{0}' of '{1}' differs only in case from {2}, a rule set of {3}: rule sets are compared as written "
                       + "(case-sensitive), so Evaluate(entity, \"{0}\") checks only the rules that write '{0}': spell the set the same "
                       + "way in every rule",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A rule set names the action that checks the rule, and Evaluate, Enforce and CheckRulesAsync run the rules that "
                     + "list that exact name (ordinal, case-sensitive). Two code rules with RuleSets = [\"post\"] and [\"Post\"] are "
                     + "in two sets, so Enforce(invoice, \"post\") silently skips the second. Rule sets of the project's rules are "
                     + "compared with each other and with those of the rules of the assemblies it references; data rules whose set "
                     + "differs only in case from a code rule's are refused when they are saved.",
        helpLinkUri: HelpLinkBase + "ST5011.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>ST5012: a referenced assembly holds code rules (or loads those of its references), and the generated loader can name none of its types.</summary>
    public static readonly DiagnosticDescriptor RuleAssemblyNotLoaded = new(
        id: "ST5012",
        title: "The exception rules of a referenced assembly are not loaded",
        messageFormat: "Referenced assembly '{0}' {1}, but this project's loader of referenced rules can name none of its types "
                       + "({2}), so they run only if something else loads it: {3}",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The code rules of an assembly register from its module initializer, which runs only once the assembly is "
                     + "loaded, and .NET loads an assembly only when code uses one of its types. So each project gets a generated "
                     + "loader that names one type of each referenced assembly with rules in typeof, which loads it. An assembly "
                     + "whose types are all internal, one referenced only through an extern alias, or one whose types this project "
                     + "cannot name without an error or a warning cannot be loaded that way, and an application that never uses one "
                     + "of its types runs without its rules, blocking ones too. Make one type of it public (a rule class, or a "
                     + "public static marker class), or reference it without an alias; suppress ST5012 for a project whose application "
                     + "loads the assembly another way.",
        helpLinkUri: HelpLinkBase + "ST5012.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>ST5013: a rule set that one code rule alone writes is a typo away from a rule set of other code rules.</summary>
    public static readonly DiagnosticDescriptor RuleSetTypo = new(
        id: "ST5013",
        title: "A rule set of one code rule is a typo away from a rule set of other code rules",
        messageFormat: "Rule set '{0}' of '{1}' is written by no other code rule and is a typo away from {2}, a rule set of {3}: rule "
                       + "sets are compared as written, so if '{0}' is misspelt, '{1}' is skipped where {2} is checked: write the set "
                       + "as the other rules do, or suppress this warning where '{0}' is meant",
        category: Categories.Rules,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A rule set names the action that checks the rule, and Evaluate, Enforce and CheckRulesAsync run the rules that "
                     + "list that exact name. A code rule in RuleSets = [\"confrim\"] beside rules in [\"confirm\"] is in a set of its "
                     + "own, and Enforce(order, \"confirm\") silently skips it. A set that only one code rule writes, and that is one "
                     + "typed letter (two for names of 8 letters or more) away from a set another code rule of the project or of the "
                     + "assemblies it references writes, is reported. Sets that several rules write each (\"sale\" and \"sales\") "
                     + "are taken as meant. Data rules are not seen at compile time.",
        helpLinkUri: HelpLinkBase + "ST5013.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>ST9001: the module's summary (entities, features, exception rules, source-generated code), once per compilation.</summary>
    public static readonly DiagnosticDescriptor ModuleSummary = new(
        id: "ST9001",
        title: "Module summary: entities, ServerTools features and exception rules",
        messageFormat: "Module '{0}': {1} ({2} audited, {3} tracked, {4} fuzzy searchable, {5} time-windowed), {6} ({7} blocking, {8})",
        category: Categories.ModuleAnalysis,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A fact, not a problem: what the project (module) holds, counted once the whole compilation is seen. Its "
                     + "properties carry the counts (entities, audited, tracked, fuzzySearchable, timeWindowed, withRules, rules, "
                     + "blockingRules, warningRules, generatedFiles, generatedLines), and the build's module report reads them from "
                     + "the compiler's error log. Setting its severity to none removes the summary from the report.",
        helpLinkUri: HelpLinkBase + "ST9001.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>ST9002: one entity type of the module, with the ServerTools features it uses, its rules and its contexts.</summary>
    public static readonly DiagnosticDescriptor ModuleEntity = new(
        id: "ST9002",
        title: "Entity type of the module and the ServerTools features it uses",
        messageFormat: "Entity '{0}' of {1}: {2}; {3}",
        category: Categories.ModuleAnalysis,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A fact, not a problem: an entity type of the project (the T of a DbSet<T> property of a DbContext class, or "
                     + "of an IEntityTypeConfiguration<T> class), the ServerTools features it uses, the exception rules that check "
                     + "it and the DbContext classes that map it. Its properties carry the same data (type, features, rules, "
                     + "contexts), and the build's module report reads them from the compiler's error log. Setting its severity to "
                     + "none removes the entities from the report.",
        helpLinkUri: HelpLinkBase + "ST9002.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>ST9003: one exception rule of the module and the type it checks.</summary>
    public static readonly DiagnosticDescriptor ModuleExceptionRule = new(
        id: "ST9003",
        title: "Exception rule of the module and the type it checks",
        messageFormat: "Exception rule '{0}' of '{1}' checks '{2}' ({3}, {4})",
        category: Categories.ModuleAnalysis,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A fact, not a problem: an [ExceptionRule] class the rule registry registers, with its id, severity and rule "
                     + "sets, once for each type it checks (the T of each IExceptionRule<T> it implements). Its properties carry the "
                     + "same data (id, severity, target, sets, class), and the build's module report reads them from the "
                     + "compiler's error log. Setting its severity to none removes the rules from the report.",
        helpLinkUri: HelpLinkBase + "ST9003.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);
}
