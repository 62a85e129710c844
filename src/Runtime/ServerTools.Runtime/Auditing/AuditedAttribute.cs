using System;

namespace ServerTools;

/// <summary>
/// Marks an entity class whose changes are written to the audit trail (<see cref="AuditLog"/> rows with
/// their <see cref="AuditLogLine"/>s, in the same transaction as the change). The class must be
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
public sealed class AuditedAttribute : Attribute
{
    /// <summary>Which values each log holds. Default: <see cref="AuditMode.Changes"/>.</summary>
    public AuditMode Mode { get; set; } = AuditMode.Changes;

    /// <summary>
    /// Which operations are logged. Default: <see cref="AuditOperations.Create"/>, <see cref="AuditOperations.Update"/>
    /// and <see cref="AuditOperations.Delete"/>; add <see cref="AuditOperations.Read"/> to log reads too.
    /// </summary>
    public AuditOperations Operations { get; set; } = AuditOperations.Writes;
}

/// <summary>Which values an audit log holds, as in OCA's auditlog.</summary>
public enum AuditMode
{
    /// <summary>All values on create, the old values on delete, only the changed fields on update.</summary>
    Changes = 0,

    /// <summary>Every audited field, old and new, on every operation.</summary>
    Full = 1,
}

/// <summary>The operations an <see cref="AuditedAttribute">[Audited]</see> entity logs.</summary>
[Flags]
public enum AuditOperations
{
    /// <summary>Nothing is logged.</summary>
    None = 0,

    /// <summary>Inserts.</summary>
    Create = 1,

    /// <summary>Updates that change at least one audited field.</summary>
    Update = 2,

    /// <summary>Deletes.</summary>
    Delete = 4,

    /// <summary>Reads: once per entity per query. Off by default.</summary>
    Read = 8,

    /// <summary>Create, update and delete: the default.</summary>
    Writes = Create | Update | Delete,

    /// <summary>Every operation, reads included.</summary>
    All = Writes | Read,
}

/// <summary>Leaves a property of an <see cref="AuditedAttribute">audited</see> entity out of the audit trail entirely.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class AuditIgnoreAttribute : Attribute;

/// <summary>
/// Logs that a property of an <see cref="AuditedAttribute">audited</see> entity changed, without its
/// value (for bank accounts, personal identifiers and the like): both values are written as <c>***</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class AuditMaskAttribute : Attribute;
