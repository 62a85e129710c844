using ServerTools.Generators.Common;

namespace ServerTools.Generators.FuzzySearch;

/// <summary>Everything the emitter needs for one <c>[FuzzySearchable]</c> class: strings, numbers and equatable arrays only.</summary>
/// <param name="Hierarchy">Where the class lives; its metadata name keys the output.</param>
/// <param name="FullyQualifiedName">The class as <c>global::Shop.Partner</c>.</param>
/// <param name="ExtensionsClass">
/// The generated static class: <c>PartnerFuzzySearchExtensions</c> (<c>OuterPartner...</c> when nested, with a number when
/// another entity of the namespace has that name: <see cref="GeneratedNames.UniqueClassNames"/>).
/// </param>
/// <param name="IsPublic">Whether the class is visible outside its assembly, so the extensions are public too.</param>
/// <param name="TieBreaker">An integer key property that orders equal scores the same way in SQL and in memory; null when there is none.</param>
/// <param name="Fields">The searchable fields, in declaration order.</param>
/// <param name="ObsoleteError">
/// The class as <c>Shop.Partner</c> when it, or a type that contains it, is <c>[Obsolete(message, true)]</c>: the extensions
/// are then obsolete as an error too, the one way they can name it (CS0619); null otherwise.
/// </param>
/// <param name="Suppressed">
/// The diagnostics the extensions draw by naming the class or properties the user marked obsolete or experimental
/// (<see cref="SuppressedDiagnostics"/>), in ordinal order.
/// </param>
internal sealed record FuzzySearchEntitySpec(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    string ExtensionsClass,
    bool IsPublic,
    string? TieBreaker,
    EquatableArray<FuzzySearchFieldSpec> Fields,
    string? ObsoleteError,
    EquatableArray<string> Suppressed);

/// <summary>One searchable field.</summary>
/// <param name="Name">The property's name.</param>
/// <param name="Mode">The value of its <c>ServerTools.TrigramMatch</c>.</param>
/// <param name="Weight">Its weight, greater than 0 and at most 1.</param>
internal sealed record FuzzySearchFieldSpec(string Name, int Mode, double Weight);
