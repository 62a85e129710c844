using ServerTools.Generators.Common;

namespace ServerTools.Generators.Auditing;

/// <summary>What the generator knows about one <c>[Audited]</c> class: strings and flags only, value-equal.</summary>
/// <param name="Hierarchy">Where the class is declared.</param>
/// <param name="FullyQualifiedName">The <c>global::</c> qualified type name used in generated code.</param>
/// <param name="Fields">The audited properties, in declaration order, base class first.</param>
internal sealed record AuditedEntitySpec(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    EquatableArray<AuditedFieldSpec> Fields);

/// <summary>One audited property.</summary>
/// <param name="Name">The stable field name (the property's metadata name).</param>
/// <param name="Accessor">The identifier to read it in C#, escaped when it is a keyword (<c>@class</c>).</param>
/// <param name="IsMasked">Marked <c>[AuditMask]</c>.</param>
internal sealed record AuditedFieldSpec(string Name, string Accessor, bool IsMasked);
