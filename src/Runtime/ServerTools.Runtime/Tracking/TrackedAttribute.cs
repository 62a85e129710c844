using System;

namespace ServerTools;

/// <summary>
/// Tracks changes of an entity's fields: on the class, every mapped scalar property; on properties, only those.
/// The class must be <see langword="partial"/>: at compile time ServerTools generates, for each tracked property
/// <c>X</c> of type <c>T</c>, a hook <c>partial void OnXChanged(T oldValue, T newValue)</c> that runs inside
/// SaveChanges, and a typed description of the tracked fields (<c>TrackedFields</c>) for subscribers.
/// </summary>
/// <remarks>
/// Hooks run on updates, once per changed field, in property order (base class first), after EF Core detected the
/// changes and before any SQL is sent; what a hook changes is saved in the same call, and an exception in a hook
/// aborts the save. Each committed change is also delivered to the application's
/// <see cref="ITrackedChangeHandler{T}"/> services through an outbox written in the same transaction.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class TrackedAttribute : Attribute
{
    /// <summary>
    /// Which operations of the entity are delivered to subscribers. Default: <see cref="TrackedOperations.Update"/>;
    /// creations and deletions are opt-in. Hooks run on updates only.
    /// </summary>
    /// <remarks>
    /// Operations are the entity's, not a field's: a creation or a deletion carries every tracked field. On a class marked
    /// <c>[Tracked]</c>, the class's value applies; on one of its properties, another value is ignored (warning ST2007).
    /// On the properties of a class not marked <c>[Tracked]</c> itself, the class delivers every operation that one of
    /// its tracked properties asks for (their union, inherited and overridden declarations included, but not properties
    /// declared in a <c>[Tracked]</c> base class), so <c>[Tracked(Operations = TrackedOperations.All)]</c> on one property
    /// tracks that property only and delivers creations and deletions too. A class derived from a tracked class that marks
    /// a property of its own is tracked by its own marks only (its name, those properties, their Operations), no longer as
    /// its base class.
    /// </remarks>
    public TrackedOperations Operations { get; set; } = TrackedOperations.Update;
}

/// <summary>The operations of a <see cref="TrackedAttribute">[Tracked]</see> entity that are delivered to subscribers.</summary>
[Flags]
public enum TrackedOperations
{
    /// <summary>Nothing is delivered.</summary>
    None = 0,

    /// <summary>Inserts: every tracked field, with no old value.</summary>
    Create = 1,

    /// <summary>Updates that change at least one tracked field: the changed fields, old and new. The default.</summary>
    Update = 2,

    /// <summary>Deletes: every tracked field, with no new value.</summary>
    Delete = 4,

    /// <summary>Create, update and delete.</summary>
    All = Create | Update | Delete,
}

/// <summary>What a <see cref="TrackedChange{T}"/> reports.</summary>
public enum TrackedOperation
{
    /// <summary>The entity was inserted.</summary>
    Create,

    /// <summary>The entity was updated.</summary>
    Update,

    /// <summary>The entity was deleted.</summary>
    Delete,
}
