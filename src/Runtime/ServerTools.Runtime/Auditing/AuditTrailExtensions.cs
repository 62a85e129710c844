using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Infrastructure;
using ServerTools.Tracking;

namespace ServerTools;

/// <summary>One change of one field, from the audit trail.</summary>
/// <param name="Timestamp">When the change was saved (UTC).</param>
/// <param name="Operation">The operation that changed it.</param>
/// <param name="UserId">Who changed it, when known.</param>
/// <param name="UserName">Their display name, when known.</param>
/// <param name="OldValue">The value before, as text (<c>***</c> when masked).</param>
/// <param name="NewValue">The value after, as text (<c>***</c> when masked).</param>
public sealed record AuditFieldChange(DateTimeOffset Timestamp, AuditOperation Operation, string? UserId, string? UserName, string? OldValue, string? NewValue);

/// <summary>What <see cref="AuditTrailExtensions.RedactAuditTrailAsync{TEntity}"/> changed.</summary>
/// <param name="AuditLogs">The audit logs of the entity, and of its owned entities logged apart, whose lines held a value it replaced.</param>
/// <param name="OutboxMessages">
/// The entity's (and its owned entities') delivered and dead-lettered outbox messages whose fields held a value it replaced, or whose
/// <see cref="OutboxMessage.LastError"/> it replaced.
/// </param>
/// <param name="PendingOutboxMessages">
/// The entity's (and its owned entities') outbox messages still waiting for delivery, left as they are so that their handlers get them (call again
/// once they are delivered).
/// </param>
public sealed record AuditRedaction(int AuditLogs, int OutboxMessages, int PendingOutboxMessages);


/// <summary>Reading and pruning the audit trail of <see cref="AuditedAttribute">[Audited]</see> entities.</summary>
public static class AuditTrailExtensions
{
    /// <summary>
    /// The audit trail of <paramref name="entity"/>, oldest first, with its lines. The entity must be tracked or have its
    /// key set. Its class decides, not <typeparamref name="TEntity"/>: a <c>Truck</c> read as a <c>Vehicle</c> has the
    /// truck's trail.
    /// </summary>
    public static IQueryable<AuditLog> AuditTrail<TEntity>(this DbContext context, TEntity entity)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entity);
        // The entry's entity type, not GetType(): a lazy-loading proxy is of a class the model does not map.
        var entry = context.Entry(entity);
        var type = entry.Metadata.ClrType;
        var key = entry.Metadata.FindPrimaryKey() ?? throw new InvalidOperationException(
            $"'{type.FullName}' is not an entity with a primary key in this context's model.");
        return Trail(context, Descriptors(type), [.. key.Properties.Select(p => AuditKey.Stored(p, entry.Property(p.Name).CurrentValue))]);
    }

    /// <summary>
    /// The audit trail of the <typeparamref name="TEntity"/> with key <paramref name="keyValues"/> (in key order), oldest
    /// first, with its lines, whatever the entity's class: the logs of a class derived from <typeparamref name="TEntity"/>
    /// and marked <c>[Audited]</c> itself, which carry that class's name, are found too.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither <typeparamref name="TEntity"/> nor a class derived from it is audited.</exception>
    public static IQueryable<AuditLog> AuditTrailByKey<TEntity>(this DbContext context, params object?[] keyValues)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(context);
        return Trail(context, Descriptors(typeof(TEntity)), Stored<TEntity>(context, keyValues));
    }

    /// <summary>
    /// Every change of one field of one entity, oldest first, whatever the entity's class (see <see cref="AuditTrailByKey{TEntity}"/>).
    /// The field of a many-to-many navigation gives the links each save removed (<see cref="AuditFieldChange.OldValue"/>)
    /// and added (<see cref="AuditFieldChange.NewValue"/>), as JSON arrays of the other entities' keys.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="field">The field name (the property name, a many-to-many navigation's included).</param>
    /// <param name="keyValues">The entity's key values, in key order.</param>
    public static IQueryable<AuditFieldChange> FieldHistory<TEntity>(this DbContext context, string field, params object?[] keyValues)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(field);
        var descriptors = Descriptors(typeof(TEntity));
        var fields = descriptors.SelectMany(descriptor => Fields(context, descriptor)).Select(static f => f.Name).Distinct(StringComparer.Ordinal).ToList();
        if (!fields.Contains(field))
        {
            throw new ArgumentException(
                $"'{field}' is not an audited field of '{descriptors[0].EntityName}'. Audited fields: {string.Join(", ", fields)}.",
                nameof(field));
        }

        return Trail(context, descriptors, Stored<TEntity>(context, keyValues))
            .SelectMany(log => log.Lines
                .Where(line => line.Field == field)
                .Select(line => new AuditFieldChange(log.Timestamp, log.Operation, log.UserId, log.UserName, line.OldValue, line.NewValue)));
    }

    /// <summary>
    /// The fields of the logs of <paramref name="descriptor"/>'s class: its own, the shadow foreign keys the context's
    /// model adds, and its many-to-many navigations.
    /// </summary>
    private static IEnumerable<AuditField> Fields(DbContext context, AuditDescriptor descriptor)
        => Map(context, descriptor) is { } map
            ? map.Names.Concat(map.Links.Select(static link => link.Field))
            : descriptor.Fields;

    /// <summary>The names of the lines of <paramref name="descriptors"/>' logs that hold links (many-to-many navigations), not values.</summary>
    private static HashSet<string> LinkFields(DbContext context, AuditDescriptor[] descriptors)
        => [.. descriptors.SelectMany(descriptor => Map(context, descriptor)?.Links ?? []).Select(static link => link.Field.Name)];

    private static AuditFieldMap? Map(DbContext context, AuditDescriptor descriptor)
        => context.Model.FindEntityType(descriptor.EntityType) is { } entityType && entityType.FindPrimaryKey() is not null
            ? AuditFieldMap.For(entityType, descriptor)
            : null;

    /// <summary>
    /// The key values as the logs hold them: a strongly typed id given as such is written as the value its converter
    /// stores, as the logs write it; values of the types the audit trail writes are kept.
    /// </summary>
    private static object?[] Stored<TEntity>(DbContext context, object?[] keyValues)
    {
        ArgumentNullException.ThrowIfNull(keyValues);
        return context.Model.FindEntityType(typeof(TEntity))?.FindPrimaryKey() is { } key && key.Properties.Count == keyValues.Length
            ? [.. keyValues.Select((value, i) => AuditKey.Stored(key.Properties[i], value))]
            : keyValues;
    }

    private static AuditDescriptor[] Descriptors(Type type)
    {
        var descriptors = AuditDescriptors.Trails(type);
        return descriptors.Length > 0
            ? descriptors
            : throw new InvalidOperationException(
                $"'{type.FullName}' has no audit descriptor. Mark the class [Audited] and declare it partial " +
                "(diagnostic ST0001 reports a class that is not), and check that the project references the ServerTools package.");
    }

    private static IQueryable<AuditLog> Trail(DbContext context, AuditDescriptor[] descriptors, object?[] keyValues)
    {
        var key = AuditKey.Format(keyValues);
        IQueryable<AuditLog> logs = ServerToolsTables.Rows<AuditLog>(context);
        if (descriptors.Length == 1)
        {
            var entityName = descriptors[0].EntityName;
            logs = logs.Where(log => log.EntityType == entityName && log.EntityKey == key);
        }
        else
        {
            string[] entityNames = [.. descriptors.Select(static descriptor => descriptor.EntityName)];
            logs = logs.Where(log => entityNames.Contains(log.EntityType) && log.EntityKey == key);
        }

        return logs.OrderBy(log => log.Timestamp).ThenBy(log => log.Id);
    }

    /// <summary>
    /// The audited values of one entity as they were at <paramref name="instant"/>, replayed from its trail (masked
    /// values as <c>***</c>); <see langword="null"/> when the entity did not exist then (not yet created, or deleted).
    /// The lines of many-to-many navigations are left out: they hold the links a save added and removed, not a value.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string?>?> AuditedValuesAsOfAsync<TEntity>(
        this DbContext context, DateTimeOffset instant, object?[] keyValues, CancellationToken cancellationToken = default)
        where TEntity : class
    {
        var logs = await context.AuditTrailByKey<TEntity>(keyValues)
            .Where(log => log.Timestamp <= instant)
            .AsNoTracking()
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var links = LinkFields(context, Descriptors(typeof(TEntity)));
        Dictionary<string, string?>? values = null;
        foreach (var log in logs)
        {
            if (log.Operation == AuditOperation.Delete)
            {
                values = null;
                continue;
            }

            if (log.Operation == AuditOperation.Read)
            {
                continue;
            }

            values ??= new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var line in log.Lines)
            {
                if (!links.Contains(line.Field))
                {
                    values[line.Field] = line.NewValue;
                }
            }
        }

        return values;
    }

    /// <summary>
    /// The text <see cref="RedactAuditTrailAsync{TEntity}"/> writes in place of a value: <c>[redacted]</c>.
    /// </summary>
    public const string RedactedValue = "[redacted]";

    /// <summary>
    /// Erases the values of one entity from ServerTools' tables, for a request to erase a person's data: in every audit
    /// log of the <typeparamref name="TEntity"/> with key <paramref name="keyValues"/> (whatever its class, as
    /// <see cref="AuditTrailByKey{TEntity}"/> finds them), the old and new values of the lines of
    /// <paramref name="fields"/> (every line when null, many-to-many links included) become <see cref="RedactedValue"/>;
    /// a null value stays null. The logs keep their entity, key, operation, user, IP address, time, transaction and the
    /// names of their fields. The entity's outbox messages that were delivered or dead-lettered get the same in their
    /// <see cref="OutboxMessage.Fields"/>, and their <see cref="OutboxMessage.LastError"/>, which may quote a value, is
    /// replaced by <see cref="RedactedValue"/>; those still pending are left for their handlers and counted in
    /// <see cref="AuditRedaction.PendingOutboxMessages"/>. The logs and messages of its <c>[Audited]</c> and
    /// <c>[Tracked]</c> owned entities (<c>OwnsOne</c>, <c>OwnsMany</c>, and those they own, of the entity types of
    /// <typeparamref name="TEntity"/> and of the classes derived from it), which are keyed by the entity's key or start
    /// with it, get the same. Stored rule violations hold no values and are not changed. All of it runs in one transaction: the caller's, or one of its own (through the context's execution strategy).
    /// </summary>
    /// <remarks>
    /// The field names are matched as the lines hold them, so a field's name before a rename can be given too; a name no
    /// line holds changes nothing. Calling it again changes nothing more. The context's role needs <c>SELECT</c> on the
    /// audit table and the outbox, and <c>UPDATE</c> on their JSON columns (and the outbox's <c>LastError</c>) only; see
    /// docs/auditing.md, "Erasure requests".
    /// </remarks>
    /// <param name="context">The context.</param>
    /// <param name="keyValues">The entity's key values, in key order.</param>
    /// <param name="fields">The fields whose values to erase; null for every field.</param>
    /// <param name="cancellationToken">Cancels the erasure, which then changes nothing.</param>
    /// <returns>How many logs and outbox messages were changed, and how many outbox messages were left pending.</returns>
    /// <exception cref="InvalidOperationException">
    /// Neither <typeparamref name="TEntity"/> nor a class derived from it is audited or tracked, or owns a class that is.
    /// </exception>
    public static Task<AuditRedaction> RedactAuditTrailAsync<TEntity>(
        this DbContext context, object?[] keyValues, IEnumerable<string>? fields = null, CancellationToken cancellationToken = default)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(keyValues);
        HashSet<string>? chosen = null;
        if (fields is not null)
        {
            chosen = new HashSet<string>(fields, StringComparer.Ordinal);
            if (chosen.Count == 0 || chosen.Any(string.IsNullOrEmpty))
            {
                throw new ArgumentException("Name at least one field, and no empty name; pass null to erase the values of every field.", nameof(fields));
            }
        }

        var type = typeof(TEntity);
        string[] audited = [.. AuditDescriptors.Trails(type).Select(static descriptor => descriptor.EntityName)];
        string[] tracked = [.. TrackedDescriptors.All
            .Where(descriptor => descriptor.EntityType.IsAssignableFrom(type) || type.IsAssignableFrom(descriptor.EntityType))
            .Select(static descriptor => descriptor.EntityName)];
        var scope = RedactionScope.For(context.Model, type, audited, tracked, Stored<TEntity>(context, keyValues));
        if (scope.IsEmpty)
        {
            throw new InvalidOperationException(
                $"'{type.FullName}' is neither audited nor tracked, and owns no audited or tracked type, so ServerTools holds no values of it. "
                + "Mark the class [Audited] or [Tracked] and declare it partial (diagnostic ST0001 reports a class that is not), "
                + "and check that the project references the ServerTools package.");
        }

        return AuditRedactions.RunAsync(context, scope, chosen, cancellationToken);
    }

    /// <summary>
    /// Deletes the audit logs (with their lines) saved before <paramref name="olderThan"/>, in batches of
    /// <paramref name="batchSize"/> logs, each in its own short statement, so the table is never locked for long.
    /// </summary>
    /// <returns>The number of logs deleted.</returns>
    public static Task<int> PurgeAuditLogsAsync(this DbContext context, DateTimeOffset olderThan, int batchSize = 5000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return BatchedDelete.RunAsync<AuditLog>(context, log => log.Timestamp < olderThan, batchSize, cancellationToken);
    }
}
