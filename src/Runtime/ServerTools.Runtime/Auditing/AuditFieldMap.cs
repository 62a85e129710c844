using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>
/// For one entity type: the fields its logs hold (the descriptor's, then the shadow foreign keys the model adds), how
/// to read each (null when the model does not map it), the key properties, and the many-to-many navigations whose
/// links its logs hold.
/// </summary>
internal sealed class AuditFieldMap
{
    private const string AnnotationName = "ServerTools:AuditFieldMap";

    private AuditFieldMap(IEntityType entityType, AuditDescriptor descriptor)
    {
        var names = new List<AuditField>(descriptor.Fields);
        var fields = new List<AuditFieldAccess?>(names.Count);
        foreach (var field in descriptor.Fields)
        {
            fields.Add(AuditFieldAccess.Resolve(entityType, field.Name));
        }

        foreach (var (property, masked) in ShadowForeignKeys(entityType, descriptor))
        {
            if (AuditFieldAccess.Create(property, []) is { } access)
            {
                names.Add(new AuditField(property.Name, masked));
                fields.Add(access);
            }
        }

        Names = [.. names];
        Fields = [.. fields];
        Links = [.. LinkedNavigations(entityType, descriptor)];
        HasComputedOnUpdate = fields.Exists(static access => access is { IsComputedOnUpdate: true });
        Key = entityType.FindPrimaryKey() is { } primaryKey
            ? [.. primaryKey.Properties]
            : throw new InvalidOperationException(
                $"'{descriptor.EntityName}' is [Audited] but has no primary key in the model, so its logs could not say which row changed. " +
                "Give it a key, or remove [Audited].");
    }

    /// <summary>The fields of the logs, in order: the descriptor's, then the shadow foreign keys of the model.</summary>
    public AuditField[] Names { get; }

    /// <summary>How to read each field of <see cref="Names"/>; null when the model does not map it.</summary>
    public AuditFieldAccess?[] Fields { get; }

    public IProperty[] Key { get; }

    /// <summary>
    /// The many-to-many navigations (EF Core's skip navigations) whose added and removed links the logs hold, each as a
    /// line named after it, after the fields, in the model's order (<see cref="LinkChanges"/>).
    /// </summary>
    public AuditLink[] Links { get; }

    /// <summary>Whether a field's value is computed by the database on update (read back by EF after the save's statements).</summary>
    public bool HasComputedOnUpdate { get; }

    /// <summary>Built once per entity type of a model, kept as a runtime annotation on it.</summary>
    public static AuditFieldMap For(IEntityType entityType, AuditDescriptor descriptor)
        => entityType.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static state => new AuditFieldMap(state.EntityType, state.Descriptor),
            (EntityType: entityType, Descriptor: descriptor));

    /// <summary>
    /// The many-to-many navigations of the described class and its base classes that have a CLR property (the inverse of a
    /// navigation declared on one side only has none), unless <c>[AuditIgnore]</c>; masked when <c>[AuditMask]</c>. The
    /// marks of the navigation back (<see cref="InverseMarks"/>) count too, the strongest of the two sides winning: a link
    /// is one fact, which the log of either side would otherwise hold in clear.
    /// </summary>
    private static IEnumerable<AuditLink> LinkedNavigations(IEntityType entityType, AuditDescriptor descriptor)
    {
        foreach (var navigation in entityType.GetSkipNavigations())
        {
            if (navigation.IsShadowProperty() || !navigation.DeclaringEntityType.ClrType.IsAssignableFrom(descriptor.EntityType))
            {
                continue;
            }

            var (inverseIgnored, inverseMasked) = InverseMarks(navigation);
            if (!inverseIgnored && !descriptor.IgnoredNavigations.Contains(navigation.Name))
            {
                yield return new AuditLink(navigation, new AuditField(navigation.Name, inverseMasked || descriptor.MaskedNavigations.Contains(navigation.Name)));
            }
        }
    }

    /// <summary>
    /// Whether the navigation back of <paramref name="navigation"/> is <c>[AuditIgnore]</c> or <c>[AuditMask]</c>: as the
    /// descriptors of its class and of the <c>[Audited]</c> classes derived from it list it (<see cref="AuditDescriptors.Trails"/>,
    /// marks merged over overrides and interfaces by the generator), or as the property carries the attribute on a mapped
    /// class that is not audited (a <c>[Tracked]</c> one, whose marks the data-rule schema honours too). Read once per model.
    /// </summary>
    private static (bool Ignored, bool Masked) InverseMarks(ISkipNavigation navigation)
    {
        var (ignored, masked) = (false, false);
        if (navigation.Inverse is { } inverse && !inverse.IsShadowProperty())
        {
            foreach (var other in AuditDescriptors.Trails(inverse.DeclaringEntityType.ClrType))
            {
                ignored |= other.IgnoredNavigations.Contains(inverse.Name);
                masked |= other.MaskedNavigations.Contains(inverse.Name);
            }

            foreach (var type in inverse.DeclaringEntityType.GetDerivedTypesInclusive())
            {
                var (typeIgnored, typeMasked) = DeclaredMarks(type.ClrType, inverse.Name);
                (ignored, masked) = (ignored || typeIgnored, masked || typeMasked);
            }
        }

        return (ignored, masked);
    }

    /// <summary>
    /// The marks of the property <paramref name="name"/> on every declaration of it (<see cref="PropertyDeclarations"/>),
    /// the most protective winning, as the generator combines them.
    /// </summary>
    private static (bool Ignored, bool Masked) DeclaredMarks(Type type, string name)
    {
        var (ignored, masked) = (false, false);
        foreach (var property in PropertyDeclarations.Of(type, name))
        {
            ignored |= property.IsDefined(typeof(AuditIgnoreAttribute), inherit: false);
            masked |= property.IsDefined(typeof(AuditMaskAttribute), inherit: false);
        }

        return (ignored, masked);
    }

    /// <summary>
    /// The foreign-key properties the model adds to the entity type without a CLR property (<c>Order.Customer</c> gives
    /// a shadow <c>CustomerId</c>), which the generator cannot see: of the described class and its base classes, in the
    /// model's order, unless a navigation of the key is <c>[AuditIgnore]</c>; masked when one is <c>[AuditMask]</c>.
    /// </summary>
    private static IEnumerable<(IProperty Property, bool Masked)> ShadowForeignKeys(IEntityType entityType, AuditDescriptor descriptor)
    {
        foreach (var property in entityType.GetProperties())
        {
            if (!property.IsShadowProperty() || !property.IsForeignKey() || !property.DeclaringType.ClrType.IsAssignableFrom(descriptor.EntityType))
            {
                continue;
            }

            var ignored = false;
            var masked = false;
            foreach (var foreignKey in property.GetContainingForeignKeys())
            {
                if (foreignKey.DependentToPrincipal is { } navigation)
                {
                    ignored |= descriptor.IgnoredNavigations.Contains(navigation.Name);
                    masked |= descriptor.MaskedNavigations.Contains(navigation.Name);
                }
            }

            if (!ignored)
            {
                yield return (property, masked);
            }
        }
    }
}

/// <summary>
/// Reads one audited field of an entry: a property of the entity, of a complex type in it (<c>ComplexProperty</c>,
/// read from the entity's own entry), or of an owned entity (<c>OwnsOne</c>, read from the owned entry that the
/// navigations lead to). A field name with dots (<c>Address.City</c>) is resolved segment by segment in the model.
/// A field inside an optional complex property that is null has no value (null), whatever EF holds for it. A value of a
/// type the formatter does not write is read as the model maps it (<see cref="AuditModelValue"/>).
/// </summary>
internal sealed class AuditFieldAccess
{
    private readonly INavigation[] _owned;
    private readonly OptionalComplex[]? _optional;
    private readonly Func<object, object?>? _read;
    private readonly bool _savesSetValue;

    private AuditFieldAccess(IProperty property, INavigation[] owned, OptionalComplex[]? optional, Func<object, object?>? read)
    {
        Property = property;
        Comparer = property.GetValueComparer();
        IsOnEntry = owned.Length == 0;
        IsReadAtWrite = property.ValueGenerated != ValueGenerated.Never || property.IsKey() || property.IsForeignKey() || owned.Length > 0;
        IsComputedOnUpdate = owned.Length == 0 && property.ValueGenerated is (ValueGenerated.OnUpdate or ValueGenerated.OnAddOrUpdate) && !property.IsConcurrencyToken;
        _savesSetValue = property.GetAfterSaveBehavior() == PropertySaveBehavior.Save;
        _owned = owned;
        _optional = optional;

        Form = StoredFormOf(property.ClrType, property.FindRelationalTypeMapping());
        _read = read;
    }

    /// <summary>
    /// The access to <paramref name="property"/>, or null when the audit trail has no text for its values
    /// (<see cref="AuditModelValue"/>). A value of a type the formatter does not write itself is read as the model maps
    /// it: a strongly typed id (a shadow foreign key too) as the value its converter stores, as keys are; a primitive
    /// collection as a JSON array.
    /// </summary>
    internal static AuditFieldAccess? Create(IProperty property, INavigation[] owned, OptionalComplex[]? optional = null)
        => AuditModelValue.TryGetReader(property, out var read) ? new AuditFieldAccess(property, owned, optional, read) : null;

    /// <summary>
    /// Whether a created entity's value is known only once the save has run: a key or foreign key (a generated or
    /// temporary value until then), a value the database generates, or an owned entity's (its entry is saved apart).
    /// </summary>
    public bool IsReadAtWrite { get; }

    /// <summary>
    /// Whether the property is held by the entity's own entry (the entity's, or in a complex type of it), not by an
    /// owned entity's: the entry has its modified flag.
    /// </summary>
    public bool IsOnEntry { get; }

    /// <summary>The owned reference navigations that lead from the entity to the owned entity that holds the property (none when <see cref="IsOnEntry"/>).</summary>
    public IReadOnlyList<INavigation> Owned => _owned;

    /// <summary>
    /// Whether the database computes the value on update (<c>ValueGenerated.OnUpdate</c> or <c>OnAddOrUpdate</c>, a
    /// stored computed column): EF reads it back after the update, so an update's new value is read at the write. Not a
    /// concurrency token (a row version the database bumps on every update), which is bookkeeping, not a change.
    /// </summary>
    public bool IsComputedOnUpdate { get; }

    /// <summary>
    /// Whether an update's new value is the one the database computes, read back by EF after the statement: a value
    /// computed on update that the application did not set, or that EF does not send (a computed column).
    /// </summary>
    public bool IsComputedBy(IUpdateEntry values) => IsComputedOnUpdate && (!_savesSetValue || !values.IsModified(Property));

    /// <summary>How the column stores the values (a numeric column's scale, times in microseconds): the form the log writes them in.</summary>
    public StoredForm Form { get; }

    /// <summary>The property that holds the value: on the entity type, a complex type, or the last owned type.</summary>
    public IProperty Property { get; }

    /// <summary>EF's comparer of the property's values (looked up once, not per entity).</summary>
    public ValueComparer Comparer { get; }

    /// <summary>The field's property in the model, or null when the model does not map the path (e.g. a navigation to another entity).</summary>
    public static AuditFieldAccess? Resolve(IEntityType entityType, string fieldName)
    {
        ITypeBase type = entityType;
        var owned = new List<INavigation>();
        List<OptionalComplex>? optional = null;
        var segments = fieldName.Split('.');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (type.FindComplexProperty(segments[i]) is { IsCollection: false } complex)
            {
                if (complex.IsNullable)
                {
                    (optional ??= []).Add(new OptionalComplex(complex));
                }

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

        return type.FindProperty(segments[^1]) is { } property ? Create(property, [.. owned], optional?.ToArray()) : null;
    }

    /// <summary>
    /// The value now, from the entry's own values unless an owned entity holds it; null when an owned entity on the way
    /// is missing or an optional complex property on the way is null.
    /// </summary>
    public object? Current(EntityEntry entry)
    {
        foreach (var navigation in _owned)
        {
            if (entry.Reference(navigation.Name).TargetEntry is not { } target)
            {
                return null;
            }

            entry = target;
        }

        var values = entry.Values();
        if (_optional is not null)
        {
            foreach (var complex in _optional)
            {
                if (values.GetCurrentValue(complex.Property) is null)
                {
                    return null;
                }
            }
        }

        return Stored(values.GetCurrentValue(Property));
    }

    /// <summary>
    /// The value when the entity was loaded, from the entry's own original values unless an owned entity holds it. An
    /// owned entity that was replaced or removed is found among the deleted entries of <paramref name="changes"/>, since
    /// the navigation now leads to its successor or nowhere; one that a deleted entity the context did not load does
    /// not hold is found among the values <paramref name="changes"/> has of its stored row. Null inside an optional
    /// complex property that was null.
    /// </summary>
    public object? Original(EntityEntry entry, OwnedChanges changes)
    {
        var owner = entry;
        foreach (var navigation in _owned)
        {
            var target = entry.Reference(navigation.Name).TargetEntry;
            if (target is null || (target.State == EntityState.Added && entry.State != EntityState.Added))
            {
                target = changes.Replaced(navigation, entry);
            }

            if (target is null)
            {
                return changes.Stored(owner, Property) is { } stored ? Stored(stored) : null;
            }

            entry = target;
        }

        var values = entry.Values();
        if (_optional is not null)
        {
            foreach (var complex in _optional)
            {
                if (complex.WasNull(values))
                {
                    return null;
                }
            }
        }

        return Stored(values.GetOriginalValue(Property));
    }

    /// <summary>
    /// Whether two values read by this access are the same: by EF's comparer, or, for a value read as the model maps it, as
    /// what is logged (the stored value, a collection's text), which EF's comparer told apart before the modified flag was set.
    /// </summary>
    public bool Same(object? left, object? right) => _read is null ? Comparer.Equals(left, right) : Equals(left, right);

    /// <summary>
    /// How PostgreSQL stores values of <paramref name="clrType"/> mapped by <paramref name="mapping"/> (a property's, or a
    /// primitive collection's elements'): a decimal in a <c>numeric</c> column with a scale (declared, or 0 when only a
    /// precision is) at that scale; a <c>DateTime</c>, <c>DateTimeOffset</c>, <c>TimeSpan</c> or <c>TimeOnly</c> in a
    /// <c>timestamp</c>, <c>time</c> or <c>interval</c> column of the default precision in microseconds. A column of
    /// another type or a lower precision, or a value converter, is left exact.
    /// </summary>
    internal static StoredForm StoredFormOf(Type clrType, RelationalTypeMapping? mapping)
    {
        var type = Nullable.GetUnderlyingType(clrType) ?? clrType;
        if (mapping is null || mapping.Converter is not null)
        {
            return default;
        }

        var storeType = mapping.StoreTypeNameBase;
        if (type == typeof(decimal) && storeType is "numeric" or "decimal")
        {
            var scale = mapping.Scale ?? (mapping.Precision is null ? null : 0);
            return scale is >= 0 and <= 28 ? new StoredForm(scale, false) : default;
        }

        var time = type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(TimeOnly);
        return time
               && storeType is "timestamp with time zone" or "timestamp without time zone" or "timestamptz" or "timestamp"
                   or "time without time zone" or "time" or "interval"
               && mapping.Precision is null or >= 6
            ? new StoredForm(null, true)
            : default;
    }

    private object? Stored(object? value) => _read is null || value is null ? value : _read(value);
}

/// <summary>
/// An optional complex property (<c>ComplexProperty</c> of a nullable type) on the way to a field. EF keeps the
/// original values of the properties inside it, not whether it was null: a null one has the CLR default of each
/// (<c>0</c>, <c>null</c>). It was null when a required property that can hold null (a <c>string</c>, a discriminator)
/// has no original value, which a complex value loaded from the database cannot have; when it has no such property,
/// when every property inside holds its default.
/// </summary>
internal sealed class OptionalComplex
{
    private readonly IProperty[] _markers;
    private readonly (IProperty Property, object? Default)[]? _all;

    public OptionalComplex(IComplexProperty property)
    {
        Property = property;
        var markers = new List<IProperty>();
        foreach (var inner in property.ComplexType.GetProperties())
        {
            if (!inner.IsNullable && (!inner.ClrType.IsValueType || Nullable.GetUnderlyingType(inner.ClrType) is not null))
            {
                markers.Add(inner);
            }
        }

        _markers = [.. markers];
        if (_markers.Length == 0)
        {
            var all = new List<(IProperty, object?)>();
            AddAll(property.ComplexType, all);
            _all = [.. all];
        }
    }

    public IComplexProperty Property { get; }

    /// <summary>Whether the complex property was null when the entity was loaded (see the class).</summary>
    public bool WasNull(IUpdateEntry values)
    {
        if (_all is null)
        {
            foreach (var marker in _markers)
            {
                if (values.GetOriginalValue(marker) is null)
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var (property, defaultValue) in _all)
        {
            if (!property.GetValueComparer().Equals(values.GetOriginalValue(property), defaultValue))
            {
                return false;
            }
        }

        return true;
    }

    private static void AddAll(IComplexType type, List<(IProperty, object?)> all)
    {
        foreach (var inner in type.GetProperties())
        {
            all.Add((inner, inner.ClrType.IsValueType && Nullable.GetUnderlyingType(inner.ClrType) is null ? Activator.CreateInstance(inner.ClrType) : null));
        }

        foreach (var complex in type.GetComplexProperties())
        {
            if (!complex.IsCollection && !complex.IsNullable)
            {
                AddAll(complex.ComplexType, all);
            }
        }
    }
}

/// <summary>
/// The owned entries (<c>OwnsOne</c>) a SaveChanges adds, modifies or deletes. EF tracks an owned entity as an
/// entry of its own, so a change to <c>partner.Address.City</c> leaves the partner's entry unchanged: the owner is
/// found from here and logged as updated, and an owned entity that was replaced or removed gives its old values.
/// </summary>
internal sealed class OwnedChanges(Dictionary<(object Entity, IProperty Property), object?>? stored = null)
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

    /// <summary>
    /// The stored value of <paramref name="property"/> of an owned entity of the deleted entity of <paramref name="owner"/>
    /// that the context does not track, read before the save (<see cref="StoredOriginals"/>); null when none was read.
    /// </summary>
    public object? Stored(EntityEntry owner, IProperty property)
        => stored is not null && stored.TryGetValue((owner.Entity, property), out var value) ? value : null;

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
