using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using ServerTools.Infrastructure;
using ServerTools.Tracking;

namespace ServerTools.Auditing;

/// <summary>
/// Replaces the values of one entity in the lines of its audit logs and the fields of its outbox messages with
/// <see cref="AuditTrailExtensions.RedactedValue"/>, keeping the rest of each row (who, when, which operation, which
/// fields). The rows are read through the model, and written back by key with one parameterised <c>UPDATE ... FROM
/// unnest(...)</c> per table and batch, so only the JSON column (and the outbox's <c>LastError</c>) is written: a role
/// granted <c>UPDATE</c> on those columns alone can run it.
/// </summary>
internal static class AuditRedactions
{
    private const int BatchSize = 1000;

    public static async Task<AuditRedaction> RunAsync(DbContext context, RedactionScope scope, HashSet<string>? fields, CancellationToken cancellationToken)
    {
        if (context.Database.CurrentTransaction is not null || Transaction.Current is not null)
        {
            return await RedactAsync(context, scope, fields, cancellationToken).ConfigureAwait(false);
        }

        return await context.Database.CreateExecutionStrategy().ExecuteAsync(
            (Context: context, Scope: scope, Fields: fields),
            static async (_, state, cancellationToken) =>
            {
                await using var transaction = await state.Context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var redaction = await RedactAsync(state.Context, state.Scope, state.Fields, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return redaction;
            },
            verifySucceeded: null,
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AuditRedaction> RedactAsync(DbContext context, RedactionScope scope, HashSet<string>? fields, CancellationToken cancellationToken)
    {
        var (key, prefix) = (scope.Key, scope.Prefix);
        var logs = 0;
        if (scope.AuditNames.Length > 0 || scope.AuditPrefixed.Length > 0)
        {
            var (names, prefixed) = (scope.AuditNames, scope.AuditPrefixed);
            var query = ServerToolsTables.Rows<AuditLog>(context).AsNoTracking().Where(log => log.Operation != AuditOperation.Read);
            query = prefixed.Length == 0
                ? query.Where(log => names.Contains(log.EntityType) && log.EntityKey == key)
                : query.Where(log => (names.Contains(log.EntityType) && log.EntityKey == key) || (prefixed.Contains(log.EntityType) && log.EntityKey.StartsWith(prefix)));
            var rows = await query
                .Select(log => new { log.Id, log.Lines })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var json = new AuditLinesJson(AuditLineJsonNames.Of(ServerToolsTables.EntityType<AuditLog>(context.Model), nameof(AuditLog.Lines)).Names);
            var changed = rows
                .Where(row => row.Lines.Any(line => Redacts(line.Field, line.OldValue, line.NewValue, fields)))
                .Select(row => (row.Id, Json: Text(json.Write(row.Lines.Select(line => Redact(line.Field, line.OldValue, line.NewValue, fields))))))
                .ToList();
            logs = await UpdateAsync(context, Statement<AuditLog>(context, nameof(AuditLog.Lines), null), changed, outbox: false, cancellationToken).ConfigureAwait(false);
        }

        var (messages, pending) = (0, 0);
        if (scope.TrackedNames.Length > 0 || scope.TrackedPrefixed.Length > 0)
        {
            var (names, prefixed) = (scope.TrackedNames, scope.TrackedPrefixed);
            var query = ServerToolsTables.Rows<OutboxMessage>(context).AsNoTracking();
            query = prefixed.Length == 0
                ? query.Where(message => names.Contains(message.EntityType) && message.EntityKey == key)
                : query.Where(message => (names.Contains(message.EntityType) && message.EntityKey == key)
                    || (prefixed.Contains(message.EntityType) && message.EntityKey.StartsWith(prefix)));
            var rows = await query
                .Select(message => new { message.Id, message.State, message.Fields, message.LastError })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            pending = rows.Count(row => row.State == OutboxState.Pending);
            var json = new AuditLinesJson(AuditLineJsonNames.Of(ServerToolsTables.EntityType<OutboxMessage>(context.Model), nameof(OutboxMessage.Fields)).Names);
            var changed = rows
                .Where(row => row.State != OutboxState.Pending
                    && (row.LastError is not null and not AuditTrailExtensions.RedactedValue || row.Fields.Any(field => Redacts(field.Field, field.OldValue, field.NewValue, fields))))
                .Select(row => (row.Id, Json: Text(json.Write(row.Fields.Select(field => Redact(field.Field, field.OldValue, field.NewValue, fields))))))
                .ToList();
            messages = await UpdateAsync(context, Statement<OutboxMessage>(context, nameof(OutboxMessage.Fields), nameof(OutboxMessage.LastError)), changed, outbox: true, cancellationToken)
                .ConfigureAwait(false);
        }

        return new AuditRedaction(logs, messages, pending);
    }

    private static bool Redacts(string field, string? oldValue, string? newValue, HashSet<string>? fields)
        => (fields is null || fields.Contains(field))
            && (oldValue is not null and not AuditTrailExtensions.RedactedValue || newValue is not null and not AuditTrailExtensions.RedactedValue);

    /// <summary>The line with its values replaced when <paramref name="fields"/> holds its field (or is null); a null value stays null.</summary>
    private static PendingLine Redact(string field, string? oldValue, string? newValue, HashSet<string>? fields)
        => fields is null || fields.Contains(field)
            ? new(field, oldValue is null ? null : AuditTrailExtensions.RedactedValue, newValue is null ? null : AuditTrailExtensions.RedactedValue)
            : new(field, oldValue, newValue);

    /// <summary>The JSON <see cref="AuditLinesJson"/> wrote (valid until its next call), as the text the statement's parameter takes.</summary>
    private static string Text(ReadOnlyMemory<byte> json) => Encoding.UTF8.GetString(json.Span);

    /// <summary>
    /// <c>UPDATE t SET json = v.json::type[, LastError = CASE ... END] FROM unnest(@ids, @json) AS v(id, json) WHERE t.Id = v.id</c>,
    /// with the table and column names the model maps; the outbox's adds that the message is not pending (at the time of the
    /// update, so a message a redelivery made pending meanwhile is left alone) and replaces a <c>LastError</c> that is not null.
    /// </summary>
    private static string Statement<TRow>(DbContext context, string json, string? lastError)
        where TRow : class
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        var type = ServerToolsTables.EntityType<TRow>(context.Model);
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var collection = type.FindComplexProperty(json)!.ComplexType;
        string Column(string property) => "t." + sql.DelimitIdentifier(
            type.FindProperty(property)?.GetColumnName(table)
            ?? throw new InvalidOperationException($"'{typeof(TRow).Name}.{property}' is not mapped to a column of {table.DisplayName()}."));

        var column = sql.DelimitIdentifier(collection.GetContainerColumnName()!);
        var columnType = string.Equals(collection.GetContainerColumnType(), "json", StringComparison.OrdinalIgnoreCase) ? "json" : "jsonb";
        var set = $"{column} = v.lines::{columnType}";
        var where = $"{Column("Id")} = v.id";
        if (lastError is not null)
        {
            set += $", {sql.DelimitIdentifier(type.FindProperty(lastError)!.GetColumnName(table)!)} = CASE WHEN {Column(lastError)} IS NULL THEN NULL ELSE @redacted END";
            where += $" AND {Column(nameof(OutboxMessage.State))} <> @pending";
        }

        return $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} AS t SET {set} FROM unnest(@ids, @lines) AS v(id, lines) WHERE {where}";
    }

    /// <summary>Runs <paramref name="statement"/> (see <see cref="Statement"/>) for <paramref name="rows"/>, <see cref="BatchSize"/> at a time.</summary>
    private static async Task<int> UpdateAsync(DbContext context, string statement, List<(Guid Id, string Json)> rows, bool outbox, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var batch in rows.Chunk(BatchSize))
        {
            List<NpgsqlParameter> parameters =
            [
                new NpgsqlParameter<Guid[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = [.. batch.Select(static row => row.Id)] },
                new NpgsqlParameter<string[]>("lines", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. batch.Select(static row => row.Json)] },
            ];
            if (outbox)
            {
                parameters.Add(new NpgsqlParameter<string>("redacted", NpgsqlDbType.Text) { TypedValue = AuditTrailExtensions.RedactedValue });
                parameters.Add(new NpgsqlParameter<string>("pending", NpgsqlDbType.Text) { TypedValue = nameof(OutboxState.Pending) });
            }

            total += await context.Database.ExecuteSqlRawAsync(statement, parameters, cancellationToken).ConfigureAwait(false);
        }

        return total;
    }
}

/// <summary>
/// The rows an erasure reaches: the audit logs of <see cref="AuditNames"/> and the outbox messages of
/// <see cref="TrackedNames"/> keyed <see cref="Key"/>, and those of <see cref="AuditPrefixed"/> and
/// <see cref="TrackedPrefixed"/> whose key starts with <see cref="Prefix"/> (see <see cref="AuditKey.Prefix"/>).
/// </summary>
/// <param name="AuditNames">The audited names of the entity's classes, and of its owned entities keyed as it is (<c>OwnsOne</c>).</param>
/// <param name="AuditPrefixed">The audited names of its owned entities whose keys add parts to its own (<c>OwnsMany</c> elements, and what they own).</param>
/// <param name="TrackedNames">As <paramref name="AuditNames"/>, of tracked classes.</param>
/// <param name="TrackedPrefixed">As <paramref name="AuditPrefixed"/>, of tracked classes.</param>
/// <param name="Key">The entity's key text.</param>
/// <param name="Prefix">The start of the key texts of its owned entities that add parts to its key.</param>
internal sealed record RedactionScope(string[] AuditNames, string[] AuditPrefixed, string[] TrackedNames, string[] TrackedPrefixed, string Key, string Prefix)
{
    /// <summary>Whether no class of the scope is audited or tracked, so that ServerTools holds no values of it.</summary>
    public bool IsEmpty => AuditNames.Length == 0 && AuditPrefixed.Length == 0 && TrackedNames.Length == 0 && TrackedPrefixed.Length == 0;

    /// <summary>
    /// The scope of the entity of class <paramref name="type"/> with key <paramref name="keyValues"/> (as the logs hold
    /// them): <paramref name="auditNames"/> and <paramref name="trackedNames"/>, its classes' names, and the
    /// <c>[Audited]</c> and <c>[Tracked]</c> owned types of the entity types of <paramref name="type"/> and of the classes
    /// derived from it in <paramref name="model"/>, owned types of owned types included. An owned entity is logged apart
    /// with its own key (<see cref="AuditKey.Of(IReadOnlyList{IProperty}, object?[])"/>); EF Core's keys it by its
    /// owner's (<c>OwnsOne</c>: <c>7</c>), followed by parts of its own (<c>OwnsMany</c>: <c>7|2</c>). An owned type keyed
    /// otherwise (a <c>HasKey</c> that leaves out the owner's key) cannot be told apart by key and is left out.
    /// </summary>
    public static RedactionScope For(IModel model, Type type, string[] auditNames, string[] trackedNames, object?[] keyValues)
    {
        var (audited, auditPrefixed, tracked, trackedPrefixed) = (new List<string>(auditNames), new List<string>(), new List<string>(trackedNames), new List<string>());
        var seen = new HashSet<IEntityType>();
        foreach (var root in model.GetEntityTypes())
        {
            if (!root.IsOwned() && type.IsAssignableFrom(root.ClrType) && root.FindPrimaryKey() is { } key && key.Properties.Count == keyValues.Length)
            {
                AddOwned(root, key.Properties, seen, audited, auditPrefixed, tracked, trackedPrefixed);
            }
        }

        return new RedactionScope(
            [.. audited.Distinct(StringComparer.Ordinal)],
            [.. auditPrefixed.Distinct(StringComparer.Ordinal)],
            [.. tracked.Distinct(StringComparer.Ordinal)],
            [.. trackedPrefixed.Distinct(StringComparer.Ordinal)],
            AuditKey.Format(keyValues),
            AuditKey.Prefix(keyValues));
    }

    private static void AddOwned(
        IEntityType owner, IReadOnlyList<IProperty> rootKey, HashSet<IEntityType> seen,
        List<string> audited, List<string> auditPrefixed, List<string> tracked, List<string> trackedPrefixed)
    {
        foreach (var navigation in owner.GetNavigations())
        {
            if (!navigation.ForeignKey.IsOwnership || navigation.IsOnDependent || !seen.Add(navigation.TargetEntityType))
            {
                continue;
            }

            var owned = navigation.TargetEntityType;
            if (KeyedByOwner(owned, rootKey) is { } longer)
            {
                if (AuditDescriptors.TryGet(owned.ClrType, out var auditedOwned))
                {
                    (longer ? auditPrefixed : audited).Add(auditedOwned.EntityName);
                }

                if (TrackedDescriptors.TryGet(owned.ClrType, out var trackedOwned))
                {
                    (longer ? trackedPrefixed : tracked).Add(trackedOwned.EntityName);
                }
            }

            AddOwned(owned, rootKey, seen, audited, auditPrefixed, tracked, trackedPrefixed);
        }
    }

    /// <summary>
    /// Whether the key of <paramref name="owned"/> starts with its root owner's key, <paramref name="rootKey"/>, followed by
    /// parts of its own (true) or not (false); null when it does not start with it.
    /// </summary>
    private static bool? KeyedByOwner(IEntityType owned, IReadOnlyList<IProperty> rootKey)
    {
        if (owned.FindPrimaryKey() is not { } key || key.Properties.Count < rootKey.Count)
        {
            return null;
        }

        for (var i = 0; i < rootKey.Count; i++)
        {
            if (RootProperty(key.Properties[i]) != rootKey[i])
            {
                return null;
            }
        }

        return key.Properties.Count > rootKey.Count;
    }

    /// <summary>The key property of the root owner that <paramref name="property"/> copies through its ownerships, or null when it is not one.</summary>
    private static IProperty? RootProperty(IProperty property)
    {
        var current = property;
        while (current.DeclaringType is IEntityType type && type.FindOwnership() is { } ownership)
        {
            var index = 0;
            while (index < ownership.Properties.Count && ownership.Properties[index] != current)
            {
                index++;
            }

            if (index == ownership.Properties.Count)
            {
                return null;
            }

            current = ownership.PrincipalKey.Properties[index];
        }

        return current.IsPrimaryKey() ? current : null;
    }
}
