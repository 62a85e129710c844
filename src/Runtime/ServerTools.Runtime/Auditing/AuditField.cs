using System;

namespace ServerTools.Auditing;

/// <summary>One audited property of an entity.</summary>
public sealed class AuditField
{
    /// <summary>Creates a field. Called by generated code.</summary>
    /// <param name="name">The property name: the stable name written to <see cref="AuditLogLine.Field"/>.</param>
    /// <param name="isMasked">Whether the value is hidden in the trail (<see cref="AuditMaskAttribute">[AuditMask]</see>).</param>
    public AuditField(string name, bool isMasked)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        IsMasked = isMasked;
    }

    /// <summary>The stable name written to <see cref="AuditLogLine.Field"/>.</summary>
    public string Name { get; }

    /// <summary>True when the field is marked <see cref="AuditMaskAttribute">[AuditMask]</see>: its changes are logged, its values are not.</summary>
    public bool IsMasked { get; }

    /// <inheritdoc />
    public override string ToString() => IsMasked ? Name + " (masked)" : Name;
}
