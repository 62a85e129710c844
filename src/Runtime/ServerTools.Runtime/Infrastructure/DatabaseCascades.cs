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
/// <para>For each deleted entity whose type is the principal of a relationship with <see cref="DeleteBehavior.Cascade"/> or
/// <see cref="DeleteBehavior.SetNull"/> (the behaviours EF Core creates in the database) to a dependent type that is
/// audited, tracked, or the join type of a many-to-many link, or a cascade deletes further down to one, the dependents are
/// read with one tracking query per relationship (query filters ignored: the database deletes the rows they hide; up to
/// <see cref="StoredRows.MaxPerQuery"/> principals a query), then EF Core's own cascade of those relationships is applied
/// to them, as it applies it to dependents the context tracks when the principal is deleted. The dependents it deletes are
/// followed in turn (an invoice's lines), each entity once, so a self-referencing tree ends. A relationship whose
/// navigation the context has loaded for a principal (<c>Include</c>, explicit loading) is not read again for it.</para>
/// <para>Nothing is read for an application that turns EF Core's cascade off (<see cref="CascadeTiming.Never"/>): it
/// has taken deletes of dependents into its own hands. Owned types are left out (EF Core loads them with their owner),
/// so are keyless ones (EF Core tracks none).</para>
/// </remarks>
// EF Core's state manager is used directly (an internal API, as ServerTools uses elsewhere: EntryValues, EfRuleNavigations):
// it lists the deleted entries without a pass over every tracked one, and applies EF Core's cascade of one relationship,
// which no public API does (ChangeTracker.CascadeChanges() forces every cascade of every entry).
#pragma warning disable EF1001
internal static class DatabaseCascades
{
    private const string AnnotationName = "ServerTools:DatabaseCascades";

    /// <summary>
    /// Loads the dependents that the database's cascades of the context's deleted entities reach, and cascades to them
    /// (see the class). Changes must have been detected; automatic detection is off.
    /// </summary>
    public static async Task LoadAsync(DbContext context, ServerToolsOptions options, bool async, CancellationToken cancellationToken)
    {
        var tracker = context.ChangeTracker;
        if (tracker.CascadeDeleteTiming == CascadeTiming.Never)
        {
            return;
        }

        var followed = Followed(context.Model, options.Auditing.Enabled, options.Tracking.Enabled);
        if (followed.Count == 0)
        {
            return;
        }

        var stateManager = context.GetService<IStateManager>();
        var done = new HashSet<InternalEntityEntry>(ReferenceEqualityComparer.Instance);
        while (Pending(stateManager, followed, done) is { } pending)
        {
            foreach (var (foreignKey, principals) in pending)
            {
                var keys = new List<object?[]>(principals.Count);
                foreach (var principal in principals)
                {
                    if (foreignKey.PrincipalToDependent is not { } navigation || !principal.IsLoaded(navigation))
                    {
                        keys.Add(PrincipalKey(principal, foreignKey));
                    }
                }

                for (var start = 0; start < keys.Count; start += StoredRows.MaxPerQuery)
                {
                    var query = DependentsQuery(context, foreignKey, keys, start, Math.Min(StoredRows.MaxPerQuery, keys.Count - start));
                    _ = async ? await query.ToListAsync(cancellationToken).ConfigureAwait(false) : query.ToList();
                }

                // EF Core's own cascade, as at the delete (or in the save, with CascadeTiming.OnSaveChanges): the dependents
                // now tracked are deleted, or get a null foreign key, by the relationship's DeleteBehavior.
                IForeignKey[] only = [foreignKey];
                foreach (var principal in principals)
                {
                    stateManager.CascadeDelete(principal, force: false, only);
                }
            }
        }
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
    /// <c>dependents.IgnoreQueryFilters().Where(e =&gt; fk == k1 || ...).Select(e =&gt; (object)e)</c>, a tracking query of the
    /// dependents of <paramref name="foreignKey"/> whose foreign key holds one of the keys (<see cref="KeyPredicates.AnyOf"/>).
    /// </summary>
    private static IQueryable<object> DependentsQuery(DbContext context, IForeignKey foreignKey, List<object?[]> keys, int start, int count)
    {
        var type = foreignKey.DeclaringEntityType;
        var clrType = type.ClrType;
        var provider = context.GetService<IAsyncQueryProvider>();
        var entity = Expression.Parameter(clrType, "e");
        Expression query = Expression.Call(StoredRows.IgnoreQueryFiltersMethod.MakeGenericMethod(clrType), new EntityQueryRootExpression(provider, type));
        query = Expression.Call(
            StoredRows.WhereMethod.MakeGenericMethod(clrType),
            query,
            Expression.Quote(Expression.Lambda(KeyPredicates.AnyOf(entity, foreignKey.Properties, keys, start, count), entity)));
        query = Expression.Call(
            StoredRows.SelectMethod.MakeGenericMethod(clrType, typeof(object)),
            query,
            Expression.Quote(Expression.Lambda(Expression.Convert(entity, typeof(object)), entity)));
        return provider.CreateQuery<object>(query);
    }

    /// <summary>
    /// The relationships to follow from each principal type (see the class), decided once per model and settings: every
    /// <see cref="DeleteBehavior.Cascade"/> or <see cref="DeleteBehavior.SetNull"/> relationship to a dependent type the
    /// save logs, and every cascade to a dependent type from which such a relationship is reached.
    /// </summary>
    private static Dictionary<IEntityType, IForeignKey[]> Followed(IModel model, bool auditing, bool tracking)
        => model.GetOrAddRuntimeAnnotationValue(
            AnnotationName + (auditing ? ":Audited" : "") + (tracking ? ":Tracked" : ""),
            static state => Compute(state.Model, state.Auditing, state.Tracking),
            (Model: model, Auditing: auditing, Tracking: tracking));

    private static Dictionary<IEntityType, IForeignKey[]> Compute(IModel model, bool auditing, bool tracking)
    {
        var candidates = new List<IForeignKey>();
        foreach (var type in model.GetEntityTypes())
        {
            foreach (var foreignKey in type.GetDeclaredForeignKeys())
            {
                if (!foreignKey.IsOwnership
                    && foreignKey.DeleteBehavior is DeleteBehavior.Cascade or DeleteBehavior.SetNull
                    && !type.IsOwned()
                    && type.FindPrimaryKey() is not null)
                {
                    candidates.Add(foreignKey);
                }
            }
        }

        // A relationship is followed when a dependent type is logged, or (a cascade) when a dependent type is the principal
        // of a followed relationship; repeated until nothing changes, for chains of any length.
        var followed = new HashSet<IForeignKey>();
        bool added;
        do
        {
            added = false;
            foreach (var foreignKey in candidates)
            {
                if (!followed.Contains(foreignKey)
                    && foreignKey.DeclaringEntityType.GetDerivedTypesInclusive().Any(dependent =>
                        Logged(dependent, auditing, tracking)
                        || (foreignKey.DeleteBehavior == DeleteBehavior.Cascade && dependent.GetReferencingForeignKeys().Any(followed.Contains))))
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

    /// <summary>Whether a save logs an entity of <paramref name="type"/>: audited, tracked, or the join type of a many-to-many link an audited class may log.</summary>
    private static bool Logged(IEntityType type, bool auditing, bool tracking)
        => (auditing && (AuditDescriptors.TryGet(type.ClrType, out _) || LinkChanges.IsJoin(type)))
            || (tracking && TrackedDescriptors.TryGet(type.ClrType, out _));
}
#pragma warning restore EF1001
