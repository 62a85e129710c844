using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace ServerTools.Auditing;

/// <summary>
/// How one audited entity type is written to the audit trail: its stable name and its audited fields.
/// Instances are created by generated code (one per <see cref="AuditedAttribute">[Audited]</see> class)
/// and registered in <see cref="AuditDescriptors"/> when the assembly loads.
/// </summary>
public abstract class AuditDescriptor
{
    private protected AuditDescriptor(Type entityType, string entityName)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityName);
        EntityType = entityType;
        EntityName = entityName;
    }

    /// <summary>The audited CLR type.</summary>
    public Type EntityType { get; }

    /// <summary>The stable name written to <c>AuditLog.EntityType</c>: the type's full name.</summary>
    public string EntityName { get; }

    /// <summary>The audited fields, in declaration order (base class first).</summary>
    public abstract IReadOnlyList<AuditField> Fields { get; }

    /// <summary>Reads the value of the field at <paramref name="fieldIndex"/> from <paramref name="entity"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="entity"/> is not of <see cref="EntityType"/>.</exception>
    public abstract object? GetValue(object entity, int fieldIndex);
}

/// <summary>The audit descriptor of entity type <typeparamref name="TEntity"/>, with typed value readers.</summary>
/// <typeparam name="TEntity">The audited entity type.</typeparam>
public sealed class AuditDescriptor<TEntity> : AuditDescriptor
    where TEntity : class
{
    private readonly AuditField<TEntity>[] _fields;

    /// <summary>Creates a descriptor. Called by generated code.</summary>
    /// <param name="entityName">The stable name of the entity type.</param>
    /// <param name="fields">The audited fields, in a stable order; names must be unique.</param>
    public AuditDescriptor(string entityName, params AuditField<TEntity>[] fields)
        : base(typeof(TEntity), entityName)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
            if (!names.Add(field.Name))
            {
                throw new ArgumentException($"The audited field '{field.Name}' of '{entityName}' is listed twice.", nameof(fields));
            }
        }

        _fields = fields;
        Fields = new ReadOnlyCollection<AuditField>(fields);
    }

    /// <inheritdoc />
    public override IReadOnlyList<AuditField> Fields { get; }

    /// <summary>Reads the value of the field at <paramref name="fieldIndex"/> from <paramref name="entity"/>.</summary>
    public object? GetValue(TEntity entity, int fieldIndex) => _fields[fieldIndex].GetValue(entity);

    /// <inheritdoc />
    public override object? GetValue(object entity, int fieldIndex) => entity is TEntity typed
        ? _fields[fieldIndex].GetValue(typed)
        : throw new ArgumentException(
            $"Expected an entity of type '{EntityName}', got '{entity?.GetType().FullName ?? "null"}'.", nameof(entity));
}
