using System.Collections.Generic;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>For one entity type: how to read each audited field (null when the model does not map it) and the key properties.</summary>
internal sealed class AuditFieldMap
{
    private const string AnnotationName = "ServerTools:AuditFieldMap";

    private AuditFieldMap(IEntityType entityType, AuditDescriptor descriptor)
    {
        Fields = new AuditFieldAccess?[descriptor.Fields.Count];
        for (var i = 0; i < Fields.Length; i++)
        {
            Fields[i] = AuditFieldAccess.Resolve(entityType, descriptor.Fields[i].Name);
        }

        Key = entityType.FindPrimaryKey() is { } primaryKey
            ? [.. primaryKey.Properties]
            : throw new System.InvalidOperationException(
                $"'{descriptor.EntityName}' is [Audited] but has no primary key in the model, so its logs could not say which row changed. " +
                "Give it a key, or remove [Audited].");
    }

    public AuditFieldAccess?[] Fields { get; }

    public IProperty[] Key { get; }

    /// <summary>Built once per entity type of a model, kept as a runtime annotation on it.</summary>
    public static AuditFieldMap For(IEntityType entityType, AuditDescriptor descriptor)
        => entityType.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static state => new AuditFieldMap(state.EntityType, state.Descriptor),
            (EntityType: entityType, Descriptor: descriptor));
}

/// <summary>
/// Reads one audited field of an entry: a property of the entity, of a complex type in it (<c>ComplexProperty</c>,
/// read from the entity's own entry), or of an owned entity (<c>OwnsOne</c>, read from the owned entry that the
/// navigations lead to). A field name with dots (<c>Address.City</c>) is resolved segment by segment in the model.
/// </summary>
internal sealed class AuditFieldAccess
{
    private readonly INavigation[] _owned;

    private AuditFieldAccess(IProperty property, INavigation[] owned)
    {
        Property = property;
        Comparer = property.GetValueComparer();
        IsOnEntity = owned.Length == 0 && property.DeclaringType is IEntityType;
        IsReadAtWrite = property.ValueGenerated != ValueGenerated.Never || property.IsKey() || property.IsForeignKey() || owned.Length > 0;
        _owned = owned;
    }

    /// <summary>
    /// Whether a created entity's value is known only once the save has run: a key or foreign key (a generated or
    /// temporary value until then), a value the database generates, or an owned entity's (its entry is saved apart).
    /// </summary>
    public bool IsReadAtWrite { get; }

    /// <summary>Whether the property is the entity's own (not in a complex type or an owned entity): its entry has its modified flag.</summary>
    public bool IsOnEntity { get; }

    /// <summary>The property that holds the value: on the entity type, a complex type, or the last owned type.</summary>
    public IProperty Property { get; }

    /// <summary>EF's comparer of the property's values (looked up once, not per entity).</summary>
    public ValueComparer Comparer { get; }

    public bool IsOwned => _owned.Length > 0;

    /// <summary>The field's property in the model, or null when the model does not map the path (e.g. a navigation to another entity).</summary>
    public static AuditFieldAccess? Resolve(IEntityType entityType, string fieldName)
    {
        ITypeBase type = entityType;
        var owned = new List<INavigation>();
        var segments = fieldName.Split('.');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (type.FindComplexProperty(segments[i]) is { IsCollection: false } complex)
            {
                type = complex.ComplexType;
            }
            else if (type is IEntityType owner
                     && owner.FindNavigation(segments[i]) is { IsCollection: false, IsOnDependent: false, TargetEntityType: var target } navigation
                     && target.IsOwned())
            {
                owned.Add(navigation);
                type = target;
            }
            else
            {
                return null;
            }
        }

        return type.FindProperty(segments[^1]) is { } property ? new AuditFieldAccess(property, [.. owned]) : null;
    }

    /// <summary>The value now, from the entry's own values unless an owned entity holds it; null when an owned entity on the way is missing.</summary>
    public object? Current(EntityEntry entry)
    {
        if (!IsOwned)
        {
            return entry.Values().GetCurrentValue(Property);
        }

        foreach (var navigation in _owned)
        {
            if (entry.Reference(navigation.Name).TargetEntry is not { } target)
            {
                return null;
            }

            entry = target;
        }

        return entry.Values().GetCurrentValue(Property);
    }

    /// <summary>
    /// The value when the entity was loaded, from the entry's own original values unless an owned entity holds it. An
    /// owned entity that was replaced or removed is found among the deleted entries of <paramref name="changes"/>, since
    /// the navigation now leads to its successor or nowhere.
    /// </summary>
    public object? Original(EntityEntry entry, OwnedChanges changes)
    {
        if (!IsOwned)
        {
            return entry.Values().GetOriginalValue(Property);
        }

        foreach (var navigation in _owned)
        {
            var target = entry.Reference(navigation.Name).TargetEntry;
            if (target is null || (target.State == EntityState.Added && entry.State != EntityState.Added))
            {
                target = changes.Replaced(navigation, entry);
            }

            if (target is null)
            {
                return null;
            }

            entry = target;
        }

        return entry.Values().GetOriginalValue(Property);
    }
}

/// <summary>
/// The owned entries (<c>OwnsOne</c>) a SaveChanges adds, modifies or deletes. EF tracks an owned entity as an
/// entry of its own, so a change to <c>partner.Address.City</c> leaves the partner's entry unchanged: the owner is
/// found from here and logged as updated, and an owned entity that was replaced or removed gives its old values.
/// </summary>
internal sealed class OwnedChanges
{
    private readonly List<EntityEntry> _changed = [];
    private Dictionary<(IForeignKey Ownership, string PrincipalKey), EntityEntry>? _deleted;

    public bool IsEmpty => _changed.Count == 0;

    public void Add(EntityEntry owned)
    {
        _changed.Add(owned);
        if (owned.State == EntityState.Deleted && owned.Metadata.FindOwnership() is { } ownership)
        {
            (_deleted ??= [])[(ownership, AuditKey.Of(owned.Values(), ownership.Properties, original: true))] = owned;
        }
    }

    /// <summary>The deleted owned entry that <paramref name="navigation"/> of <paramref name="principal"/> led to, if any.</summary>
    public EntityEntry? Replaced(INavigation navigation, EntityEntry principal)
    {
        if (_deleted is null)
        {
            return null;
        }

        var principalKey = AuditKey.Of(principal.Values(), navigation.ForeignKey.PrincipalKey.Properties, original: false);
        return _deleted.TryGetValue((navigation.ForeignKey, principalKey), out var entry) ? entry : null;
    }

    /// <summary>The unchanged entities (not owned themselves) whose owned entities changed: they get an update log.</summary>
    public List<EntityEntry> UnchangedOwners(DbContext context)
    {
        var owners = new List<EntityEntry>();
        if (IsEmpty)
        {
            return owners;
        }

        var principalTypes = new HashSet<IEntityType>();
        foreach (var owned in _changed)
        {
            for (var ownership = owned.Metadata.FindOwnership(); ownership is not null; ownership = ownership.PrincipalEntityType.FindOwnership())
            {
                principalTypes.Add(ownership.PrincipalEntityType);
            }
        }

        var principals = new Dictionary<(IEntityType Type, string Key), EntityEntry>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (principalTypes.Contains(entry.Metadata) && entry.Metadata.FindPrimaryKey() is { } key)
            {
                principals[(entry.Metadata, AuditKey.Of(entry.Values(), key.Properties, original: false))] = entry;
            }
        }

        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var owned in _changed)
        {
            var current = owned;
            while (current?.Metadata.FindOwnership() is { } ownership)
            {
                var key = AuditKey.Of(current.Values(), ownership.Properties, original: current.State == EntityState.Deleted);
                principals.TryGetValue((ownership.PrincipalEntityType, key), out current);
            }

            if (current is { State: EntityState.Unchanged } owner && seen.Add(owner.Entity))
            {
                owners.Add(owner);
            }
        }

        return owners;
    }
}
