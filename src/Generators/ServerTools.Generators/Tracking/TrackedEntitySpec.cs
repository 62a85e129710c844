using ServerTools.Generators.Common;

namespace ServerTools.Generators.Tracking;

/// <summary>What the generator knows about one tracked class: strings and flags only, value-equal.</summary>
/// <param name="Hierarchy">Where the class is declared.</param>
/// <param name="FullyQualifiedName">The <c>global::</c> qualified type name used in generated code.</param>
/// <param name="Operations">
/// The <c>TrackedOperations</c> delivered, as their numeric value: the class attribute's (Update, 2, without one), or, for a class
/// with marked properties only, the union of what those properties' attributes ask for.
/// </param>
/// <param name="Fields">The tracked properties, in declaration order, base class first.</param>
/// <param name="HidesBaseFields">A base class has a generated <c>TrackedFields</c> class this class can see, so the new one is declared <c>new</c>.</param>
/// <param name="HidesBaseRegistration">A base class has a generated registration method this class can see, so the new one is declared <c>new</c>.</param>
/// <param name="HooksOnly">
/// A member of the class collides with generated code that cannot be left out alone (ST2005), so only the declarations of
/// the hooks the class implements are written (else its implementations have no definition: CS0759), nothing else.
/// </param>
/// <param name="Suppressed">
/// The diagnostics the file draws by naming the class, a property type or a hook the user marked obsolete or experimental
/// (<see cref="SuppressedDiagnostics"/>), in ordinal order.
/// </param>
internal sealed record TrackedEntitySpec(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    int Operations,
    EquatableArray<TrackedFieldSpec> Fields,
    bool HidesBaseFields,
    bool HidesBaseRegistration,
    bool HooksOnly,
    EquatableArray<string> Suppressed);

/// <summary>One tracked property.</summary>
/// <param name="Name">The property's name, as the field name and in <c>On{Name}Changed</c>.</param>
/// <param name="DeclaringType">The class that declares the property, as a documentation reference (<c>global::Shop.Entity{TKey}</c>).</param>
/// <param name="TypeName">The property type as written in generated code, nullable annotation included (<c>string?</c>, <c>decimal?</c>).</param>
/// <param name="Format">
/// The <c>TrackedValueFormats</c> member that writes the values as text and reads them back, for the type without its
/// <c>Nullable&lt;T&gt;</c>: <c>Int32</c>, <c>NullableString</c>, <c>Enum&lt;global::Shop.Color&gt;()</c>.
/// </param>
/// <param name="IsNullableValueType">The property type is <c>Nullable&lt;T&gt;</c>, so <paramref name="Format"/> is wrapped in <c>Nullable(...)</c>.</param>
/// <param name="HasHook">The class implements <c>On{Name}Changed</c>, so the field gets a hook that calls it.</param>
/// <param name="IsMasked">The property, or one it overrides or hides, is <c>[AuditMask]</c>, so its values are written to the outbox as <c>***</c> (<c>Masked(...)</c>).</param>
/// <param name="IsOblivious">
/// The property type, or a type in it, is a reference type without nullable annotations (declared under <c>#nullable disable</c>):
/// <paramref name="TypeName"/> is written in a disabled nullable context, so the hook and the typed field keep its oblivious nullability.
/// </param>
/// <param name="HookCollides">
/// The class declares a member the hook's declaration would collide with (ST2005; <c>TrackedMembers.HookCollisions</c>): an
/// ordinary method with the hook's name and parameters, a defining partial declaration of its own, or a member of that name
/// that is not a method. The partial declaration of the hook is left out, and the field's hook calls the class's method
/// when it has one with a body (<paramref name="HasHook"/>).
/// </param>
internal sealed record TrackedFieldSpec(
    string Name,
    string DeclaringType,
    string TypeName,
    string Format,
    bool IsNullableValueType,
    bool HasHook,
    bool IsMasked,
    bool IsOblivious,
    bool HookCollides);
