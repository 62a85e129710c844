using ServerTools.Generators.Common;

namespace ServerTools.Generators.TimeWindows;

/// <summary>Everything the emitter needs for one <c>[TimeWindowed]</c> class: strings and flags only, value-equal.</summary>
/// <param name="Hierarchy">Where the class is declared; its metadata name keys the output.</param>
/// <param name="FullyQualifiedName">The class as <c>global::Shop.Store</c>.</param>
/// <param name="DisplayName">The class as <c>Shop.Store</c>, for the runtime's error messages.</param>
/// <param name="ExtensionsClass">
/// The generated static class: <c>StoreTimeWindowExtensions</c> (<c>OuterStore...</c> when nested, with a number when another
/// entity of the namespace has that name: <see cref="GeneratedNames.UniqueClassNames"/>).
/// </param>
/// <param name="IsPublic">Whether the class is visible outside its assembly, so the extensions are public too.</param>
/// <param name="IsSealed">Whether the class is sealed: its <c>WhereOpenAt</c> takes the class itself, where another's is generic
/// over the class and those derived from it (a sealed class cannot be a constraint).</param>
/// <param name="IsRecord">Whether the class is a record, whose value equality would include the cached schedule: the cache is
/// then held in a field whose type is equal to any other.</param>
/// <param name="TimeZoneProperty">The string property that holds each row's time zone id; null when the zone is <paramref name="TimeZone"/>.</param>
/// <param name="TimeZone">The constant time zone id of every row (<c>UTC</c> when the attribute names none); null when it is <paramref name="TimeZoneProperty"/>.</param>
/// <param name="LeftOut">
/// The generated methods the class has a member of its own, or a visible one of a base class, for (ST4004), in ordinal
/// order: they are not generated (<see cref="ServerTools.Shared.TimeWindowMembers.CanLeaveOut"/>).
/// </param>
/// <param name="IsObsoleteError">
/// The class, or a type that contains it, is <c>[Obsolete(message, true)]</c>: the extensions are then obsolete as an error
/// too, the one way they can name it (CS0619).
/// </param>
/// <param name="Suppressed">
/// The diagnostics the file draws by naming the class or the zone property where the user marked them obsolete or
/// experimental (<see cref="SuppressedDiagnostics"/>), in ordinal order.
/// </param>
internal sealed record TimeWindowedEntitySpec(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    string DisplayName,
    string ExtensionsClass,
    bool IsPublic,
    bool IsSealed,
    bool IsRecord,
    string? TimeZoneProperty,
    string? TimeZone,
    EquatableArray<string> LeftOut,
    bool IsObsoleteError,
    EquatableArray<string> Suppressed);
