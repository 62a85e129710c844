using ServerTools.Generators.Common;

namespace ServerTools.Generators.Auditing;

/// <summary>What the generator knows about one <c>[Audited]</c> class: strings and flags only, value-equal.</summary>
/// <param name="Hierarchy">Where the class is declared.</param>
/// <param name="FullyQualifiedName">The <c>global::</c> qualified type name used in generated code.</param>
/// <param name="Mode">The <c>AuditMode</c> given in the attribute, as its numeric value.</param>
/// <param name="Operations">The <c>AuditOperations</c> flags given in the attribute, as their numeric value.</param>
/// <param name="Fields">The audited properties, in declaration order, base class first.</param>
/// <param name="HidesBaseRegistration">A base class has a generated registration method this class can see, so the new one is declared <c>new</c>.</param>
/// <param name="IgnoredNavigations">The navigations marked <c>[AuditIgnore]</c>: their shadow foreign keys and many-to-many links are not logged.</param>
/// <param name="MaskedNavigations">The navigations marked <c>[AuditMask]</c>: their shadow foreign keys and many-to-many links are logged masked.</param>
internal sealed record AuditedEntitySpec(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    int Mode,
    int Operations,
    EquatableArray<AuditedFieldSpec> Fields,
    bool HidesBaseRegistration,
    EquatableArray<string> IgnoredNavigations,
    EquatableArray<string> MaskedNavigations);

/// <summary>One audited property.</summary>
/// <param name="Name">The stable field name (the property's metadata name).</param>
/// <param name="IsMasked">Marked <c>[AuditMask]</c> on any declaration of the property, or of the owner property of the value object it is flattened from.</param>
internal sealed record AuditedFieldSpec(string Name, bool IsMasked);
