using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ServerTools.FuzzySearch;
using ServerTools.TimeWindows;

namespace ServerTools.Infrastructure;

/// <summary>
/// ServerTools' observer of EF Core's <see cref="DiagnosticListener"/> (<c>Microsoft.EntityFrameworkCore</c>, one per EF Core
/// service provider): the one thing of EF Core's that sees every context of the process, also those whose options do not
/// call <c>UseServerTools()</c>. It asks for two events only, so EF Core builds event data for no other:
/// <list type="bullet">
/// <item><see cref="CoreEventId.SaveChangesStarting"/>, written at the start of every SaveChanges and SaveChangesAsync
/// before changes are detected or a connection is opened: <see cref="SetupGuard"/> refuses the save of a context without
/// <c>UseServerTools()</c> that would add, modify or delete <c>[Audited]</c> or <c>[Tracked]</c> entities;</item>
/// <item><see cref="CoreEventId.QueryIterationFailed"/>, written when a query failed, after EF Core closed its command and
/// connection: <see cref="TrigramErrors"/> explains a fuzzy search on a database without pg_trgm, and
/// <see cref="ServerToolsTables.ExplainQuery"/> a query of one of ServerTools' tables on a database without it or without a
/// column ServerTools maps on it, and
/// <see cref="TimeWindowColumnErrors.ExplainQuery"/> a query of a <c>[TimeWindowed]</c> entity's table without the columns
/// ServerTools maps on it.</item>
/// </list>
/// EF Core writes both inside its own <c>try</c> or <c>catch</c> and lets an observer's exception through as it lets its
/// own (a refused save leaves the entries as they were, a failed query as after its own error).
/// </summary>
internal static class EfCoreEvents
{
    private static readonly string s_saveChangesStarting = CoreEventId.SaveChangesStarting.Name!;
    private static readonly string s_queryIterationFailed = CoreEventId.QueryIterationFailed.Name!;

    private static int s_subscribed;

    /// <summary>
    /// Subscribes, the first time it is called, for the life of the process: to every listener of EF Core created so far and
    /// from now on. Called when generated code registers an audit or tracking descriptor, and by <c>UseServerTools()</c>.
    /// </summary>
    public static void Subscribe()
    {
        if (Interlocked.Exchange(ref s_subscribed, 1) == 0)
        {
            _ = DiagnosticListener.AllListeners.Subscribe(new ListenerObserver());
        }
    }

    private static bool IsObserved(string name)
        => string.Equals(name, s_saveChangesStarting, StringComparison.Ordinal) || string.Equals(name, s_queryIterationFailed, StringComparison.Ordinal);

    private sealed class ListenerObserver : IObserver<DiagnosticListener>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                _ = value.Subscribe(new EventObserver(), static name => IsObserved(name));
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }

    private sealed class EventObserver : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            // A listener sends every event it is given to all its observers, also those another observer asked for.
            if (value.Value is DbContextEventData { Context: { } context } && string.Equals(value.Key, s_saveChangesStarting, StringComparison.Ordinal))
            {
                SetupGuard.Check(context);
            }
            else if (value.Value is DbContextTypeErrorEventData { Exception: var exception, ContextType: var contextType }
                && string.Equals(value.Key, s_queryIterationFailed, StringComparison.Ordinal)
                && (TrigramErrors.Explain(exception)
                    ?? ServerToolsTables.ExplainQuery(exception, contextType)
                    ?? TimeWindowColumnErrors.ExplainQuery(exception, contextType)) is { } explained)
            {
                throw explained;
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
