using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Tracking;

namespace ServerTools;

/// <summary>
/// Receives the committed changes of <typeparamref name="T"/>, a <see cref="TrackedAttribute">[Tracked]</see> entity.
/// Register it as an ordinary DI service (<c>services.AddScoped&lt;ITrackedChangeHandler&lt;SaleOrder&gt;, NotifyWarehouse&gt;()</c>);
/// the dispatcher resolves it in a scope of its own for each change.
/// </summary>
/// <remarks>
/// Delivery is at least once: a change whose dispatcher died before recording its delivery is delivered again, to every
/// handler of its type; a change one handler failed is retried with backoff, then dead-lettered, and its retries go to
/// the handlers that have not handled it yet. Use <see cref="TrackedChange{T}.ChangeId"/> to make a handler idempotent.
/// The changes of one entity reach a handler in the order they were committed (<see cref="TrackedChange{T}.Sequence"/>),
/// except a dead-lettered one, which its entity's later changes overtake.
/// </remarks>
/// <typeparam name="T">The tracked entity type.</typeparam>
public interface ITrackedChangeHandler<T>
    where T : class
{
    /// <summary>Handles one committed change.</summary>
    Task HandleAsync(TrackedChange<T> change, CancellationToken cancellationToken);
}

/// <summary>One tracked field of a <see cref="TrackedChange{T}"/>: its old and new value as invariant text.</summary>
/// <param name="Field">The property name.</param>
/// <param name="OldValue">The value before the change; null on create or when it was null.</param>
/// <param name="NewValue">The value after the change; null on delete or when it is null.</param>
public sealed record TrackedFieldChange(string Field, string? OldValue, string? NewValue);

/// <summary>
/// One committed change of a <see cref="TrackedAttribute">[Tracked]</see> entity, as a subscriber receives it: what
/// happened, to which row, who did it, and the old and new value of every tracked field that changed (all tracked
/// fields on create and delete). Read values typed with <see cref="TryGet{TValue}"/> and the entity's generated
/// <c>TrackedFields</c>: <c>change.TryGet(SaleOrder.TrackedFields.State, out var from, out var to)</c>.
/// </summary>
/// <typeparam name="T">The tracked entity type.</typeparam>
public sealed class TrackedChange<T>
    where T : class
{
    private readonly Dictionary<string, TrackedFieldChange> _byName;
    private readonly IEntityType? _model;

    internal TrackedChange(
        Guid changeId, TrackedOperation operation, string entityType, string entityKey, DateTimeOffset timestamp,
        string? userId, string? userName, string? tenantId, int attempt, long sequence, IReadOnlyList<TrackedFieldChange> fields,
        IEntityType? model)
    {
        _model = model;
        ChangeId = changeId;
        Operation = operation;
        EntityType = entityType;
        EntityKey = entityKey;
        Timestamp = timestamp;
        UserId = userId;
        UserName = userName;
        TenantId = tenantId;
        Attempt = attempt;
        Sequence = sequence;
        Fields = fields;
        _byName = new Dictionary<string, TrackedFieldChange>(fields.Count, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            _byName[field.Field] = field;
        }
    }

    /// <summary>A stable id of the change, the same on every delivery of it: the key for idempotent handlers.</summary>
    public Guid ChangeId { get; }

    /// <summary>What happened.</summary>
    public TrackedOperation Operation { get; }

    /// <summary>The stable name of the entity type (its full CLR name).</summary>
    public string EntityType { get; }

    /// <summary>The entity's primary key as text (composite keys as their parts joined by <c>|</c>, as in the audit trail).</summary>
    public string EntityKey { get; }

    /// <summary>When the change was saved, in UTC.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The acting user's id, when there was an actor (<see cref="AuditActor"/>).</summary>
    public string? UserId { get; }

    /// <summary>The acting user's display name, when known.</summary>
    public string? UserName { get; }

    /// <summary>The tenant the change was made in, when the application has tenants.</summary>
    public string? TenantId { get; }

    /// <summary>
    /// Which try this is since the change was written or last redelivered (<c>RedeliverTrackedChangesAsync</c>): 1, then one
    /// more after each recorded failure. A delivery that was never recorded, because its dispatcher died mid-pass, is not
    /// counted: 1 does not prove that a handler sees the change for the first time; <see cref="ChangeId"/> does.
    /// </summary>
    public int Attempt { get; }

    /// <summary>
    /// The order of this change among the changes of the same entity (<see cref="EntityType"/> and <see cref="EntityKey"/>):
    /// a later committed change has a higher number. The changes of one entity are delivered in this order; a
    /// dead-lettered change that is redelivered comes after later ones, which a handler can tell by this number.
    /// </summary>
    public long Sequence { get; }

    /// <summary>The tracked fields that changed, in property order, with their values as invariant text.</summary>
    public IReadOnlyList<TrackedFieldChange> Fields { get; }

    /// <summary>Whether the field named <paramref name="field"/> is part of this change.</summary>
    public bool HasChanged(string field) => _byName.ContainsKey(field);

    /// <summary>The typed old and new value of <paramref name="field"/>, when it is part of this change.</summary>
    /// <param name="field">A field of the entity's generated <c>TrackedFields</c> class.</param>
    /// <param name="oldValue">The value before (<see langword="default"/> on create).</param>
    /// <param name="newValue">The value after (<see langword="default"/> on delete).</param>
    /// <returns>False when the field did not change.</returns>
    /// <remarks>
    /// A field whose text the EF Core model decides is read back through the model: a converted value (a strongly typed
    /// id) through its converter; a primitive collection as an array or a <c>List&lt;TElement&gt;</c>, so into a property of
    /// an array type, <c>List&lt;T&gt;</c>, or an interface <c>List&lt;T&gt;</c> implements (another collection type throws an
    /// <see cref="InvalidOperationException"/> that says so). A masked field (<c>[AuditMask]</c>) throws, as its values are
    /// not in the outbox.
    /// </remarks>
    public bool TryGet<TValue>(TrackedField<T, TValue> field, out TValue oldValue, out TValue newValue)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!_byName.TryGetValue(field.Name, out var change))
        {
            oldValue = default!;
            newValue = default!;
            return false;
        }

        if (field.IsFromModel)
        {
            var property = _model?.FindProperty(field.Name) ?? throw new InvalidOperationException(
                $"The tracked field '{field.Name}' of '{EntityType}' is read back through the EF Core model (its value converter, or its "
                + "elements' for a collection), and the model of the dispatcher's context does not map it as a property of "
                + $"'{typeof(T)}'. Deliver the change with the context that wrote it.");
            oldValue = field.Parse(change.OldValue, property);
            newValue = field.Parse(change.NewValue, property);
            return true;
        }

        oldValue = field.Parse(change.OldValue);
        newValue = field.Parse(change.NewValue);
        return true;
    }
}
