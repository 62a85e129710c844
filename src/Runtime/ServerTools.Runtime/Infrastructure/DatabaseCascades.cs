using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.ChangeTracking.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Query;
using ServerTools.Auditing;
using ServerTools.Tracking;

namespace ServerTools.Infrastructure;

/// <summary>
/// The rows a delete's <c>ON DELETE CASCADE</c> or <c>ON DELETE SET NULL</c> reaches in the database, brought into the
/// change tracker before the save, so that EF Core deletes them (or sets their foreign key to null) itself and the audit
/// trail and the outbox see them (<see cref="ServerToolsOptions.LoadCascadedDependents"/>). Without this, a dependent the
/// context had not loaded is deleted or changed by the database alone, and no log or outbox message says so.
/// </summary>
/// <remarks>
/// <para>For each deleted entity whose type is the principal of a relationship mapped to a foreign key constraint with
/// <c>ON DELETE CASCADE</c> or <c>ON DELETE SET NULL</c> (<see cref="DeleteBehavior.Cascade"/>, <see cref="DeleteBehavior.SetNull"/>;
/// a relationship without a constraint, such as one to a TPC hierarchy's base type, changes nothing in the database and is
/// not followed) to a dependent type whose delete (for a cascade) or update (for a SET NULL) the save logs (audited or
/// tracked with that operation, or the join type of a many-to-many link), or a cascade deletes further down to one, the
/// dependents are read with one tracking query per relationship (query filters ignored: the
/// database deletes the rows they hide; up to <see cref="StoredRows.MaxPerQuery"/> principals a query; no Read audit logs),
/// then EF Core's own cascade of those relationships is applied to them, as it applies it to dependents the context tracks
/// when the principal is deleted. The dependents it deletes are followed in turn (an invoice's lines), each entity once, so
/// a self-referencing tree ends. A principal whose navigation the context has loaded is read for all the same: EF Core
/// marks a navigation loaded after an <c>Include</c> or explicit load that a query filter trimmed, and after a filtered
/// <c>Include</c>. With a cascade timing of <see cref="CascadeTiming.OnSaveChanges"/>, EF Core's cascades of the tracked
/// entities are applied first, as its save would, so that the orphans and dependents it deletes there are followed too.</para>
/// <para>Nothing is read for an application that turns EF Core's cascade off (<see cref="CascadeTiming.Never"/>): it
/// has taken deletes of dependents into its own hands (the database's cascades still run, unlogged). Owned types are
/// loaded with their owner; a foreign key of an owned type stored in its owner's row is followed to the owner, which an
/// <c>ON DELETE CASCADE</c> deletes whole (<see cref="DeleteOwners"/>); one of an owned type with a table of its own is
/// not followed. Keyless types are left out (EF Core tracks none).</para>
/// </remarks>
// EF Core's state manager is used directly (an internal API, as ServerTools uses elsewhere: EntryValues, EfRuleNavigations):
// it lists the deleted entries without a pass over every tracked one, and applies EF Core's cascade of one relationship,
// which no public API does (ChangeTracker.CascadeChanges() forces every cascade of every entry).
#pragma warning disable EF1001
internal static class DatabaseCascades
{
    private const string AnnotationName = "ServerTools:DatabaseCascades";

    /// <summary><c>EF.Property&lt;T&gt;</c>, generic.</summary>
    private static readonly System.Reflection.MethodInfo s_property = typeof(EF).GetMethod(nameof(EF.Property))!;

    /// <summary>
    /// Loads the dependents that the database's cascades of the context's deleted entities reach, and cascades to them
    /// (see the class). Changes must have been detected; automatic detection is off.
    /// </summary>
    /// <param name="context">The saving context.</param>
    /// <param name="options">ServerTools' options of the context.</param>
    /// <param name="deletedModified">
    /// When not null, receives the entries the application had modified that the cascades applied early (for a cascade or
    /// orphan timing of <see cref="CascadeTiming.OnSaveChanges"/>) deleted: EF Core, cascading after the SaveChanges
    /// interceptors, would have let the save's change hooks run for them, as modified entries.
    /// </param>
    /// <param name="async">Whether to query asynchronously.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>
    /// What puts the dependents back when a later SaveChanges interceptor of the application turns a principal's delete into
    /// something else (<see cref="CascadeUndo"/>), listening until <see cref="CascadeUndo.Stop"/>; null when nothing was cascaded.
    /// </returns>
    public static async Task<CascadeUndo?> LoadAsync(
        DbContext context, ServerToolsOptions options, List<EntityEntry>? deletedModified, bool async, CancellationToken cancellationToken)
    {
        // A provider that is not relational (the in-memory one) has no constraints: its store deletes nothing by itself.
        var tracker = context.ChangeTracker;
        if (tracker.CascadeDeleteTiming == CascadeTiming.Never || !context.Database.IsRelational())
        {
            return null;
        }

        var followed = Followed(context.Model, options.Auditing.Enabled, options.Tracking.Enabled);
        if (followed.Count == 0)
        {
            return null;
        }

        var stateManager = context.GetService<IStateManager>();
        var undo = new CascadeUndo(tracker);
        IReadOnlyList<InternalEntityEntry>? changed = null;
        if (tracker.CascadeDeleteTiming == CascadeTiming.OnSaveChanges || tracker.DeleteOrphansTiming == CascadeTiming.OnSaveChanges)
        {
            // EF Core applies these cascades at the start of its save (its CascadeChanges), after the SaveChanges interceptors:
            // an orphan it deletes there, or a dependent its cascade deletes, is deleted now, so that the dependents the
            // database deletes with it are read too. Not forced, as EF Core's is not: a timing of Never is respected. Each
            // deleted principal's cascade is recorded as its own, so that a later interceptor that turns its delete into
            // something else (a soft delete, the reason for this timing) gets its dependents back, as EF Core, cascading
            // after that interceptor, would have left them.
            changed = stateManager.ToListForState(added: true, modified: true);
            foreach (var orphan in changed)
            {
                if (orphan.HasConceptualNull)
                {
                    orphan.HandleConceptualNulls(stateManager.SensitiveLoggingEnabled, force: false, isCascadeDelete: false);
                }
            }

            // The entities the application changed, of the types these cascades reach, are kept as they are before them
            // (they may delete them or set a foreign key of theirs to null): put back, they are saved with their own
            // changes only.
            var deletedEntries = stateManager.ToListForState(deleted: true);
            if (deletedEntries.Count > 0)
            {
                undo.Watch(stateManager.ToListForState(modified: true), Reachable(deletedEntries));
            }

            foreach (var deleted in deletedEntries)
            {
                undo.Record(deleted, () => stateManager.CascadeDelete(deleted, force: false));
            }
        }

        // The cascade's query is no read of the application's: entities of a type audited with reads get no Read log.
        var reads = context.GetService<AuditReadRecorder>();
        var done = new HashSet<InternalEntityEntry>(ReferenceEqualityComparer.Instance);
        HashSet<(InternalEntityEntry, IKey)>? storedKeys = null;
        while (Pending(stateManager, followed, done) is { } pending)
        {
            foreach (var (foreignKey, principals) in pending)
            {
                if (!foreignKey.PrincipalKey.IsPrimaryKey())
                {
                    await StoredAlternateKeysAsync(context, foreignKey.PrincipalKey, principals, storedKeys ??= [], async, cancellationToken).ConfigureAwait(false);
                }

                // Every principal is read for, also one whose navigation the context has loaded: EF Core marks it loaded
                // after an Include or an explicit load that a query filter, or a filtered Include, trimmed. A dependent the
                // context tracks already is not tracked twice (identity resolution).
                var keys = new List<object?[]>(principals.Count);
                foreach (var principal in principals)
                {
                    keys.Add(PrincipalKey(principal, foreignKey));
                }

                var ownerRow = foreignKey.DeclaringEntityType.IsOwned() ? OwnerRow(foreignKey.DeclaringEntityType) : null;
                var loaded = new List<object>();
                for (var start = 0; start < keys.Count; start += StoredRows.MaxPerQuery)
                {
                    var query = DependentsQuery(context, foreignKey, ownerRow, keys, start, Math.Min(StoredRows.MaxPerQuery, keys.Count - start));
                    reads.Paused = true;
                    try
                    {
                        loaded.AddRange(async ? await query.ToListAsync(cancellationToken).ConfigureAwait(false) : query.ToList());
                    }
                    finally
                    {
                        reads.Paused = false;
                    }
                }

                if (ownerRow is { } row && foreignKey.DeleteBehavior == DeleteBehavior.Cascade)
                {
                    DeleteOwners(stateManager, undo, foreignKey, row.Path, principals, loaded);
                    continue;
                }

                // EF Core's own cascade, as at the delete (or in the save, with CascadeTiming.OnSaveChanges): the dependents
                // now tracked are deleted, or get a null foreign key, by the relationship's DeleteBehavior. (An owned
                // dependent's foreign key set to null is its owner's column, as in the database.)
                IForeignKey[] only = [foreignKey];
                foreach (var principal in principals)
                {
                    undo.Record(principal, () => stateManager.CascadeDelete(principal, force: false, only));
                }
            }
        }

        // After the loading's cascades too: a principal they delete may set a foreign key of a watched entry to null.
        undo.RecordNulledForeignKeys(stateManager);

        // An added entry a cascade deletes is detached: those deleted now were modified.
        if (deletedModified is not null && changed is not null)
        {
            foreach (var entry in changed)
            {
                if (entry.EntityState == EntityState.Deleted)
                {
                    deletedModified.Add(entry.ToEntityEntry());
                }
            }
        }

        return undo.Listen();
    }

    /// <summary>
    /// The entity types EF Core's cascades of <paramref name="deleted"/> may delete or set a foreign key of: the dependents
    /// of their relationships that cascade or set null (also on the client), and those of these, at any depth. A modified
    /// entry of another type is left as it is by those cascades, and need not be watched.
    /// </summary>
    private static HashSet<IEntityType> Reachable(IReadOnlyList<InternalEntityEntry> deleted)
        => ReachedThrough(
            deleted.Select(static entry => entry.EntityType),
            static foreignKey => foreignKey.DeleteBehavior is not (DeleteBehavior.Restrict or DeleteBehavior.NoAction or DeleteBehavior.ClientNoAction));

    /// <summary>
    /// The entity types reached from <paramref name="from"/> through the foreign keys that refer to them and that
    /// <paramref name="follow"/> accepts (each key's dependent type and the types derived from it), at any depth. A type of
    /// <paramref name="from"/> is in it only when reached.
    /// </summary>
    private static HashSet<IEntityType> ReachedThrough(IEnumerable<IEntityType> from, Func<IForeignKey, bool> follow)
    {
        var reached = new HashSet<IEntityType>();
        var visited = new HashSet<IEntityType>();
        var pending = new Stack<IEntityType>(from);
        while (pending.TryPop(out var type))
        {
            if (!visited.Add(type))
            {
                continue;
            }

            foreach (var foreignKey in type.GetReferencingForeignKeys())
            {
                if (follow(foreignKey))
                {
                    foreach (var dependent in foreignKey.DeclaringEntityType.GetDerivedTypesInclusive())
                    {
                        reached.Add(dependent);
                        pending.Push(dependent);
                    }
                }
            }
        }

        return reached;
    }

    /// <summary>The deleted entries not handled yet whose type is the principal of a relationship to follow, by relationship; null when there are none.</summary>
    private static Dictionary<IForeignKey, List<InternalEntityEntry>>? Pending(
        IStateManager stateManager, Dictionary<IEntityType, IForeignKey[]> followed, HashSet<InternalEntityEntry> done)
    {
        Dictionary<IForeignKey, List<InternalEntityEntry>>? pending = null;
        foreach (var entry in stateManager.GetEntriesForState(deleted: true))
        {
            if (!followed.TryGetValue(entry.EntityType, out var foreignKeys) || !done.Add(entry))
            {
                continue;
            }

            pending ??= [];
            foreach (var foreignKey in foreignKeys)
            {
                if (!pending.TryGetValue(foreignKey, out var principals))
                {
                    pending.Add(foreignKey, principals = []);
                }

                principals.Add(entry);
            }
        }

        return pending;
    }

    /// <summary>
    /// Gives the principals the stored values of an alternate key their dependents refer to. A principal deleted as a stub
    /// (<c>Remove(new Desk { Id = id })</c>) holds its primary key only, and placeholders for the rest: the dependents would
    /// be looked for by the placeholders, EF Core would find none of them its dependents, and it could order the principal's
    /// delete before theirs, which the database's cascade makes fail. The stored values become the key's original and
    /// current ones (EF Core fixes up the dependents it tracks by them); a principal whose row is gone keeps its own, and
    /// the save's delete finds no row. One query per key and principal type; each principal once.
    /// </summary>
    private static async Task StoredAlternateKeysAsync(
        DbContext context, IKey key, List<InternalEntityEntry> principals, HashSet<(InternalEntityEntry, IKey)> done, bool async, CancellationToken cancellationToken)
    {
        var primaryKey = key.DeclaringEntityType.FindPrimaryKey()!.Properties;
        var keys = new List<object?[]>(principals.Count);
        var entries = new List<InternalEntityEntry>(principals.Count);
        foreach (var principal in principals)
        {
            if (done.Add((principal, key)))
            {
                var primary = new object?[primaryKey.Count];
                for (var i = 0; i < primary.Length; i++)
                {
                    primary[i] = principal.GetOriginalValue(primaryKey[i]);
                }

                keys.Add(primary);
                entries.Add(principal);
            }
        }

        if (keys.Count == 0)
        {
            return;
        }

        var properties = key.Properties.ToArray();
        foreach (var (index, stored) in await StoredRows.ReadAsync(context, key.DeclaringEntityType, keys, properties, async, cancellationToken).ConfigureAwait(false))
        {
            var entry = entries[index];
            var differs = false;
            for (var i = 0; i < properties.Length && !differs; i++)
            {
                var comparer = properties[i].GetKeyValueComparer();
                differs = !comparer.Equals(entry.GetCurrentValue(properties[i]), stored[i]) || !comparer.Equals(entry.GetOriginalValue(properties[i]), stored[i]);
            }

            if (!differs)
            {
                continue;
            }

            // EF Core lets no key of a deleted entity change: the stub is unchanged while it takes the stored values (which
            // are then its original ones: nothing is marked modified), and is deleted again, as EF Core deletes an entity.
            for (var i = 0; i < properties.Length; i++)
            {
                entry.SetOriginalValue(properties[i], stored[i]);
            }

            entry.SetEntityState(EntityState.Unchanged);
            for (var i = 0; i < properties.Length; i++)
            {
                entry.SetProperty(properties[i], stored[i], isMaterialization: false, setModified: false);
            }

            entry.SetEntityState(EntityState.Deleted);
        }
    }

    /// <summary>The values of the principal key <paramref name="foreignKey"/> refers to, as the database holds them (the original ones).</summary>
    private static object?[] PrincipalKey(InternalEntityEntry principal, IForeignKey foreignKey)
    {
        var properties = foreignKey.PrincipalKey.Properties;
        var key = new object?[properties.Count];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = principal.GetOriginalValue(properties[i]);
        }

        return key;
    }

    /// <summary>
    /// The owner whose row an owned type is stored in (<c>OwnsOne</c> without a table of its own, at any depth), and the
    /// navigations from it to the owned type; null when the owned type has a table of its own, or is stored as JSON.
    /// </summary>
    private static (IEntityType Root, INavigation[] Path)? OwnerRow(IEntityType owned)
    {
        var path = new List<INavigation>();
        var type = owned;
        while (type.FindOwnership() is { PrincipalToDependent: { } navigation } ownership)
        {
            var owner = ownership.PrincipalEntityType;
            if (type.IsMappedToJson() || type.GetTableName() != owner.GetTableName() || type.GetSchema() != owner.GetSchema())
            {
                return null;
            }

            path.Insert(0, navigation);
            type = owner;
        }

        return type.IsOwned() ? null : (type, path.ToArray());
    }

    /// <summary>
    /// The owners of the loaded rows whose owned entity refers to a deleted principal by <paramref name="foreignKey"/>, an
    /// <c>ON DELETE CASCADE</c> in the owner's own row: the database deletes the row, so the owner is deleted (EF Core's
    /// cascade would delete the owned entity only, and clear its columns). An owned entity whose foreign key the
    /// application changed keeps its owner (EF Core updates the row first).
    /// </summary>
    private static void DeleteOwners(
        IStateManager stateManager, CascadeUndo undo, IForeignKey foreignKey, INavigation[] path, List<InternalEntityEntry> principals, List<object> owners)
    {
        var byKey = new Dictionary<object?[], InternalEntityEntry>(new StoredRows.KeyComparer(foreignKey.Properties));
        foreach (var principal in principals)
        {
            byKey.TryAdd(PrincipalKey(principal, foreignKey), principal);
        }

        foreach (var owner in owners)
        {
            var root = stateManager.TryGetEntry(owner, path[0].DeclaringEntityType);
            var entry = root;
            foreach (var navigation in path)
            {
                entry = entry?[navigation] is { } value ? stateManager.TryGetEntry(value, navigation.TargetEntityType) : null;
            }

            if (root is not { EntityState: EntityState.Unchanged or EntityState.Modified } || entry is null)
            {
                continue;
            }

            var key = new object?[foreignKey.Properties.Count];
            var moved = false;
            for (var i = 0; i < key.Length; i++)
            {
                var property = foreignKey.Properties[i];
                key[i] = entry.GetCurrentValue(property);
                moved |= !property.GetKeyValueComparer().Equals(key[i], entry.GetOriginalValue(property));
            }

            if (!moved && byKey.TryGetValue(key, out var principal))
            {
                undo.Record(principal, () => root.SetEntityState(EntityState.Deleted));
            }
        }
    }

    /// <summary>
    /// <c>dependents.IgnoreQueryFilters().Where(e =&gt; fk == k1 || ...).Select(e =&gt; (object)e)</c>, a tracking query of the
    /// dependents of <paramref name="foreignKey"/> whose foreign key holds one of the keys (<see cref="KeyPredicates.AnyOf"/>).
    /// For a foreign key of an owned type stored in its owner's row (<paramref name="ownerRow"/>), the owners are read, by
    /// their owned entity's foreign key (<c>e.ShipTo.CountryId</c>), and their owned entities with them.
    /// </summary>
    private static IQueryable<object> DependentsQuery(
        DbContext context, IForeignKey foreignKey, (IEntityType Root, INavigation[] Path)? ownerRow, List<object?[]> keys, int start, int count)
    {
        var type = ownerRow?.Root ?? foreignKey.DeclaringEntityType;
        var clrType = type.ClrType;
        var provider = context.GetService<IAsyncQueryProvider>();
        var entity = Expression.Parameter(clrType, "e");
        Expression holder = entity;
        foreach (var navigation in ownerRow?.Path ?? [])
        {
            holder = Expression.Call(s_property.MakeGenericMethod(navigation.ClrType), holder, Expression.Constant(navigation.Name));
        }

        Expression query = Expression.Call(StoredRows.IgnoreQueryFiltersMethod.MakeGenericMethod(clrType), new EntityQueryRootExpression(provider, type));
        query = Expression.Call(
            StoredRows.WhereMethod.MakeGenericMethod(clrType),
            query,
            Expression.Quote(Expression.Lambda(KeyPredicates.AnyOf(holder, foreignKey.Properties, keys, start, count), entity)));
        query = Expression.Call(
            StoredRows.SelectMethod.MakeGenericMethod(clrType, typeof(object)),
            query,
            Expression.Quote(Expression.Lambda(Expression.Convert(entity, typeof(object)), entity)));
        return provider.CreateQuery<object>(query);
    }

    /// <summary>
    /// The relationships to follow from each principal type (see the class), decided once per model and settings: every
    /// <see cref="DeleteBehavior.Cascade"/> relationship to a dependent type (or an owned type stored with it) whose deletes
    /// the save logs, every <see cref="DeleteBehavior.SetNull"/> one to a dependent type whose updates it logs, and every
    /// cascade to a dependent type (or an owned type stored with it) from which such a relationship is reached.
    /// </summary>
    private static Dictionary<IEntityType, IForeignKey[]> Followed(IModel model, bool auditing, bool tracking)
        => model.GetOrAddRuntimeAnnotationValue(
            AnnotationName + (auditing ? ":Audited" : "") + (tracking ? ":Tracked" : ""),
            static state => Compute(state.Model, state.Auditing, state.Tracking),
            (Model: model, Auditing: auditing, Tracking: tracking));

    private static Dictionary<IEntityType, IForeignKey[]> Compute(IModel model, bool auditing, bool tracking)
    {
        var candidates = new List<IForeignKey>();
        var cascades = new HashSet<IForeignKey>();
        foreach (var type in model.GetEntityTypes())
        {
            foreach (var foreignKey in type.GetDeclaredForeignKeys())
            {
                if (!foreignKey.IsOwnership
                    && (!type.IsOwned() || OwnerRow(type) is not null)
                    && type.FindPrimaryKey() is not null
                    && InDatabase(foreignKey) is { } action)
                {
                    candidates.Add(foreignKey);
                    if (action == ReferentialAction.Cascade)
                    {
                        cascades.Add(foreignKey);
                    }
                }
            }
        }

        // A relationship is followed when the save would log what the database does to a dependent type: a cascade when a
        // type it deletes logs deletes, or is the principal of a followed relationship (its own dependents are deleted with
        // it); a SET NULL when a type it changes logs updates. Repeated until nothing changes, for chains of any length.
        var followed = new HashSet<IForeignKey>();
        bool added;
        do
        {
            added = false;
            foreach (var foreignKey in candidates)
            {
                if (!followed.Contains(foreignKey)
                    && (cascades.Contains(foreignKey)
                        ? WithOwned(Dependents(foreignKey)).Any(dependent =>
                            LogsDelete(dependent, auditing, tracking) || dependent.GetReferencingForeignKeys().Any(followed.Contains))
                        : Dependents(foreignKey).Any(dependent => LogsUpdate(dependent, auditing, tracking))))
                {
                    followed.Add(foreignKey);
                    added = true;
                }
            }
        }
        while (added);

        var byPrincipal = new Dictionary<IEntityType, IForeignKey[]>();
        if (followed.Count == 0)
        {
            return byPrincipal;
        }

        foreach (var type in model.GetEntityTypes())
        {
            if (type.GetReferencingForeignKeys().Where(followed.Contains).ToArray() is { Length: > 0 } foreignKeys)
            {
                byPrincipal.Add(type, foreignKeys);
            }
        }

        return byPrincipal;
    }

    /// <summary>
    /// The types whose rows the database changes when a principal of <paramref name="foreignKey"/> is deleted: its
    /// dependent type and those derived from it; for an owned type stored in its owner's row, the owner's types too (its
    /// row is deleted, or its column set to null).
    /// </summary>
    private static IEnumerable<IEntityType> Dependents(IForeignKey foreignKey)
    {
        var dependents = foreignKey.DeclaringEntityType.GetDerivedTypesInclusive();
        return foreignKey.DeclaringEntityType.IsOwned() && OwnerRow(foreignKey.DeclaringEntityType) is { } row ? dependents.Concat(row.Root.GetDerivedTypesInclusive()) : dependents;
    }

    /// <summary>
    /// What the database does to the dependents of <paramref name="foreignKey"/> when their principal's row is deleted:
    /// <see cref="ReferentialAction.Cascade"/> or <see cref="ReferentialAction.SetNull"/> by the foreign key constraint it is
    /// mapped to, when EF Core's cascade of the relationship (its <see cref="DeleteBehavior"/>) does the same; else null. A
    /// relationship mapped to no constraint (a principal of a TPC hierarchy's base type; a dependent mapped to a view or a
    /// SQL query) changes no row in the database, and one whose constraint acts otherwise is not EF Core's to apply.
    /// </summary>
    private static ReferentialAction? InDatabase(IForeignKey foreignKey)
    {
        var expected = foreignKey.DeleteBehavior switch
        {
            DeleteBehavior.Cascade => ReferentialAction.Cascade,
            DeleteBehavior.SetNull => ReferentialAction.SetNull,
            _ => (ReferentialAction?)null,
        };
        var constraints = foreignKey.GetMappedConstraints().ToList();
        return expected is { } action && constraints.Count > 0 && constraints.All(constraint => constraint.OnDeleteAction == action) ? action : null;
    }

    /// <summary>
    /// <paramref name="types"/> and the owned types stored with them, at any depth: an entity's owned entities are deleted
    /// with it (in its row or in their own table).
    /// </summary>
    private static HashSet<IEntityType> WithOwned(IEnumerable<IEntityType> types)
    {
        var start = types.ToList();
        var all = ReachedThrough(start, static foreignKey => foreignKey.IsOwnership);
        all.UnionWith(start);
        return all;
    }

    /// <summary>
    /// Whether a save logs the delete of an entity of <paramref name="type"/>: audited with deletes, the join type of a
    /// many-to-many link an audited class may log, or tracked with deletes.
    /// </summary>
    private static bool LogsDelete(IEntityType type, bool auditing, bool tracking)
        => (auditing && ((AuditDescriptors.TryGet(type.ClrType, out var audit) && (audit.Operations & AuditOperations.Delete) != 0) || LinkChanges.IsJoin(type)))
            || (tracking && TrackedDescriptors.TryGet(type.ClrType, out var tracked) && (tracked.Operations & TrackedOperations.Delete) != 0);

    /// <summary>
    /// Whether a save logs an update of an entity of <paramref name="type"/> (a foreign key set to null): audited with
    /// updates, the join type of a many-to-many link an audited class may log, or tracked with updates or with change hooks
    /// (which run for every update).
    /// </summary>
    private static bool LogsUpdate(IEntityType type, bool auditing, bool tracking)
        => (auditing && ((AuditDescriptors.TryGet(type.ClrType, out var audit) && (audit.Operations & AuditOperations.Update) != 0) || LinkChanges.IsJoin(type)))
            || (tracking && TrackedDescriptors.TryGet(type.ClrType, out var tracked) && ((tracked.Operations & TrackedOperations.Update) != 0 || tracked.HasHooks));
}

/// <summary>
/// The changes <see cref="DatabaseCascades"/> made to the dependents of each principal, put back when the principal stops
/// being deleted before the save's statements: an application's SaveChanges interceptor runs after ServerTools', and may
/// turn a delete into an update (a soft delete, as EF Core's docs show). EF Core's own cascade in the save would then not
/// reach the dependents, and the database deletes nothing: neither may the loaded dependents be deleted, nor their foreign
/// keys set to null. A dependent put back is a principal too: what was cascaded from it is put back in turn.
/// </summary>
/// <remarks>
/// A delete is put back only while the dependent is still deleted (one the application changed since is its own), or when
/// the application's interceptor turned the cascade's delete into an update (its answer to that delete, withdrawn with it):
/// then a dependent that was unchanged gets its original values back, and one the application had modified (tracked
/// before the delete, and reached first by the cascades applied for a cascade timing of
/// <see cref="CascadeTiming.OnSaveChanges"/>, <see cref="Watch"/>) its values and modified properties of before the
/// cascade. A dependent deleted again keeps its current values and modified properties. A foreign key set to null gets
/// back, property by property and only while it is still null (a later interceptor's reassignment is kept), its value of
/// before the cascade (the original one, or the watched entry's) and whether it was modified; a dependent that was
/// unchanged is unchanged again only when nothing else of it is modified since. A dependent that another principal's
/// cascade deleted meanwhile gets that foreign key back when it stops being deleted.
/// </remarks>
internal sealed class CascadeUndo(ChangeTracker tracker)
{
    private readonly Dictionary<InternalEntityEntry, List<Change>> _byPrincipal = new(ReferenceEqualityComparer.Instance);

    private List<Change>? _recording;

    /// <summary>The values and modified properties of the modified entries before the cascades (<see cref="Watch"/>).</summary>
    private Dictionary<InternalEntityEntry, Snapshot>? _modified;

    /// <summary>
    /// Keeps the values and modified properties of those of <paramref name="modified"/>, entries modified before the cascades
    /// to record, whose type the cascades may reach (<paramref name="reachable"/>).
    /// </summary>
    public void Watch(IEnumerable<InternalEntityEntry> modified, HashSet<IEntityType> reachable)
    {
        foreach (var entry in modified)
        {
            if (!reachable.Contains(entry.EntityType))
            {
                continue;
            }

            var properties = entry.EntityType.GetFlattenedProperties().ToArray();
            var flags = new bool[properties.Length];
            for (var i = 0; i < properties.Length; i++)
            {
                flags[i] = entry.IsModified(properties[i]);
            }

            (_modified ??= new(ReferenceEqualityComparer.Instance))[entry] = new(entry.ToEntityEntry().CurrentValues.Clone(), properties, flags);
        }
    }

    /// <summary>Runs <paramref name="cascade"/>, and keeps the state changes it makes as those of <paramref name="principal"/>'s dependents.</summary>
    public void Record(InternalEntityEntry principal, Action cascade)
    {
        var recording = _recording = [];
        tracker.StateChanged += OnCascaded;
        try
        {
            cascade();
        }
        finally
        {
            tracker.StateChanged -= OnCascaded;
            _recording = null;
        }

        Add(principal, recording);
    }

    /// <summary>
    /// Keeps, as a change of the principal each referred to, the foreign keys of the <see cref="Watch">watched</see> entries
    /// that the cascades set to null: EF Core raises no state change for those. Also of an entry a later cascade deleted
    /// (an invoice whose agent's delete set its key to null, then whose customer's delete deleted it): put back, it would
    /// keep the null.
    /// </summary>
    public void RecordNulledForeignKeys(IStateManager stateManager)
    {
        foreach (var (entry, snapshot) in _modified ?? [])
        {
            if (entry.EntityState is not (EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            foreach (var foreignKey in entry.EntityType.GetForeignKeys())
            {
                var before = new object?[foreignKey.Properties.Count];
                var nulled = false;
                for (var i = 0; i < before.Length; i++)
                {
                    before[i] = snapshot.Values[foreignKey.Properties[i]];
                    nulled |= before[i] is not null && entry.GetCurrentValue(foreignKey.Properties[i]) is null;
                }

                if (nulled && stateManager.TryGetEntry(foreignKey.PrincipalKey, before) is { EntityState: EntityState.Deleted } principal)
                {
                    Add(principal, [new(entry, EntityState.Modified, EntityState.Modified, foreignKey)]);
                }
            }
        }
    }

    /// <summary>Starts listening for principals that stop being deleted; null when nothing was cascaded.</summary>
    public CascadeUndo? Listen()
    {
        if (_byPrincipal.Count == 0)
        {
            return null;
        }

        tracker.StateChanged += OnChanged;
        return this;
    }

    /// <summary>Stops listening: the save's statements are being sent (EF Core has decided what to save), or the save ended.</summary>
    public void Stop() => tracker.StateChanged -= OnChanged;

    private void Add(InternalEntityEntry principal, List<Change> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        if (_byPrincipal.TryGetValue(principal, out var existing))
        {
            existing.AddRange(changes);
        }
        else
        {
            _byPrincipal.Add(principal, changes);
        }
    }

    private void OnCascaded(object? sender, EntityStateChangedEventArgs args)
        => _recording?.Add(new(args.Entry.GetInfrastructure(), args.OldState, args.NewState, NulledForeignKey: null));

    private void OnChanged(object? sender, EntityStateChangedEventArgs args)
    {
        var principal = args.Entry.GetInfrastructure();
        if (args.OldState != EntityState.Deleted
            || args.NewState == EntityState.Deleted
            || !_byPrincipal.Remove(principal, out var changes))
        {
            return;
        }

        for (var i = changes.Count - 1; i >= 0; i--)
        {
            var change = changes[i];
            var (entry, old, now, nulledForeignKey) = change;
            Snapshot? snapshot = null;
            _modified?.TryGetValue(entry, out snapshot);
            if (now == EntityState.Modified)
            {
                // A foreign key set to null: of a modified entity (no state change), or of an unchanged one, whose
                // foreign keys referring to the principal are those.
                if (nulledForeignKey is not null)
                {
                    PutBackKey(change, snapshot);
                }
                else
                {
                    foreach (var foreignKey in ReferringTo(entry, principal))
                    {
                        PutBackKey(change with { NulledForeignKey = foreignKey }, snapshot);
                    }
                }

                continue;
            }

            if (entry.EntityState != now)
            {
                // A dependent the cascade deleted, which a later interceptor then turned into an update (a soft delete of
                // every type, visiting the dependents first): the update answered the cascade's delete, which is now
                // withdrawn, so the dependent is put back as it was before the cascade.
                if (now == EntityState.Deleted && entry.EntityState == EntityState.Modified)
                {
                    if (old == EntityState.Unchanged)
                    {
                        var loaded = entry.ToEntityEntry();
                        loaded.CurrentValues.SetValues(loaded.OriginalValues);
                        entry.SetEntityState(EntityState.Unchanged);
                    }
                    else if (old == EntityState.Modified && snapshot is not null)
                    {
                        entry.ToEntityEntry().CurrentValues.SetValues(snapshot.Values);
                        snapshot.RestoreModified(entry, only: null);
                    }
                }

                continue;
            }

            // Deleted again, or unchanged, or modified as before the cascade (EF Core keeps the modified properties of an
            // entity it deletes, which marking it modified would extend to every one): StateChanged comes back here for a
            // dependent that was deleted, for its own dependents.
            entry.SetEntityState(old, modifyProperties: false);
        }
    }

    /// <summary>
    /// Puts back the values of a foreign key a cascade set to null (<see cref="Change.NulledForeignKey"/>): those of before
    /// the cascade of a watched entry, else its original ones, each only while it is still null (a value set since, a
    /// later interceptor's reassignment, is the application's own), and whether it was modified. An entry that is deleted
    /// now (by another principal's cascade) gets the change back when it stops being deleted.
    /// </summary>
    private void PutBackKey(Change change, Snapshot? snapshot)
    {
        var (entry, old, _, foreignKey) = change;
        if (entry.EntityState == EntityState.Deleted)
        {
            Add(entry, [change]);
            return;
        }

        if (entry.EntityState != EntityState.Modified)
        {
            return;
        }

        var watched = old == EntityState.Modified ? snapshot : null;
        var restored = new List<IProperty>();
        foreach (var property in foreignKey!.Properties)
        {
            var before = watched is not null ? watched.Values[property] : entry.GetOriginalValue(property);
            if (before is not null && entry.GetCurrentValue(property) is null)
            {
                entry.SetProperty(property, before, isMaterialization: false);
                restored.Add(property);
            }
        }

        if (watched is not null)
        {
            watched.RestoreModified(entry, restored);
            return;
        }

        foreach (var property in restored)
        {
            entry.SetPropertyModified(property, isModified: false);
        }

        // Unchanged again, unless a later interceptor changed something else of it since.
        if (old == EntityState.Unchanged && entry.EntityState == EntityState.Modified && !entry.EntityType.GetFlattenedProperties().Any(entry.IsModified))
        {
            entry.SetEntityState(EntityState.Unchanged);
        }
    }

    /// <summary>
    /// The foreign keys of <paramref name="entry"/> whose original values refer to <paramref name="principal"/> and of which
    /// a property is null now: those a cascade of the principal's delete set to null.
    /// </summary>
    private static List<IForeignKey> ReferringTo(InternalEntityEntry entry, InternalEntityEntry principal)
    {
        var found = new List<IForeignKey>();
        foreach (var foreignKey in entry.EntityType.GetForeignKeys())
        {
            if (!foreignKey.PrincipalEntityType.IsAssignableFrom(principal.EntityType))
            {
                continue;
            }

            var refers = true;
            var nulled = false;
            for (var i = 0; i < foreignKey.Properties.Count && refers; i++)
            {
                var property = foreignKey.Properties[i];
                refers = foreignKey.PrincipalKey.Properties[i].GetKeyValueComparer()
                    .Equals(entry.GetOriginalValue(property), principal.GetOriginalValue(foreignKey.PrincipalKey.Properties[i]));
                nulled |= entry.GetCurrentValue(property) is null;
            }

            if (refers && nulled)
            {
                found.Add(foreignKey);
            }
        }

        return found;
    }

    /// <summary>A state change a cascade made to a dependent, or (<paramref name="NulledForeignKey"/>) a foreign key it set to null in a modified one.</summary>
    private readonly record struct Change(InternalEntityEntry Entry, EntityState Old, EntityState New, IForeignKey? NulledForeignKey);

    /// <summary>An entry's values and modified properties before the cascades.</summary>
    private sealed record Snapshot(PropertyValues Values, IProperty[] Properties, bool[] Modified)
    {
        /// <summary>Marks the properties (those of <paramref name="only"/>, or every one) modified or not as they were.</summary>
        public void RestoreModified(InternalEntityEntry entry, IReadOnlyList<IProperty>? only)
        {
            // The modified ones first: with none left modified, EF Core would make the entity unchanged on the way.
            Mark(entry, only, modified: true);
            Mark(entry, only, modified: false);
        }

        private void Mark(InternalEntityEntry entry, IReadOnlyList<IProperty>? only, bool modified)
        {
            for (var i = 0; i < Properties.Length; i++)
            {
                if (Modified[i] == modified && (only is null || only.Contains(Properties[i])))
                {
                    entry.SetPropertyModified(Properties[i], isModified: modified);
                }
            }
        }
    }
}
#pragma warning restore EF1001
