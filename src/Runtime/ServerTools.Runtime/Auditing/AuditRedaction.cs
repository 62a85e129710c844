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

    public static async Task<AuditRedaction> RunAsync(
        DbContext context, string[] auditNames, string[] trackedNames, string key, HashSet<string>? fields, CancellationToken cancellationToken)
    {
        if (context.Database.CurrentTransaction is not null || Transaction.Current is not null)
        {
            return await RedactAsync(context, auditNames, trackedNames, key, fields, cancellationToken).ConfigureAwait(false);
        }

        return await context.Database.CreateExecutionStrategy().ExecuteAsync(
            (Context: context, AuditNames: auditNames, TrackedNames: trackedNames, Key: key, Fields: fields),
            static async (_, state, cancellationToken) =>
            {
                await using var transaction = await state.Context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var redaction = await RedactAsync(state.Context, state.AuditNames, state.TrackedNames, state.Key, state.Fields, cancellationToken)
                    .ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return redaction;
            },
            verifySucceeded: null,
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AuditRedaction> RedactAsync(
        DbContext context, string[] auditNames, string[] trackedNames, string key, HashSet<string>? fields, CancellationToken cancellationToken)
    {
        var logs = 0;
        if (auditNames.Length > 0)
        {
            var rows = await ServerToolsTables.Rows<AuditLog>(context).AsNoTracking()
                .Where(log => auditNames.Contains(log.EntityType) && log.EntityKey == key && log.Operation != AuditOperation.Read)
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
        if (trackedNames.Length > 0)
        {
            var rows = await ServerToolsTables.Rows<OutboxMessage>(context).AsNoTracking()
                .Where(message => trackedNames.Contains(message.EntityType) && message.EntityKey == key)
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
