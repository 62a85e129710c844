using System;
using System.Linq.Expressions;
using System.Reflection;

namespace ServerTools.Rules;

/// <summary>
/// Knows whether a navigation of an entity is loaded: the change tracker of the context that tracks the entity, when
/// there is one. The engine makes one current (<see cref="Use"/>) while it runs the data rules of an entity, so that the
/// in-memory form of a rule (<see cref="RuleNavigations.Read{T}"/>) can tell a navigation that is null, or a collection
/// that is empty, from one that was not loaded.
/// </summary>
internal abstract class RuleNavigationTracker
{
    [ThreadStatic]
    private static RuleNavigationTracker? s_current;

    /// <summary>The tracker of the evaluation running on this thread, or <see langword="null"/>: every navigation reads as it is.</summary>
    public static RuleNavigationTracker? Current => s_current;

    /// <summary>
    /// Makes <paramref name="tracker"/> current until the returned scope is disposed, then the one before it; what it
    /// remembers of earlier evaluations is forgotten (<see cref="Reset"/>), since navigations may have been loaded since.
    /// </summary>
    public static Scope Use(RuleNavigationTracker tracker)
    {
        var previous = s_current;
        tracker.Reset();
        s_current = tracker;
        return new Scope(previous);
    }

    /// <summary>Forgets what the tracker remembers of the navigations it was asked about.</summary>
    protected abstract void Reset();

    /// <summary>
    /// Whether the navigation <paramref name="navigation"/> of <paramref name="entity"/>, which holds <paramref name="value"/>,
    /// reads as the database has it: <see langword="null"/> when it does, else why not. A context tracks the entity and
    /// did not load the navigation; or no context tracks it and it is a null reference whose foreign key on the entity
    /// holds a value (bound from a request body: the key was set, the navigation never loaded). A plain object's null
    /// reference without a foreign key value is null, and its collection is what it holds.
    /// </summary>
    public abstract NotLoadedNavigation? NotLoaded(object entity, string navigation, object? value);

    /// <summary>Puts the tracker that was current back.</summary>
    public readonly struct Scope(RuleNavigationTracker? previous) : IDisposable
    {
        public void Dispose() => s_current = previous;
    }
}

/// <summary>The in-memory form's read of a navigation: the value, or an error when a context tracks the entity and did not load it.</summary>
internal static class RuleNavigations
{
    private static readonly MethodInfo s_read = typeof(RuleNavigations).GetMethod(nameof(Read))!;

    /// <summary><c>RuleNavigations.Read(source, source.Navigation, "Navigation", isCollection)</c>, for a <paramref name="source"/> that is not null.</summary>
    public static Expression Call(Expression source, PropertyInfo navigation, bool isCollection)
        => Expression.Call(
            s_read.MakeGenericMethod(navigation.PropertyType),
            RuleMemory.ConvertTo(source, typeof(object)),
            Expression.Property(source, navigation),
            Expression.Constant(navigation.Name),
            Expression.Constant(isCollection));

    /// <summary>
    /// <paramref name="value"/>, the navigation <paramref name="navigation"/> of <paramref name="entity"/>, when it reads as
    /// the database has it. A reference that is not null is; a null reference or a collection is asked of the
    /// current <see cref="RuleNavigationTracker"/>.
    /// </summary>
    /// <exception cref="RuleNavigationNotLoadedException">
    /// A context tracks the entity and did not load the navigation, or no context tracks it and the navigation is a null
    /// reference whose foreign key holds a value.
    /// </exception>
    public static T Read<T>(object entity, T value, string navigation, bool isCollection)
    {
        if ((isCollection || value is null)
            && RuleNavigationTracker.Current is { } tracker
            && tracker.NotLoaded(entity, navigation, value) is { } why)
        {
            throw new RuleNavigationNotLoadedException(entity.GetType(), navigation, isCollection, why);
        }

        return value;
    }
}

/// <summary>Why a navigation does not read as the database has it: what the entity is to the context, and what to do.</summary>
internal enum NotLoadedReason
{
    /// <summary>A context tracks the entity, which it read from the database, and did not load the navigation.</summary>
    Tracked,

    /// <summary>A context tracks the entity as new (<c>Added</c>, not saved yet) and did not load the navigation.</summary>
    Added,

    /// <summary>No context the engine asks tracks the entity, and the navigation is null while its foreign key holds a value.</summary>
    Untracked,
}

/// <summary>Why a navigation is not loaded, and for <see cref="NotLoadedReason.Untracked"/> the names of its foreign key's properties.</summary>
internal sealed record NotLoadedNavigation(NotLoadedReason Reason, string? ForeignKey = null)
{
    /// <summary>A navigation of a tracked entity read from the database.</summary>
    public static readonly NotLoadedNavigation Tracked = new(NotLoadedReason.Tracked);

    /// <summary>A navigation of a new (<c>Added</c>) tracked entity.</summary>
    public static readonly NotLoadedNavigation Added = new(NotLoadedReason.Added);
}

/// <summary>
/// A data rule read a navigation that was not loaded: reading it as null, or as an empty collection, would let the rule
/// pass unchecked, so the rule is reported as failed with this exception. Its message says how to load the navigation,
/// for the state the entity is in: a query's <c>Include</c> or <c>CheckRulesAsync</c> for an entity read from the database,
/// <c>Entry(...).Reference(...).Load()</c> for a new one, attaching it first for one no context tracks.
/// </summary>
internal sealed class RuleNavigationNotLoadedException(Type entityType, string navigation, bool isCollection, NotLoadedNavigation why)
    : InvalidOperationException(Describe(entityType.Name, navigation, isCollection, why))
{
    private static string Describe(string entity, string navigation, bool isCollection, NotLoadedNavigation why)
    {
        var load = $"context.Entry(entity).{(isCollection ? "Collection" : "Reference")}(\"{navigation}\").Load()";
        var asWhat = isCollection ? "the entities the context happens to hold" : "null";
        return why.Reason switch
        {
            NotLoadedReason.Added =>
                $"It reads {entity}.{navigation}, which is not loaded: this {entity} is new (Added, not saved yet) and the context that tracks it did not load "
                + $"{(isCollection ? "that collection" : "it")}, so reading it as {asWhat} would let the rule pass unchecked. Load it before the check: {load}; "
                + "or evaluate the entity with context.EvaluateRulesAsync(engine, entity), which loads what the data rules read and stores nothing. "
                + "(A query's Include and CheckRulesAsync apply to saved entities only.)",
            NotLoadedReason.Untracked =>
                $"It reads {entity}.{navigation}, which is null while its foreign key ({why.ForeignKey}) holds a value: the context the rules ran with does not "
                + $"track this {entity} (built from a request body, read with AsNoTracking(), or tracked by another context), so {navigation} was never loaded, "
                + $"and reading it as null would let the rule pass unchecked. Before the check, set {navigation} to the entity its key names (such as with context.Find), "
                + $"or let the context track this {entity} and load it: context.Add(entity) for a new one (context.Attach(entity) for a saved one), then {load}.",
            _ =>
                $"It reads {entity}.{navigation}, which is not loaded: the context that tracks this {entity} did not load "
                + $"{(isCollection ? "that collection (or only part of it)" : "it")}, and reading it as {asWhat} "
                + $"would let the rule pass unchecked. Load it before the check: Include(x => x.{navigation}) in the query, or "
                + $"{load}; or check the entity with context.CheckRulesAsync(engine, entity), which loads what the data rules read.",
        };
    }
}
