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

    /// <summary>
    /// The order of the message among the changes of the same entity: given by the database when the message is written
    /// (an identity column), so for two transactions that changed the same row it is the order in which they committed.
    /// Dispatchers hand the changes of one entity out in this order, one at a time.
    /// </summary>
    public long Sequence { get; set; }

    /// <summary>
    /// How many deliveries were tried and recorded since the change was written or last made pending again by a redelivery:
    /// the failed ones and the successful one. A delivery that was never recorded (its dispatcher died mid-pass) is not
    /// counted.
    /// </summary>
    public int Attempts { get; set; }

    /// <summary>When a dispatcher may try it (next); retries move it later, with backoff.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>
    /// The last failure, when a delivery failed: which handler threw (its type's full name), the exception type and
    /// message, one line per failed handler; or why the message could not be read. Kept when a later delivery succeeds, as
    /// the record of what went wrong.
    /// </summary>
    public string? LastError { get; set; }

    /// <summary>
    /// The handlers (their type's full name) that handled the change in a delivery where another of its handlers failed:
    /// a retry, and a redelivery of a dead-lettered change, skip them. Null when there are none, and once the change is
    /// delivered.
    /// </summary>
    public List<string>? HandledBy { get; set; }

    /// <summary>
    /// When it was delivered, once it is: when the dispatcher's pass took note that its handlers were done, by the
    /// dispatcher's <see cref="TrackedChangeDispatcherOptions.TimeProvider"/>. With
    /// <see cref="TrackedChangeDispatcherOptions.MaxConcurrentDeliveries"/> above 1 that may trail their end by the
    /// statements the pass ran meanwhile to record the outcomes of other deliveries that ended just before.
    /// </summary>
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>Where an <see cref="OutboxMessage"/> is in its delivery.</summary>
public enum OutboxState
{
    /// <summary>Waiting for a dispatcher (first delivery, or a retry after <see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>Every handler of its type handled it (or none is registered, where the dispatcher is told to mark such changes delivered).</summary>
    Delivered,

    /// <summary>Its deliveries failed as many times as allowed; it waits for a redelivery through the API.</summary>
    DeadLettered,
}
