using System;

namespace ServerTools;

/// <summary>
/// Marks an entity class whose changes are written to the audit trail. The class must be
/// <see langword="partial"/>: at compile time ServerTools generates its audit descriptor (which
/// properties are audited, under which stable names, and how each value is read) so that nothing
/// is discovered by reflection at run time.
/// </summary>
/// <remarks>
/// Every public instance property with a getter and a setter whose type maps to a column is audited,
/// including inherited ones, in declaration order (base class first). Leave a property out with
/// <see cref="AuditIgnoreAttribute"/>, or hide its value with <see cref="AuditMaskAttribute"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AuditedAttribute : Attribute;

/// <summary>Leaves a property of an <see cref="AuditedAttribute">audited</see> entity out of the audit trail entirely.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class AuditIgnoreAttribute : Attribute;

/// <summary>
/// Logs that a property of an <see cref="AuditedAttribute">audited</see> entity changed, without its
/// value (for bank accounts, personal identifiers and the like).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class AuditMaskAttribute : Attribute;
