using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.ComponentModel;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Auditing;
using ServerTools.Infrastructure;

namespace ServerTools.Tracking;

/// <summary>
/// How one <see cref="TrackedAttribute">[Tracked]</see> entity type is tracked: its stable name, the operations
/// delivered to subscribers, and its tracked fields with their hooks. Created by generated code and registered in
/// <see cref="TrackedDescriptors"/> when the assembly loads.
/// </summary>
public abstract class TrackedDescriptor
{
    private protected TrackedDescriptor(Type entityType, string entityName, TrackedOperations operations, IReadOnlyList<TrackedField> fields)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entityName);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
            if (!names.Add(field.Name))
            {
                throw new ArgumentException($"The tracked field '{field.Name}' of '{entityName}' is listed twice.", nameof(fields));
            }
        }

        EntityType = entityType;
        EntityName = entityName;
        Operations = operations;
        Fields = fields;
    }

    /// <summary>The tracked CLR type.</summary>
    public Type EntityType { get; }

    /// <summary>The stable name written to the outbox: the type's full name.</summary>
    public string EntityName { get; }

    /// <summary>The operations delivered to subscribers (<see cref="TrackedAttribute.Operations"/>).</summary>
    public TrackedOperations Operations { get; }

    /// <summary>The tracked fields, in declaration order (base class first).</summary>
    public IReadOnlyList<TrackedField> Fields { get; }

    /// <summary>Whether the entity, or a tracked base class, implements at least one <c>On{Name}Changed</c> hook of its fields.</summary>
    internal abstract bool HasHooks { get; }

    /// <summary>Runs the hooks of the fields that changed in a modified entry, in field order; true when one ran.</summary>
    internal abstract bool RunHooks(EntityEntry entry, IProperty?[] properties);

    /// <summary>
    /// The changed fields of a modified entry (old and new values, formatted later), or the old values of a deleted one.
    /// A modified entry's field counts as changed only when EF will write it: flagged modified by change detection (with
    /// the property's own comparer) and different.
    /// </summary>
    internal abstract List<TrackedValues> Changes(EntityEntry entry, IProperty?[] properties, TrackedOperation operation);

    /// <summary>Every field's current value of a created entry, read when the outbox is written (database-generated values included).</summary>
    internal abstract List<PendingLine> Created(EntityEntry entry, IProperty?[] properties);

    /// <summary>Whether <paramref name="services"/> has at least one <see cref="ITrackedChangeHandler{T}"/> of the type.</summary>
    internal abstract bool HasHandlers(IServiceProvider services);

    /// <summary>
    /// Hands a message to every <see cref="ITrackedChangeHandler{T}"/> of the type that has not handled it yet
    /// (<see cref="OutboxMessage.HandledBy"/>), in registration order: each handler runs even when one before it threw.
    /// Stops before the next handler when <paramref name="cancellationToken"/> is cancelled, and when a handler gives up
    /// because of it. The change reads back the values whose text the model decides through <paramref name="model"/>, the
    /// dispatcher context's.
    /// </summary>
    internal abstract Task<HandlerRun> DeliverAsync(IServiceProvider services, OutboxMessage message, IModel? model, CancellationToken cancellationToken);
}

/// <summary>The tracking descriptor of <typeparamref name="TEntity"/>.</summary>
/// <typeparam name="TEntity">The tracked entity type.</typeparam>
public sealed class TrackedDescriptor<TEntity> : TrackedDescriptor
    where TEntity : class
{
    /// <summary>Creates a descriptor. Called by generated code.</summary>
    /// <param name="entityName">The stable name of the entity type.</param>
    /// <param name="operations">The operations delivered to subscribers.</param>
    /// <param name="fields">The tracked fields, in declaration order; names must be unique.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TrackedDescriptor(string entityName, TrackedOperations operations, params TrackedField<TEntity>[] fields)
        : this(entityName, operations, new ReadOnlyCollection<TrackedField<TEntity>>((TrackedField<TEntity>[])(fields ?? throw new ArgumentNullException(nameof(fields))).Clone()))
    {
    }

    private TrackedDescriptor(string entityName, TrackedOperations operations, ReadOnlyCollection<TrackedField<TEntity>> fields)
        : base(typeof(TEntity), entityName, operations, fields)
    {
        TypedFields = fields;
    }

    /// <summary>The tracked fields, typed by entity.</summary>
    internal IReadOnlyList<TrackedField<TEntity>> TypedFields { get; }

    internal override bool HasHooks => Hooks().Any;

    internal override bool RunHooks(EntityEntry entry, IProperty?[] properties)
    {
        var entity = (TEntity)entry.Entity;
        var values = entry.Values();
        var inherited = Hooks().Inherited;
        var ran = false;
        for (var i = 0; i < TypedFields.Count; i++)
        {
            // Values, not EF's modified flags: a hook may change a later field of the same entity, whose hook then runs
            // in this pass, before changes are detected again.
            if (properties[i] is not { } property)
            {
                continue;
            }

            foreach (var baseField in inherited[i])
            {
                ran |= baseField.RunHookOn(entity, values, property);
            }

            var field = TypedFields[i];
            if (field.HasHook && field.RunHook(entity, values, property))
            {
                ran = true;
            }
        }

        return ran;
    }

    private HookPlan? _hooks;

    /// <summary>
    /// For each field, the hooks that tracked base classes implement for the same property, base class first: a derived
    /// class's own <c>On{Name}Changed</c> is a method of its own (partial methods are private), and the base class's
    /// runs too. Built on first use, again after a descriptor is registered.
    /// </summary>
    private HookPlan Hooks()
    {
        var version = TrackedDescriptors.Version;
        if (_hooks is { } hooks && hooks.Version == version)
        {
            return hooks;
        }

        var ancestors = new List<TrackedDescriptor>();
        for (var type = typeof(TEntity).BaseType; type is not null && TrackedDescriptors.TryGet(type, out var ancestor); type = ancestor.EntityType.BaseType)
        {
            ancestors.Insert(0, ancestor);
        }

        var inherited = new TrackedField[TypedFields.Count][];
        var any = false;
        for (var i = 0; i < inherited.Length; i++)
        {
            var field = TypedFields[i];
            inherited[i] = [.. ancestors.Select(ancestor => ancestor.Fields.FirstOrDefault(
                    candidate => candidate.HasHook && candidate.Name == field.Name && candidate.ValueType == field.ValueType))
                .OfType<TrackedField>()];
            any |= field.HasHook || inherited[i].Length > 0;
        }

        _hooks = hooks = new HookPlan(version, inherited, any);
        return hooks;
    }

    private sealed record HookPlan(int Version, TrackedField[][] Inherited, bool Any);

    internal override List<TrackedValues> Changes(EntityEntry entry, IProperty?[] properties, TrackedOperation operation)
    {
        var values = entry.Values();
        if (operation == TrackedOperation.Delete)
        {
            var deleted = new List<TrackedValues>(TypedFields.Count);
            for (var i = 0; i < TypedFields.Count; i++)
            {
                if (properties[i] is { } property)
                {
                    deleted.Add(TypedFields[i].Original(values, property));
                }
            }

            return deleted;
        }

        // An update usually changes a few fields: the list starts small rather than at the field count.
        var changed = new List<TrackedValues>(Math.Min(4, TypedFields.Count));
        for (var i = 0; i < TypedFields.Count; i++)
        {
            if (properties[i] is { } property && values.IsModified(property) && TypedFields[i].Changed(values, property) is { } change)
            {
                changed.Add(change);
            }
        }

        return changed;
    }

    internal override List<PendingLine> Created(EntityEntry entry, IProperty?[] properties)
    {
        var values = entry.Values();
        var lines = new List<PendingLine>(TypedFields.Count);
        for (var i = 0; i < TypedFields.Count; i++)
        {
            if (properties[i] is { } property)
            {
                lines.Add(new PendingLine(TypedFields[i].Name, null, TypedFields[i].Text(values, property)));
            }
        }

        return lines;
    }

    internal override bool HasHandlers(IServiceProvider services)
        => services.GetService<IServiceProviderIsService>() is { } isService
            ? isService.IsService(typeof(ITrackedChangeHandler<TEntity>))
            : services.GetServices<ITrackedChangeHandler<TEntity>>().Any();

    internal override async Task<HandlerRun> DeliverAsync(IServiceProvider services, OutboxMessage message, IModel? model, CancellationToken cancellationToken)
    {
        var change = new TrackedChange<TEntity>(
            message.Id, message.Operation, message.EntityType, message.EntityKey, message.Timestamp,
            message.UserId, message.UserName, message.TenantId, message.Attempts + 1, message.Sequence, message.Fields,
            model?.FindEntityType(typeof(TEntity)));
        var run = new HandlerRun();
        foreach (var handler in services.GetServices<ITrackedChangeHandler<TEntity>>())
        {
            var name = run.Name(handler);
            if (message.HandledBy?.Contains(name) == true)
            {
                continue;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                run.Stopped = true;
                break;
            }

            try
            {
                await handler.HandleAsync(change, cancellationToken).ConfigureAwait(false);
                run.Handled.Add(name);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                run.Stopped = true;
                break;
            }
            catch (Exception exception)
            {
                run.Failures.Add((name, exception));
            }
        }

        return run;
    }
}

/// <summary>What the handlers of one change did in one delivery.</summary>
internal sealed class HandlerRun
{
    private Dictionary<string, int>? _seen;

    /// <summary>The handlers that handled the change, by <see cref="Name"/>.</summary>
    public List<string> Handled { get; } = [];

    /// <summary>The handlers that threw, by <see cref="Name"/>, with what they threw.</summary>
    public List<(string Handler, Exception Exception)> Failures { get; } = [];

    /// <summary>The dispatcher is stopping: a handler gave up, or the next one was not started.</summary>
    public bool Stopped { get; set; }

    /// <summary>
    /// The name a handler is recorded under: its type's full name, without assembly names or versions (a closed generic
    /// handler, registered as <c>typeof(ITrackedChangeHandler&lt;&gt;)</c>, is <c>Shop.AllChanges`1[Shop.SaleOrder]</c>, so
    /// a new build of the application's assembly is the same handler); a type registered more than once is told apart by
    /// its place among them (<c>#2</c>, <c>#3</c>), so each registration handles the change once.
    /// </summary>
    public string Name(object handler)
    {
        // Type.ToString() is the full name for every type but a constructed generic one, whose FullName names the assemblies
        // of its type arguments with their versions.
        var name = handler.GetType().ToString();
        _seen ??= new Dictionary<string, int>(StringComparer.Ordinal);
        var count = _seen[name] = _seen.GetValueOrDefault(name) + 1;
        return count == 1 ? name : $"{name}#{count.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}

/// <summary>
/// The tracking descriptors of every loaded assembly, registered by generated code from module initializers, so the
/// runtime finds them without scanning assemblies.
/// </summary>
/// <remarks>
/// A class derived from a tracked class, and not marked <c>[Tracked]</c> itself, is tracked with the descriptor of its
/// nearest tracked base class, as auditing does: the base class's fields, hooks and name, so its changes reach the
/// base class's <see cref="ITrackedChangeHandler{T}"/>s. A derived class marked <c>[Tracked]</c> has a descriptor of its
/// own, and its changes carry its own name.
/// </remarks>
public static class TrackedDescriptors
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, TrackedDescriptor> s_byType = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TrackedDescriptor> s_byName = new(StringComparer.Ordinal);

    /// <summary>
    /// The answer of <see cref="TryGet(Type, out TrackedDescriptor?)"/> for each type asked about, "not tracked" (null)
    /// included. Replaced, not cleared, by <see cref="Register"/>, as in <see cref="AuditDescriptors"/>.
    /// </summary>
    private static volatile System.Collections.Concurrent.ConcurrentDictionary<Type, TrackedDescriptor?> s_resolved = new();

    private static int s_version;

    /// <summary>Changes whenever a descriptor is registered, so what was derived from the registered ones is built again.</summary>
    internal static int Version => Volatile.Read(ref s_version);

    /// <summary>Registers a descriptor. Called by generated code; registering the same type twice keeps the first.</summary>
    public static void Register(TrackedDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (s_byType.TryAdd(descriptor.EntityType, descriptor))
        {
            s_byName.TryAdd(descriptor.EntityName, descriptor);
            s_resolved = new System.Collections.Concurrent.ConcurrentDictionary<Type, TrackedDescriptor?>();
            Interlocked.Increment(ref s_version);
            SetupGuard.DescriptorRegistered();
        }
    }

    /// <summary>
    /// The descriptor that tracks <paramref name="entityType"/>: its own when it is tracked, otherwise the one of its
    /// nearest tracked base class; false when neither is. Cached per type.
    /// </summary>
    public static bool TryGet(Type entityType, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TrackedDescriptor? descriptor)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        descriptor = s_resolved.GetOrAdd(entityType, static type =>
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (s_byType.TryGetValue(current, out var found))
                {
                    return found;
                }
            }

            return null;
        });
        return descriptor is not null;
    }

    /// <summary>Every registered descriptor, one per tracked type.</summary>
    internal static ICollection<TrackedDescriptor> All => s_byName.Values;

    /// <summary>The descriptor registered under <paramref name="entityName"/> (<see cref="TrackedDescriptor.EntityName"/>).</summary>
    public static bool TryGet(string entityName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TrackedDescriptor? descriptor)
        => s_byName.TryGetValue(entityName, out descriptor);

    /// <summary>The descriptor of <typeparamref name="TEntity"/>.</summary>
    /// <exception cref="InvalidOperationException">The type is not tracked, or not partial so nothing was generated.</exception>
    public static TrackedDescriptor<TEntity> Get<TEntity>()
        where TEntity : class
        => s_byType.TryGetValue(typeof(TEntity), out var descriptor)
            ? (TrackedDescriptor<TEntity>)descriptor
            : throw new InvalidOperationException(
                $"'{typeof(TEntity).FullName}' has no tracking descriptor. Mark the class or some of its properties [Tracked] and declare " +
                "the class partial (diagnostic ST0001 reports a class that is not), and check that the project references the ServerTools package.");
}
