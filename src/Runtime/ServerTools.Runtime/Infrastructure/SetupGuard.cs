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
/// Refuses SaveChanges of a context that maps <see cref="AuditedAttribute">[Audited]</see> or
/// <see cref="TrackedAttribute">[Tracked]</see> entities while its options do not call <c>UseServerTools()</c>: such a save
/// would store the changes with no audit trail, no outbox message and no <c>On{X}Changed</c> hook, and nothing would say so.
/// </summary>
/// <remarks>
/// A context the application did not configure with ServerTools runs none of its services: the check runs from EF Core's
/// diagnostic listener (<see cref="EfCoreEvents"/>), at the start of every save, subscribed once per process when generated
/// code registers the first audit or tracking descriptor (<see cref="DescriptorRegistered"/>), so a process without such
/// entities has nothing to check. What a model maps is decided once per model (a runtime annotation) and again only after
/// another descriptor is registered: the save of a context that maps no marked entity costs one lookup; one that does
/// also looks at its options, since a model can be given to a context whose options did not build it (<c>UseModel</c>).
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

    /// <summary>Throws when <paramref name="context"/> maps marked entities and its options do not call <c>UseServerTools()</c>.</summary>
    /// <exception cref="InvalidOperationException">The context would save without ServerTools.</exception>
    public static void Check(DbContext context)
    {
        var model = context.Model;
        if (model.GetOrAddRuntimeAnnotationValue(AnnotationName, static model => new MarkedTypes(model!), model).Of(model) is { } marked
            && context.GetService<IDbContextOptions>().FindExtension<ServerToolsOptionsExtension>() is null)
        {
            throw new InvalidOperationException(marked.Message(context.GetType()));
        }
    }

    /// <summary>The marked entity types of one model, found again when a descriptor was registered since.</summary>
    private sealed class MarkedTypes(IModel model)
    {
        private volatile Found _found = Found.In(model);

        /// <summary>What the model maps, or null when it maps no marked entity.</summary>
        public Found? Of(IModel model)
        {
            var found = _found;
            if (found.Version != Volatile.Read(ref s_version))
            {
                _found = found = Found.In(model);
            }

            return found.Audited.Length + found.Tracked.Length == 0 ? null : found;
        }
    }

    /// <summary>The names of the <c>[Audited]</c> and <c>[Tracked]</c> entity types of a model, as of a registration version.</summary>
    private sealed record Found(int Version, string[] Audited, string[] Tracked)
    {
        private const int Listed = 10;

        public static Found In(IModel model)
        {
            // Read first: a registration while the model is looked at makes the next save look again.
            var version = Volatile.Read(ref s_version);
            var types = model.GetEntityTypes().ToList();
            return new Found(
                version,
                Names(types.Where(static type => AuditDescriptors.TryGet(type.ClrType, out _))),
                Names(types.Where(static type => TrackedDescriptors.TryGet(type.ClrType, out _))));

            static string[] Names(IEnumerable<IEntityType> types)
                => [.. types.Select(static type => type.DisplayName()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        public string Message(Type contextType)
        {
            var maps = Audited.Length > 0 && Tracked.Length > 0
                ? $"[Audited] {List(Audited)} and [Tracked] {List(Tracked)}"
                : Audited.Length > 0 ? $"[Audited] {List(Audited)}" : $"[Tracked] {List(Tracked)}";
            var lost = Audited.Length > 0 && Tracked.Length > 0
                ? "no audit trail, no outbox message for the subscribers and no On{X}Changed hook"
                : Audited.Length > 0 ? "no audit trail" : "no outbox message for the subscribers and no On{X}Changed hook";
            return $"{contextType.Name} maps {maps}, but its options do not call UseServerTools(), so SaveChanges would store the changes "
                + $"with {lost}, and nothing would say so; nothing was saved. Add .UseServerTools() after the database provider's Use...() "
                + "where the context is configured (OnConfiguring or AddDbContext), for example options.UseNpgsql(connectionString).UseServerTools(), "
                + "and give the database ServerTools' tables with a migration (dotnet ef migrations add AddServerTools). To save without them on "
                + "purpose (a unit test on EF Core's in-memory provider), turn them off instead: "
                + "UseServerTools(o => { o.Auditing.Enabled = false; o.Tracking.Enabled = false; }).";
        }

        private static string List(string[] names)
            => names.Length <= Listed
                ? string.Join(", ", names)
                : string.Join(", ", names.Take(Listed)) + $" and {names.Length - Listed} more";
    }
}
