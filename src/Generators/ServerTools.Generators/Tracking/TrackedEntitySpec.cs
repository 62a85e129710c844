using ServerTools.Generators.Common;

namespace ServerTools.Generators.Tracking;

/// <summary>What the generator knows about one tracked class: strings and flags only, value-equal.</summary>
/// <param name="Hierarchy">Where the class is declared.</param>
/// <param name="FullyQualifiedName">The <c>global::</c> qualified type name used in generated code.</param>
/// <param name="Operations">The <c>TrackedOperations</c> flags of the class attribute (Update, 2, without one), as their numeric value.</param>
/// <param name="Fields">The tracked properties, in declaration order, base class first.</param>
/// <param name="HidesBaseFields">A base class has a generated <c>TrackedFields</c> class this class can see, so the new one is declared <c>new</c>.</param>
/// <param name="HidesBaseRegistration">A base class has a generated registration method this class can see, so the new one is declared <c>new</c>.</param>
internal sealed record TrackedEntitySpec(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    int Operations,
    EquatableArray<TrackedFieldSpec> Fields,
    bool HidesBaseFields,
    bool HidesBaseRegistration);

/// <summary>One tracked property.</summary>
/// <param name="Name">The property's name, as the field name and in <c>On{Name}Changed</c>.</param>
/// <param name="DeclaringType">The class that declares the property, as a documentation reference (<c>global::Shop.Entity{TKey}</c>).</param>
/// <param name="TypeName">The property type as written in generated code, nullable annotation included (<c>string?</c>, <c>decimal?</c>).</param>
/// <param name="CoreTypeName">The type whose values are formatted: <paramref name="TypeName"/> without <c>Nullable&lt;T&gt;</c> or <c>?</c>.</param>
/// <param name="Kind">How values are written as text and read back.</param>
/// <param name="IsNullableValueType">The property type is <c>Nullable&lt;T&gt;</c> of <paramref name="CoreTypeName"/>.</param>
/// <param name="HasHook">The class implements <c>On{Name}Changed</c>, so the field gets a hook that calls it.</param>
internal sealed record TrackedFieldSpec(
    string Name,
    string DeclaringType,
    string TypeName,
    string CoreTypeName,
    TrackedValueKind Kind,
    bool IsNullableValueType,
    bool HasHook);

/// <summary>The families of supported property types that share one text format.</summary>
internal enum TrackedValueKind
{
    /// <summary><c>string</c>: the text is the value.</summary>
    String,

    /// <summary><c>bool</c>: <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>char</c>: the character itself.</summary>
    Char,

    /// <summary>Integers, <c>float</c>, <c>double</c> and <c>decimal</c>: invariant culture.</summary>
    Number,

    /// <summary><c>DateTime</c> and <c>DateTimeOffset</c>: the round-trip format <c>O</c>.</summary>
    Timestamp,

    /// <summary><c>DateOnly</c>: <c>yyyy-MM-dd</c>.</summary>
    Date,

    /// <summary><c>TimeOnly</c>: <c>HH:mm:ss.fffffff</c>.</summary>
    Time,

    /// <summary><c>TimeSpan</c>: the constant format <c>c</c>.</summary>
    Duration,

    /// <summary><c>Guid</c>: the format <c>D</c>.</summary>
    Guid,

    /// <summary>Enums: the member name (or number), as <c>Enum.Parse</c> reads it.</summary>
    Enum,

    /// <summary><c>byte[]</c>: Base64.</summary>
    Bytes,
}
