using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace ServerTools.Auditing;

/// <summary>
/// How one audited entity type is written to the audit trail: its stable name, its mode and operations,
/// and its audited fields. Created by generated code (one per <see cref="AuditedAttribute">[Audited]</see>
/// class) and registered in <see cref="AuditDescriptors"/> when the assembly loads. The values themselves are
/// read through EF Core's change tracker (original and current values, database-generated ones included),
/// so they are exactly what EF writes.
/// </summary>
public abstract class AuditDescriptor
{
    private protected AuditDescriptor(Type entityType, string entityName, AuditMode mode, AuditOperations operations, AuditField[] fields)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityName);
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

        EntityType = entityType;
        EntityName = entityName;
        Mode = mode;
        Operations = operations;
        Fields = new ReadOnlyCollection<AuditField>((AuditField[])fields.Clone());
    }

    /// <summary>The audited CLR type.</summary>
    public Type EntityType { get; }

    /// <summary>The stable name written to <see cref="AuditLog.EntityType"/>: the type's full name.</summary>
    public string EntityName { get; }

    /// <summary>Which values each log holds (<see cref="AuditedAttribute.Mode"/>).</summary>
    public AuditMode Mode { get; }

    /// <summary>Which operations are logged (<see cref="AuditedAttribute.Operations"/>).</summary>
    public AuditOperations Operations { get; }

    /// <summary>The audited fields, in declaration order (base class first).</summary>
    public IReadOnlyList<AuditField> Fields { get; }

    /// <summary>
    /// The navigations of the class (and its base classes) marked <see cref="AuditIgnoreAttribute">[AuditIgnore]</see>:
    /// a foreign key the model adds for one of them without a CLR property (a shadow <c>CustomerId</c> for
    /// <c>Customer</c>) is not logged, nor are the links a many-to-many navigation (<c>Tags</c>) adds or removes. Set by
    /// generated code.
    /// </summary>
    public IReadOnlyCollection<string> IgnoredNavigations { get; init; } = [];

    /// <summary>
    /// The navigations marked <see cref="AuditMaskAttribute">[AuditMask]</see>: a shadow foreign key of one of them, and
    /// the links of a many-to-many one, are logged masked. Set by generated code.
    /// </summary>
    public IReadOnlyCollection<string> MaskedNavigations { get; init; } = [];
}

/// <summary>The audit descriptor of entity type <typeparamref name="TEntity"/>.</summary>
/// <typeparam name="TEntity">The audited entity type.</typeparam>
public sealed class AuditDescriptor<TEntity> : AuditDescriptor
    where TEntity : class
{
    /// <summary>Creates a descriptor. Called by generated code.</summary>
    /// <param name="entityName">The stable name of the entity type.</param>
    /// <param name="mode">Which values each log holds.</param>
    /// <param name="operations">Which operations are logged.</param>
    /// <param name="fields">The audited fields, in a stable order; names must be unique.</param>
    public AuditDescriptor(string entityName, AuditMode mode, AuditOperations operations, params AuditField[] fields)
        : base(typeof(TEntity), entityName, mode, operations, fields)
    {
    }
}
