using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;

namespace ServerTools.Infrastructure;

/// <summary>
/// Which tracked entities of an audited or tracked type the context did not load, so that their original values are
/// the application's, not the database's (<see cref="StoredOriginals"/> reads their stored rows when they are saved).
/// One instance per context (scoped in EF's internal services); a pooled context's is reset with it.
/// </summary>
/// <remarks>
/// <para>The rule is by origin, not by value: an entity's original values are the stored ones when a tracking query of
/// this context created it, or when this context saved it in full (an entity it inserted, once the save is accepted; an
/// entity of which the save wrote every property, such as <c>Update(dto)</c>). Every other entity the context tracks
/// was attached by the application (<c>Attach</c>, <c>Update</c>, <c>Entry(x).State = ...</c>, an added entity made
/// <c>Unchanged</c> or <c>Modified</c>): it is not loaded, and stays so until a save writes all of it.</para>
/// <para>EF's <see cref="ChangeTracker.Tracked"/> event tells entities attached by the application from those a query
/// creates. This listens to it from the context's first query or save: a query makes it listen before it creates an
/// entity, and what the context tracks when it starts listening was therefore attached by the application, or added.
/// Only the entities attached or added are kept (a handful per save, usually), never those a query loads.</para>
/// </remarks>
internal sealed class UnloadedEntries(IDbContextOptions contextOptions) : IDbCommandInterceptor, IResettableService
{
    private readonly ServerToolsOptions? _options = contextOptions.FindExtension<ServerToolsOptionsExtension>()?.Options;

    /// <summary>Entries attached by the application: their original values are not known to be the stored ones.</summary>
    private readonly HashSet<IUpdateEntry> _unloaded = new(ReferenceEqualityComparer.Instance);

    /// <summary>Entries added: loaded once a save inserts them, not loaded if the application makes them unchanged or modified first.</summary>
    private readonly HashSet<IUpdateEntry> _added = new(ReferenceEqualityComparer.Instance);

    /// <summary>The unloaded entries of which the current save writes every property: loaded once it is accepted.</summary>
    private List<IUpdateEntry>? _writtenInFull;

    /// <summary>The context whose <see cref="ChangeTracker.Tracked"/> event this listens to (a pooled context's are cleared with its state).</summary>
    private DbContext? _listening;

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Listen(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Listen(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>
    /// At the start of a save, changes detected: the entries of audited or tracked types that the context did not load
    /// whose stored rows are to be read: modified ones whose logs read the original value of a property the save writes,
    /// and deleted ones whose logs read their original values. Null when there are none, without a pass over the entries
    /// when the application attached nothing.
    /// </summary>
    public List<EntityEntry>? ToRead(DbContext context)
    {
        _writtenInFull = null;
        Listen(context);
        if (_unloaded.Count == 0 && _added.Count == 0)
        {
            return null;
        }

        List<EntityEntry>? read = null;
        List<IUpdateEntry> tracked = [];
        foreach (var entry in context.ChangeTracker.Entries())
        {
            var values = entry.Values();
            var added = _added.Contains(values);
            if (!added && !_unloaded.Contains(values))
            {
                continue;
            }

            tracked.Add(values);
            if (added && entry.State != EntityState.Added)
            {
                // Added, then made unchanged or modified by the application: its values are the application's.
                _added.Remove(values);
                _unloaded.Add(values);
            }

            if (entry.State == EntityState.Modified)
            {
                if (StoredOriginals.LogsAnyWrittenValue(entry, _options!))
                {
                    (read ??= []).Add(entry);
                }

                if (StoredOriginals.WritesEveryValue(entry))
                {
                    (_writtenInFull ??= []).Add(values);
                }
            }
            else if (entry.State == EntityState.Deleted && StoredOriginals.LogsDeletedValues(entry, _options!))
            {
                (read ??= []).Add(entry);
            }
        }

        // Entries detached, or dropped by ChangeTracker.Clear() (which raises no event): forgotten.
        if (tracked.Count < _unloaded.Count + _added.Count)
        {
            _unloaded.IntersectWith(tracked);
            _added.IntersectWith(tracked);
        }

        return read;
    }

    /// <summary>
    /// After a save (and EF's AcceptAllChanges): an added entity it inserted, and an unloaded one of which it wrote every
    /// property, hold the values it wrote as their original ones, and count as loaded from now on.
    /// </summary>
    public void Saved()
    {
        if (_added.Count > 0)
        {
            _added.RemoveWhere(static values => values.EntityState == EntityState.Unchanged);
        }

        if (_writtenInFull is { } written)
        {
            _writtenInFull = null;
            foreach (var values in written)
            {
                if (values.EntityState == EntityState.Unchanged)
                {
                    _unloaded.Remove(values);
                }
            }
        }
    }

    /// <summary>A pooled context goes back to the pool: its entries are gone, and EF drops the event handlers of the lease.</summary>
    public void ResetState()
    {
        _unloaded.Clear();
        _added.Clear();
        _writtenInFull = null;
        _listening = null;
    }

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        ResetState();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts listening to the context's <see cref="ChangeTracker.Tracked"/> event, once. No query of the context has
    /// created an entity before (a query's command comes first), and no save of it has run: what it tracks now was
    /// attached or added by the application.
    /// </summary>
    private void Listen(DbContext? context)
    {
        if (context is null
            || ReferenceEquals(_listening, context)
            || _options is not { } options
            || !(options.Auditing.Enabled || options.Tracking.Enabled))
        {
            return;
        }

        _listening = context;
        var tracker = context.ChangeTracker;
        tracker.Tracked += OnTracked;

        // Read as the entries are: a query does not detect changes, and neither does this.
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries())
            {
                Note(entry);
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>An entity a query creates is loaded: it is not kept. Every other one the context starts tracking is.</summary>
    private void OnTracked(object? sender, EntityTrackedEventArgs args)
    {
        if (!args.FromQuery)
        {
            Note(args.Entry);
        }
    }

    private void Note(EntityEntry entry)
    {
        if (!StoredOriginals.IsLogged(entry.Metadata, _options!))
        {
            return;
        }

        var values = entry.Values();
        if (entry.State == EntityState.Added)
        {
            _unloaded.Remove(values);
            _added.Add(values);
        }
        else
        {
            _added.Remove(values);
            _unloaded.Add(values);
        }
    }
}
