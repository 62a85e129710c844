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
    /// reads as the database has it: true for an entity no context tracks (a plain object: its null is null, its
    /// collection is what it holds), false when a context tracks it and did not load the navigation.
    /// </summary>
    public abstract bool IsLoaded(object entity, string navigation, object? value);

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
    /// <exception cref="RuleNavigationNotLoadedException">A context tracks the entity and did not load the navigation.</exception>
    public static T Read<T>(object entity, T value, string navigation, bool isCollection)
    {
        if ((isCollection || value is null)
            && RuleNavigationTracker.Current is { } tracker
            && !tracker.IsLoaded(entity, navigation, value))
        {
            throw new RuleNavigationNotLoadedException(entity.GetType(), navigation, isCollection);
        }

        return value;
    }
}

/// <summary>
/// A data rule read a navigation that the context tracking the entity did not load: reading it as null, or as an empty
/// collection, would let the rule pass unchecked, so the rule is reported as failed with this exception.
/// </summary>
internal sealed class RuleNavigationNotLoadedException(Type entityType, string navigation, bool isCollection)
    : InvalidOperationException(
        $"It reads {entityType.Name}.{navigation}, which is not loaded: the context that tracks this {entityType.Name} did not load "
        + $"{(isCollection ? "that collection (or only part of it)" : "it")}, and reading it as {(isCollection ? "the entities the context happens to hold" : "null")} "
        + $"would let the rule pass unchecked. Load it before the check: Include(x => x.{navigation}) in the query, or "
        + $"context.Entry(entity).{(isCollection ? "Collection" : "Reference")}(\"{navigation}\").Load(); or check the entity with "
        + "context.CheckRulesAsync(engine, entity), which loads what the data rules read.")
;
