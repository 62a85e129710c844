using System;
using System.Collections.Generic;

namespace ServerTools;

/// <summary>
/// One committed change of a <see cref="TrackedAttribute">[Tracked]</see> entity in the outbox: written by ServerTools
/// in the same transaction as the change, then delivered to the <see cref="ITrackedChangeHandler{T}"/> services by a
/// dispatcher. Read it with <c>db.Set&lt;OutboxMessage&gt;()</c>, for instance to see what is dead-lettered.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>The change id (<see cref="TrackedChange{T}.ChangeId"/>): a time-ordered UUID version 7.</summary>
    public Guid Id { get; set; }

    /// <summary>The stable name of the entity type: its full CLR name.</summary>
    public string EntityType { get; set; } = "";

    /// <summary>The entity's primary key as text.</summary>
    public string EntityKey { get; set; } = "";

    /// <summary>What happened.</summary>
    public TrackedOperation Operation { get; set; }

    /// <summary>The tracked fields that changed, with their old and new values as invariant text (a <c>json</c> column).</summary>
    public List<TrackedFieldChange> Fields { get; set; } = [];

    /// <summary>The acting user's id, when there was an actor.</summary>
    public string? UserId { get; set; }

    /// <summary>The acting user's display name, when known.</summary>
    public string? UserName { get; set; }

    /// <summary>The tenant the change was made in, when known.</summary>
    public string? TenantId { get; set; }

    /// <summary>When the change was saved, in UTC.</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>Where the message is in its delivery.</summary>
    public OutboxState State { get; set; }

    /// <summary>How many deliveries were tried.</summary>
    public int Attempts { get; set; }

    /// <summary>When a dispatcher may try it (next); retries move it later, with backoff.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The last failure: the exception type and message, when a delivery failed.</summary>
    public string? LastError { get; set; }

    /// <summary>When it was delivered, once it is.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>Where an <see cref="OutboxMessage"/> is in its delivery.</summary>
public enum OutboxState
{
    /// <summary>Waiting for a dispatcher (first delivery, or a retry after <see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>Every handler of its type handled it.</summary>
    Delivered,

    /// <summary>Its deliveries failed as many times as allowed; it waits for a redelivery through the API.</summary>
    DeadLettered,
}
