using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Auditing;
using ServerTools.Tracking;

namespace ServerTools.Infrastructure;

/// <summary>
/// Refuses SaveChanges of a context whose options do not call <c>UseServerTools()</c> when the save adds, modifies or
/// deletes an entity whose changes ServerTools records: an entity of an <see cref="AuditedAttribute">[Audited]</see> or
/// <see cref="TrackedAttribute">[Tracked]</see> class, an owned value whose fields an audited owner's log holds (logged as
/// its owner's update), or a many-to-many link of an audited class (a line of its log). Such a save would store the
/// changes with no audit trail, no outbox message and no <c>On{X}Changed</c> hook, and nothing would say so. A context that
/// maps such classes and only reads them (a read model, another bounded context) saves its own entities as before.
/// </summary>
/// <remarks>
/// A context the application did not configure with ServerTools runs none of its services: the check runs from EF Core's
/// diagnostic listener (<see cref="EfCoreEvents"/>), at the start of every save, subscribed once per process when generated
/// code registers the first audit or tracking descriptor (<see cref="DescriptorRegistered"/>), so a process without such
/// entities has nothing to check. Which entity types of a model are recorded is decided once per model (a runtime
/// annotation) and again only after another descriptor is registered; types that EF Core cannot save (keyless, mapped to a
/// view, a SQL query or a function only) are not. The save of a context that maps none costs one lookup; one that does also
/// looks at its options, since a model can be given to a context whose options did not build it (<c>UseModel</c>). Only a
/// context that maps such types without <c>UseServerTools()</c> looks at its entries: through
/// <see cref="Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker.Entries()"/>, which detects changes first when
/// <see cref="Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker.AutoDetectChangesEnabled"/> is on, as SaveChanges
/// does right after this check (EF Core raises the event before its own detection), and leaves the states as they are
/// when it is off.
/// </remarks>
internal static class SetupGuard
{
    private const string AnnotationName = "ServerTools:SetupGuard";

    /// <summary>Changes with every descriptor registered, so that what a model maps is found again.</summary>
    private static int s_version;

    /// <summary>
    /// Called when generated code registers an audit or tracking descriptor: subscribes to EF Core's diagnostic listeners
    /// (once), and makes what the models map stale.
    /// </summary>
    public static void DescriptorRegistered()
    {
        Interlocked.Increment(ref s_version);
        EfCoreEvents.Subscribe();
    }

    /// <summary>
    /// Throws when the save of <paramref name="context"/> about to start adds, modifies or deletes an entity whose changes
    /// ServerTools records, and its options do not call <c>UseServerTools()</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The context would save such changes without ServerTools.</exception>
    public static void Check(DbContext context)
    {
        var model = context.Model;
        if (model.GetOrAddRuntimeAnnotationValue(AnnotationName, static model => new RecordedTypes(model!), model).Of(model) is { } recorded
            && context.GetService<IDbContextOptions>().FindExtension<ServerToolsOptionsExtension>() is null
            && recorded.ChangesIn(context) is { } changes)
        {
            throw new InvalidOperationException(changes.Message(context.GetType()));
        }
    }

    /// <summary>The recorded entity types of one model, found again when a descriptor was registered since.</summary>
    private sealed class RecordedTypes(IModel model)
    {
        private volatile Found _found = Found.In(model);

        /// <summary>What the model maps, or null when it maps no entity type whose changes ServerTools records.</summary>
        public Found? Of(IModel model)
        {
            var found = _found;
            if (found.Version != Volatile.Read(ref s_version))
            {
                _found = found = Found.In(model);
            }

            return found.Types.Count == 0 ? null : found;
        }
    }

    /// <summary>
    /// The names of the marked classes whose records a change of an entity type holds: <paramref name="Audited"/> and
    /// <paramref name="Tracked"/> for any change, <paramref name="Links"/> (the audited classes of its many-to-many
    /// navigations, for a join type) for an added or deleted one.
    /// </summary>
    private sealed record Marks(string[] Audited, string[] Tracked, string[] Links);

    /// <summary>The entity types of a model whose changes ServerTools records, as of a registration version.</summary>
    private sealed record Found(int Version, Dictionary<IEntityType, Marks> Types)
    {
        public static Found In(IModel model)
        {
            // Read first: a registration while the model is looked at makes the next save look again.
            var version = Volatile.Read(ref s_version);
            var types = new Dictionary<IEntityType, Marks>();
            foreach (var type in model.GetEntityTypes())
            {
                if (!IsSaved(type))
                {
                    continue;
                }

                var audited = Audited(LoggedIn(type) is { } owner ? [type, owner] : [type]);
                string[] tracked = TrackedDescriptors.TryGet(type.ClrType, out _) ? [type.DisplayName()] : [];
                var links = Audited(LinkChanges.Navigations(type).SelectMany(static navigation => navigation.DeclaringEntityType.GetDerivedTypesInclusive()));
                if (audited.Length + tracked.Length + links.Length > 0)
                {
                    types.Add(type, new Marks(audited, tracked, links));
                }
            }

            return new Found(version, types);
        }

        /// <summary>
        /// The recorded classes whose entities the save of <paramref name="context"/> adds, modifies or deletes, or null when
        /// it changes none. Changes are detected first when the context detects them at a save.
        /// </summary>
        public Changes? ChangesIn(DbContext context)
        {
            SortedSet<string>? audited = null;
            SortedSet<string>? tracked = null;
            foreach (var entry in context.ChangeTracker.Entries())
            {
                if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                    && Types.TryGetValue(entry.Metadata, out var marks))
                {
                    Add(ref audited, marks.Audited);
                    Add(ref tracked, marks.Tracked);
                    if (entry.State != EntityState.Modified)
                    {
                        Add(ref audited, marks.Links);
                    }
                }
            }

            return audited is null && tracked is null ? null : new Changes([.. audited ?? []], [.. tracked ?? []]);

            static void Add(ref SortedSet<string>? names, string[] more)
            {
                if (more.Length > 0)
                {
                    (names ??= new SortedSet<string>(StringComparer.Ordinal)).UnionWith(more);
                }
            }
        }

        /// <summary>
        /// The audited entity type in whose log a change of the owned <paramref name="type"/> is an update, or null: the one
        /// that owns it all through owned references (<c>OwnsOne</c>, nested or not), when its fields name the owned ones
        /// (an owned collection's element is logged only as an entity of its own, when its class is <c>[Audited]</c>).
        /// </summary>
        private static IEntityType? LoggedIn(IEntityType type)
        {
            var path = "";
            var owner = type;
            while (owner.FindOwnership() is { } ownership)
            {
                if (ownership.PrincipalToDependent is not { IsCollection: false } navigation)
                {
                    return null;
                }

                path = navigation.Name + "." + path;
                owner = ownership.PrincipalEntityType;
            }

            return owner != type
                   && AuditDescriptors.TryGet(owner.ClrType, out var descriptor)
                   && descriptor.Fields.Any(field => field.Name.StartsWith(path, StringComparison.Ordinal))
                ? owner
                : null;
        }

        /// <summary>The names of the <c>[Audited]</c> ones of <paramref name="types"/>.</summary>
        private static string[] Audited(IEnumerable<IEntityType> types)
            => [.. types.Where(static type => AuditDescriptors.TryGet(type.ClrType, out _)).Select(static type => type.DisplayName()).Distinct(StringComparer.Ordinal)];

        /// <summary>
        /// Whether EF Core can save entities of <paramref name="type"/>: it has a key and a table or stored procedures; not
        /// one that is keyless or mapped to a view, a SQL query or a function only (a read model's), which a save cannot change.
        /// </summary>
        private static bool IsSaved(IEntityType type)
            => type.FindPrimaryKey() is not null
               && (type.GetTableName() is not null
                   || type.GetInsertStoredProcedure() is not null
                   || type.GetUpdateStoredProcedure() is not null
                   || type.GetDeleteStoredProcedure() is not null);
    }

    /// <summary>The names of the <c>[Audited]</c> and <c>[Tracked]</c> classes whose entities a save changes.</summary>
    private sealed record Changes(string[] Audited, string[] Tracked)
    {
        private const int Listed = 10;

        public string Message(Type contextType)
        {
            var changed = Audited.Length > 0 && Tracked.Length > 0
                ? $"[Audited] {List(Audited)} and [Tracked] {List(Tracked)}"
                : Audited.Length > 0 ? $"[Audited] {List(Audited)}" : $"[Tracked] {List(Tracked)}";
            var lost = Audited.Length > 0 && Tracked.Length > 0
                ? "no audit trail, no outbox message for the subscribers and no On{X}Changed hook"
                : Audited.Length > 0 ? "no audit trail" : "no outbox message for the subscribers and no On{X}Changed hook";
            return $"{contextType.Name} would save changes of {changed}, but its options do not call UseServerTools(), so they would be stored "
                + $"with {lost}, and nothing would say so; nothing was saved. Add .UseServerTools() after the database provider's Use...() "
                + "where the context is configured (OnConfiguring or AddDbContext), for example options.UseNpgsql(connectionString).UseServerTools(), "
                + "and give the database ServerTools' tables with a migration (dotnet ef migrations add AddServerTools), or save these changes "
                + "through a context that has it (a context that only reads these entities saves its own without it). To save them without "
                + "ServerTools on purpose (a unit test on EF Core's in-memory provider), turn its features off instead: "
                + "UseServerTools(o => { o.Auditing.Enabled = false; o.Tracking.Enabled = false; }).";
        }

        private static string List(string[] names)
            => names.Length <= Listed
                ? string.Join(", ", names)
                : string.Join(", ", names.Take(Listed)) + $" and {names.Length - Listed} more";
    }
}
