using System;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ServerTools.Auditing;

/// <summary>
/// The audit descriptors of every loaded assembly. Generated code registers each
/// <see cref="AuditedAttribute">[Audited]</see> class here from a module initializer, so the runtime
/// finds them without scanning assemblies.
/// </summary>
public static class AuditDescriptors
{
    private static readonly ConcurrentDictionary<Type, AuditDescriptor> s_descriptors = new();

    /// <summary>Registers a descriptor. Called by generated code; registering the same type twice keeps the first.</summary>
    public static void Register(AuditDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        s_descriptors.TryAdd(descriptor.EntityType, descriptor);
    }

    /// <summary>Finds the descriptor of <paramref name="entityType"/>, if it is audited.</summary>
    public static bool TryGet(Type entityType, [NotNullWhen(true)] out AuditDescriptor? descriptor)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return s_descriptors.TryGetValue(entityType, out descriptor);
    }

    /// <summary>The descriptor of <typeparamref name="TEntity"/>.</summary>
    /// <exception cref="InvalidOperationException">The type is not audited, or not partial so no descriptor was generated.</exception>
    public static AuditDescriptor<TEntity> Get<TEntity>()
        where TEntity : class
        => TryGet(typeof(TEntity), out var descriptor)
            ? (AuditDescriptor<TEntity>)descriptor
            : throw new InvalidOperationException(
                $"'{typeof(TEntity).FullName}' has no audit descriptor. Mark the class [Audited] and declare it partial " +
                "(diagnostic ST0001 reports a class that is not), and check that the project references the ServerTools package.");
}
