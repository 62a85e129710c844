using System;

namespace ServerTools.Auditing;

/// <summary>One audited property of an entity.</summary>
public abstract class AuditField
{
    private protected AuditField(string name, bool isMasked)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        IsMasked = isMasked;
    }

    /// <summary>The stable name written to <c>AuditLogLine.Field</c>.</summary>
    public string Name { get; }

    /// <summary>True when the field is marked <see cref="AuditMaskAttribute">[AuditMask]</see>: its changes are logged, its values are not.</summary>
    public bool IsMasked { get; }

    /// <inheritdoc />
    public override string ToString() => IsMasked ? Name + " (masked)" : Name;
}

/// <summary>An audited property of <typeparamref name="TEntity"/> with a compiled reader.</summary>
/// <typeparam name="TEntity">The audited entity type.</typeparam>
public sealed class AuditField<TEntity> : AuditField
    where TEntity : class
{
    private readonly Func<TEntity, object?> _getter;

    /// <summary>Creates a field. Called by generated code.</summary>
    /// <param name="name">The property name.</param>
    /// <param name="isMasked">Whether the value is hidden in the trail.</param>
    /// <param name="getter">Reads the property from an entity.</param>
    public AuditField(string name, bool isMasked, Func<TEntity, object?> getter)
        : base(name, isMasked)
    {
        ArgumentNullException.ThrowIfNull(getter);
        _getter = getter;
    }

    /// <summary>Reads the field's current value from <paramref name="entity"/>.</summary>
    public object? GetValue(TEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return _getter(entity);
    }
}
