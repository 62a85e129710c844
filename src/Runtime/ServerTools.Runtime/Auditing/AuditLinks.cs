using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>A many-to-many navigation (an EF Core skip navigation) whose links an audited entity type's logs hold, as the line <see cref="Field"/>.</summary>
/// <param name="Navigation">The navigation in the model.</param>
/// <param name="Field">The line's name (the navigation's) and whether it is masked.</param>
internal sealed record AuditLink(ISkipNavigation Navigation, AuditField Field);

/// <summary>
/// The links of one many-to-many navigation of one entity that a save added and removed: the keys of the entities at the
/// other end, as <see cref="AuditKey"/> writes them. A link whose other end is created in the same save has a key only
/// once the save has run: it is read from the join entry at the write.
/// </summary>
internal sealed class LinkChange(AuditLink link, int position)
{
    // Each link with the join entity that holds it, so that a link whose row the save did not write can be left out (Drop).
    private readonly List<(object Join, string Key)> _removed = [];
    private readonly List<(object Join, string Key)> _added = [];
    private List<(EntityEntry Join, IReadOnlyList<IProperty> Key)>? _addedAtWrite;

    public AuditLink Link { get; } = link;

    /// <summary>The navigation's position in <see cref="AuditFieldMap.Links"/>: the order of the lines.</summary>
    public int Position { get; } = position;

    /// <summary>Whether a key is read at the write (see the class).</summary>
    public bool ReadsAtWrite => _addedAtWrite is not null;

    /// <summary>Notes the link that <paramref name="join"/>, added or deleted, holds; <paramref name="key"/> are its properties that hold the other end's key.</summary>
    public void Add(EntityEntry join, IReadOnlyList<IProperty> key, bool added)
    {
        var values = join.Values();
        if (!added)
        {
            _removed.Add((join.Entity, AuditKey.Of(values, key, original: true)));
            return;
        }

        foreach (var property in key)
        {
            if (values.HasTemporaryValue(property))
            {
                (_addedAtWrite ??= []).Add((join, key));
                return;
            }
        }

        _added.Add((join.Entity, AuditKey.Of(values, key, original: false)));
    }

    /// <summary>
    /// Leaves out the links held by <paramref name="joins"/>, join entities whose statements affected no row (a concurrency
    /// conflict the application suppresses): the database holds nothing of their change. True when one was left out.
    /// </summary>
    public bool Drop(IReadOnlySet<object> joins)
    {
        var dropped = _removed.RemoveAll(link => joins.Contains(link.Join)) + _added.RemoveAll(link => joins.Contains(link.Join));
        if (_addedAtWrite is { } atWrite)
        {
            dropped += atWrite.RemoveAll(link => joins.Contains(link.Join.Entity));
            if (atWrite.Count == 0)
            {
                _addedAtWrite = null;
            }
        }

        return dropped > 0;
    }

    /// <summary>
    /// The line's values for a log of <paramref name="operation"/>: JSON arrays of the keys removed (old value) and added
    /// (new value), in key order; a create has only the added ones, a delete only the removed ones. Null when nothing is
    /// left to say: a link removed and added again in the save is no change. Keys read at the write are read when
    /// <paramref name="readEntries"/> (at the write, on the save's thread); otherwise only captured text is read.
    /// </summary>
    public (string? Removed, string? Added)? Format(AuditOperation operation, bool readEntries)
    {
        var added = _added.ConvertAll(static link => link.Key);
        if (readEntries && _addedAtWrite is not null)
        {
            foreach (var (join, key) in _addedAtWrite)
            {
                added.Add(AuditKey.Of(join.Values(), key, original: false));
            }
        }

        var removed = _removed.ConvertAll(static link => link.Key);
        for (var i = added.Count - 1; i >= 0; i--)
        {
            if (removed.Remove(added[i]))
            {
                added.RemoveAt(i);
            }
        }

        added.Sort(CompareKeys);
        removed.Sort(CompareKeys);
        return operation switch
        {
            AuditOperation.Create => added.Count == 0 ? null : (null, Array(added)),
            AuditOperation.Delete => removed.Count == 0 ? null : (Array(removed), null),
            _ => added.Count + removed.Count == 0 ? null : (Array(removed), Array(added)),
        };
    }

    private static string Array(List<string> keys) => AuditValueFormatter.FormatArray(keys, read: null, form: default);

    /// <summary>Integer keys by value, before other keys, which are in ordinal order: a total order, so the lines are stable.</summary>
    private static int CompareKeys(string x, string y)
    {
        var xIsNumber = long.TryParse(x, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var xNumber);
        var yIsNumber = long.TryParse(y, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var yNumber);
        return (xIsNumber, yIsNumber) switch
        {
            (true, true) when xNumber != yNumber => xNumber.CompareTo(yNumber),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(x, y),
        };
    }
}

/// <summary>
/// The links of many-to-many navigations that a SaveChanges adds and removes. EF Core keeps each link as an entity of the
/// join type (by default a shared-type <c>Dictionary&lt;string, object&gt;</c> such as <c>PartnerTag</c>, or a class
/// mapped with <c>UsingEntity&lt;T&gt;</c>): an added one is a link added, a deleted one a link removed, for the navigation
/// of each side. The batch notes them while it walks the entries (<see cref="Add"/>), then gives each audited side a line
/// in its log of the save (<see cref="AttachTo"/>): its create, update or delete, or an update of its own.
/// </summary>
internal sealed class LinkChanges
{
    private const string AnnotationName = "ServerTools:AuditLinkNavigations";

    private List<(EntityEntry Join, bool Added)>? _joins;

    /// <summary>Whether <paramref name="type"/> holds the links of a many-to-many navigation that an audited class may declare (decided once per entity type).</summary>
    public static bool IsJoin(IEntityType type) => Navigations(type).Length > 0;

    /// <summary>Notes an added or deleted entry of a join type (<see cref="IsJoin"/>).</summary>
    public void Add(EntityEntry entry, AuditOperation operation)
    {
        if (operation != AuditOperation.Update && IsJoin(entry.Metadata))
        {
            (_joins ??= []).Add((entry, operation == AuditOperation.Create));
        }
    }

    /// <summary>
    /// Adds the links noted to the logs of the entities on each side whose class is audited and logs the navigation: a
    /// line in the log the entity has in <paramref name="logs"/> (by the operation its state gives: a created entity's
    /// create, a deleted one's delete), or, for an entity that is otherwise unchanged, an update of its own (in
    /// <see cref="AuditMode.Full"/> with every field, as any update). Returns the logs, with those it added at the end.
    /// </summary>
    public List<PendingLog>? AttachTo(DbContext context, List<PendingLog>? logs, OwnedChanges owned)
    {
        if (_joins is null)
        {
            return logs;
        }

        var byEntity = new Dictionary<object, PendingLog>(ReferenceEqualityComparer.Instance);
        foreach (var log in logs ?? [])
        {
            if (log.Entity is { } entity)
            {
                byEntity[entity] = log;
            }
        }

        var principals = Principals(context);
        Dictionary<(AuditDescriptor, string), PendingLog>? untracked = null;
        foreach (var (join, added) in _joins)
        {
            foreach (var navigation in Navigations(join.Metadata))
            {
                var ownerKey = AuditKey.Of(join.Values(), navigation.ForeignKey.Properties, original: !added);
                PendingLog? log;
                if (principals.TryGetValue((navigation.ForeignKey.PrincipalKey, ownerKey), out var owner))
                {
                    log = LogOf(owner, byEntity, ref logs, owned);
                }
                else
                {
                    log = UntrackedLogOf(navigation, ownerKey, ref untracked, ref logs);
                }

                log?.Links(navigation)?.Add(join, navigation.Inverse.ForeignKey.Properties, added);
            }
        }

        return logs;
    }

    /// <summary>The log of a tracked entity at one end of a link: the one it has in this save, or an update of its own; null when it logs no link.</summary>
    private static PendingLog? LogOf(EntityEntry owner, Dictionary<object, PendingLog> byEntity, ref List<PendingLog>? logs, OwnedChanges owned)
    {
        if (!AuditDescriptors.TryGet(owner.Metadata.ClrType, out var descriptor))
        {
            return null;
        }

        var operation = owner.State switch
        {
            EntityState.Added => AuditOperation.Create,
            EntityState.Deleted => AuditOperation.Delete,
            _ => AuditOperation.Update,
        };
        if ((descriptor.Operations & AuditBatch.Flag(operation)) == 0)
        {
            return null;
        }

        if (byEntity.TryGetValue(owner.Entity, out var log))
        {
            return log;
        }

        if (operation != AuditOperation.Update)
        {
            return null;
        }

        log = PendingLog.Capture(owner, descriptor, AuditOperation.Update, owned)?.MadeForLinks()
              ?? PendingLog.ForLinks(owner, descriptor, AuditFieldMap.For(owner.Metadata, descriptor), key: null);
        (logs ??= []).Add(log);
        byEntity[owner.Entity] = log;
        return log;
    }

    /// <summary>
    /// The update log of an entity at one end of a link that the context does not track (a join entity added or removed
    /// through its own set): logged under the class that declares the navigation, by the key the join entity holds.
    /// </summary>
    private static PendingLog? UntrackedLogOf(
        ISkipNavigation navigation, string key, ref Dictionary<(AuditDescriptor, string), PendingLog>? untracked, ref List<PendingLog>? logs)
    {
        var declaringType = navigation.DeclaringEntityType;
        AuditDescriptors.TryGet(declaringType.ClrType, out var declared);
        if (declaringType.GetDerivedTypes().Any(derived => AuditDescriptors.TryGet(derived.ClrType, out var own) && own != declared))
        {
            // The entity may be of a derived class audited under its own name (or audited where the declaring class is
            // not): only the entity itself tells, so the link is not filed under a guess, nor left out.
            throw new InvalidOperationException(
                $"A link of '{declaringType.DisplayName()}.{navigation.Name}' was added or removed while the '{declaringType.DisplayName()}' " +
                $"it belongs to is not tracked, and '{declaringType.DisplayName()}' has derived classes, so ServerTools cannot tell under which " +
                $"class's audit trail the change belongs without a query. Load the entity into the context before the save (a query of " +
                $"'{declaringType.DisplayName()}' by its key).");
        }

        if (declared is not { } descriptor || (descriptor.Operations & AuditOperations.Update) == 0)
        {
            return null;
        }

        if (!navigation.ForeignKey.PrincipalKey.IsPrimaryKey())
        {
            throw new InvalidOperationException(
                $"A link of '{declaringType.DisplayName()}.{navigation.Name}' was added or removed while the '{declaringType.DisplayName()}' " +
                $"it belongs to is not tracked, and the link names it by an alternate key, so ServerTools cannot tell which entity's audit " +
                $"trail gets the change without a query. Load the entity into the context before the save (a query of '{declaringType.DisplayName()}' by its key).");
        }

        untracked ??= [];
        if (!untracked.TryGetValue((descriptor, key), out var log))
        {
            log = PendingLog.ForLinks(entry: null, descriptor, AuditFieldMap.For(declaringType, descriptor), key);
            untracked.Add((descriptor, key), log);
            (logs ??= []).Add(log);
        }

        return log;
    }

    /// <summary>
    /// The tracked entities that may be at an end of the links noted, by the key the join entities name them by (the
    /// principal key of the navigation's foreign key), from one pass over the change tracker.
    /// </summary>
    private Dictionary<(IKey, string), EntityEntry> Principals(DbContext context)
    {
        var keys = new HashSet<IKey>();
        foreach (var (join, _) in _joins!)
        {
            foreach (var navigation in Navigations(join.Metadata))
            {
                keys.Add(navigation.ForeignKey.PrincipalKey);
            }
        }

        var principals = new Dictionary<(IKey, string), EntityEntry>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            foreach (var key in keys)
            {
                if (key.DeclaringEntityType.IsAssignableFrom(entry.Metadata))
                {
                    principals[(key, AuditKey.Of(entry.Values(), key.Properties, original: false))] = entry;
                }
            }
        }

        return principals;
    }

    /// <summary>
    /// The many-to-many navigations whose links entities of <paramref name="join"/> hold, of either side, that have a CLR
    /// property and are declared by a class that is audited or has audited derived classes. Found once per entity type.
    /// </summary>
    internal static ISkipNavigation[] Navigations(IEntityType join)
        => join.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static type =>
            {
                var navigations = new List<ISkipNavigation>();
                foreach (var foreignKey in type!.GetForeignKeys())
                {
                    foreach (var navigation in foreignKey.GetReferencingSkipNavigations())
                    {
                        if (!navigation.IsShadowProperty() && IsAudited(navigation.DeclaringEntityType))
                        {
                            navigations.Add(navigation);
                        }
                    }
                }

                return navigations.ToArray();
            },
            join);

    private static bool IsAudited(IEntityType type)
    {
        foreach (var candidate in type.GetDerivedTypesInclusive())
        {
            if (AuditDescriptors.TryGet(candidate.ClrType, out _))
            {
                return true;
            }
        }

        return false;
    }
}
