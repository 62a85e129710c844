using System;
using System.Collections.Generic;

namespace ServerTools;

/// <summary>
/// One change of one audited entity: what happened, to which row, who did it, when. Written by
/// ServerTools in the same transaction as the change; read it with <c>db.Set&lt;AuditLog&gt;()</c>.
/// </summary>
public sealed class AuditLog
{
    /// <summary>A time-ordered identifier (UUID version 7), assigned when the log is written.</summary>
    public Guid Id { get; set; }

    /// <summary>The stable name of the entity type: its full CLR name (<c>Shop.Partner</c>).</summary>
    public string EntityType { get; set; } = "";

    /// <summary>The entity's primary key as text; composite keys as their parts joined by <c>|</c> (see docs/auditing.md).</summary>
    public string EntityKey { get; set; } = "";

    /// <summary>What happened.</summary>
    public AuditOperation Operation { get; set; }

    /// <summary>The acting user's id, when there is an actor.</summary>
    public string? UserId { get; set; }

    /// <summary>The acting user's display name, when known.</summary>
    public string? UserName { get; set; }

    /// <summary>The client's IP address, when known.</summary>
    public string? IpAddress { get; set; }

    /// <summary>The tenant the change was made in, when the application has tenants.</summary>
    public string? TenantId { get; set; }

    /// <summary>When the change was saved, in UTC.</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>Shared by every log written by one SaveChanges.</summary>
    public Guid TransactionId { get; set; }

    /// <summary>The W3C trace id of the current <see cref="System.Diagnostics.Activity"/>, when there is one.</summary>
    public string? TraceId { get; set; }

    /// <summary>
    /// The fields, with their old and new values as text, in the order of the entity's audited properties. Stored in
    /// the log's own row, as a <c>json</c> array, so they are always loaded with the log (no <c>Include</c>).
    /// </summary>
    public List<AuditLogLine> Lines { get; set; } = [];
}

/// <summary>
/// One field of an <see cref="AuditLog"/>: its old and new value as invariant text. An element of the log's
/// <see cref="AuditLog.Lines"/> (a JSON object in its <c>Lines</c> column), not a table of its own.
/// </summary>
public sealed class AuditLogLine
{
    /// <summary>The stable field name (the property name; <c>Address.City</c> for a flattened owned property).</summary>
    public string Field { get; set; } = "";

    /// <summary>The value before the change; <see langword="null"/> on create or when the value was null.</summary>
    public string? OldValue { get; set; }

    /// <summary>The value after the change; <see langword="null"/> on delete or when the value is null.</summary>
    public string? NewValue { get; set; }
}

/// <summary>What an <see cref="AuditLog"/> records.</summary>
public enum AuditOperation
{
    /// <summary>The entity was inserted.</summary>
    Create,

    /// <summary>The entity was updated.</summary>
    Update,

    /// <summary>The entity was deleted.</summary>
    Delete,

    /// <summary>The entity was read.</summary>
    Read,
}
