using System;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>
/// The audit descriptors of every loaded assembly. Generated code registers each
/// <see cref="AuditedAttribute">[Audited]</see> class here from a module initializer, so the runtime
/// finds them without scanning assemblies.
/// </summary>
/// <remarks>
/// A class derived from an audited class, and not marked <c>[Audited]</c> itself, is audited with the descriptor of its
/// nearest audited base class: the base class's fields are logged, under the base class's
/// <see cref="AuditDescriptor.EntityName"/>, and the derived class's own properties are not. Its logs are therefore
/// found by the trail of the base type: in EF Core, a key identifies an entity in its whole hierarchy, as long as the
/// audited base class is itself mapped (a base class that unrelated entity types share but EF Core does not map would
/// give their logs one name while their keys may collide). A derived class marked <c>[Audited]</c> has a descriptor of its
/// own, with all its fields, and its logs carry its own name.
/// </remarks>
public static class AuditDescriptors
{
    /// <summary>The descriptors registered by generated code, by the exact type they describe.</summary>
    private static readonly ConcurrentDictionary<Type, AuditDescriptor> s_registered = new();

    /// <summary>
    /// The answer of <see cref="TryGet"/> for each type asked about, including "not audited" (null). Replaced, not
    /// cleared, by <see cref="Register"/>: a lookup that started before a registration fills the old cache, which
    /// nobody reads any more, so no answer computed without the new descriptor survives it.
    /// </summary>
    private static volatile ConcurrentDictionary<Type, AuditDescriptor?> s_resolved = new();

    /// <summary>The answer of <see cref="Trails"/> for each type asked about; replaced by <see cref="Register"/> as <see cref="s_resolved"/> is.</summary>
    private static volatile ConcurrentDictionary<Type, AuditDescriptor[]> s_trails = new();

    /// <summary>Registers a descriptor. Called by generated code; registering the same type twice keeps the first.</summary>
    public static void Register(AuditDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (s_registered.TryAdd(descriptor.EntityType, descriptor))
        {
            s_resolved = new ConcurrentDictionary<Type, AuditDescriptor?>();
            s_trails = new ConcurrentDictionary<Type, AuditDescriptor[]>();
            SetupGuard.DescriptorRegistered();
        }
    }

    /// <summary>
    /// Finds the descriptor that audits <paramref name="entityType"/>: its own when it is <c>[Audited]</c>, otherwise the
    /// one of its nearest <c>[Audited]</c> base class, whose <see cref="AuditDescriptor.EntityType"/> is then that base
    /// class. The answer is cached per type, so after the first call this costs one dictionary lookup.
    /// </summary>
    /// <param name="entityType">The CLR type of an entity.</param>
    /// <param name="descriptor">The descriptor, or null when neither the type nor a base class is audited.</param>
    /// <returns>True when <paramref name="entityType"/> is audited.</returns>
    public static bool TryGet(Type entityType, [NotNullWhen(true)] out AuditDescriptor? descriptor)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        descriptor = s_resolved.GetOrAdd(entityType, Resolve);
        return descriptor is not null;
    }

    /// <summary>
    /// The descriptor that audits <typeparamref name="TEntity"/>, as <see cref="TryGet"/> finds it: for a class that is
    /// audited through its base class, the base class's descriptor (its name is what the trail of the entity is stored under).
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Neither the type nor a base class is audited, or the class is not partial so no descriptor was generated.
    /// </exception>
    public static AuditDescriptor Get<TEntity>()
        where TEntity : class
        => TryGet(typeof(TEntity), out var descriptor)
            ? descriptor
            : throw new InvalidOperationException(
                $"'{typeof(TEntity).FullName}' has no audit descriptor. Mark the class [Audited] and declare it partial " +
                "(diagnostic ST0001 reports a class that is not), and check that the project references the ServerTools package.");

    /// <summary>
    /// The descriptors whose names the logs of a <paramref name="type"/> entity may carry, whatever its class: the one
    /// that audits the type itself (its own or a base class's), then those of the <c>[Audited]</c> classes derived from
    /// it, in name order. Empty when none is audited.
    /// </summary>
    internal static AuditDescriptor[] Trails(Type type)
        => s_trails.GetOrAdd(type, static type =>
        {
            var derived = s_registered.Values
                .Where(descriptor => descriptor.EntityType != type && type.IsAssignableFrom(descriptor.EntityType))
                .OrderBy(static descriptor => descriptor.EntityName, StringComparer.Ordinal);
            return TryGet(type, out var own) ? [own, .. derived] : [.. derived];
        });

    /// <summary>The registered descriptor of <paramref name="type"/> or of its nearest base class that has one.</summary>
    private static AuditDescriptor? Resolve(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (s_registered.TryGetValue(current, out var descriptor))
            {
                return descriptor;
            }
        }

        return null;
    }
}
