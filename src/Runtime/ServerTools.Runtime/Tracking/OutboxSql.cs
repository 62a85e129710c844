using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ServerTools.Auditing;
using ServerTools.Infrastructure;

namespace ServerTools.Tracking;

/// <summary>
/// The statements of the outbox, built once per model from its mapping of <see cref="OutboxMessage"/> (renamed tables,
/// columns and JSON names honoured), with quoted identifiers and positional parameters only: the binary COPY that
/// writes new messages, the query with which a dispatcher locks the due ones, and the statement that records a pass's
/// deliveries.
/// </summary>
internal sealed class OutboxSql
{
    private const string AnnotationName = "ServerTools:OutboxSql";

    private OutboxSql(IModel model, ISqlGenerationHelper sql)
    {
        var outbox = ServerToolsTables.EntityType<OutboxMessage>(model);
        var table = StoreObjectIdentifier.Table(outbox.GetTableName()!, outbox.GetSchema());
        var (fields, fieldNames) = AuditLineJsonNames.Of(outbox, nameof(OutboxMessage.Fields));

        string Column(string property) => sql.DelimitIdentifier(
            outbox.FindProperty(property)?.GetColumnName(table)
            ?? throw new InvalidOperationException($"'{nameof(OutboxMessage)}.{property}' is not mapped to a column of {table.DisplayName()}."));

        TextEnumColumn.Require(outbox, nameof(OutboxMessage.Operation), table);
        TextEnumColumn.Require(outbox, nameof(OutboxMessage.State), table);
        var name = sql.DelimitIdentifier(table.Name, table.Schema);
        CopyMessages = $"COPY {name} ({Column(nameof(OutboxMessage.Id))}, {Column(nameof(OutboxMessage.EntityType))}, " +
                       $"{Column(nameof(OutboxMessage.EntityKey))}, {Column(nameof(OutboxMessage.Operation))}, " +
                       $"{sql.DelimitIdentifier(fields.GetContainerColumnName()!)}, {Column(nameof(OutboxMessage.UserId))}, " +
                       $"{Column(nameof(OutboxMessage.UserName))}, {Column(nameof(OutboxMessage.TenantId))}, " +
                       $"{Column(nameof(OutboxMessage.Timestamp))}, {Column(nameof(OutboxMessage.State))}, " +
                       $"{Column(nameof(OutboxMessage.Attempts))}, {Column(nameof(OutboxMessage.NextAttemptAt))}) FROM STDIN (FORMAT BINARY)";
        LockDue = $"SELECT {Column(nameof(OutboxMessage.Id))} AS \"Value\" FROM {name} WHERE {Column(nameof(OutboxMessage.State))} = {{0}} AND {Column(nameof(OutboxMessage.NextAttemptAt))} <= {{1}} " +
                  $"ORDER BY {Column(nameof(OutboxMessage.NextAttemptAt))}, {Column(nameof(OutboxMessage.Id))} LIMIT {{2}} FOR UPDATE SKIP LOCKED";

        // DeliveredAt is only informative: an application may leave it unmapped.
        var deliveredAt = outbox.FindProperty(nameof(OutboxMessage.DeliveredAt))?.GetColumnName(table) is { } deliveredAtColumn
            ? $", {sql.DelimitIdentifier(deliveredAtColumn)} = delivered.at"
            : "";
        MarkDelivered = $"UPDATE {name} AS message SET {Column(nameof(OutboxMessage.State))} = {{0}}, " +
                        $"{Column(nameof(OutboxMessage.Attempts))} = message.{Column(nameof(OutboxMessage.Attempts))} + 1{deliveredAt} " +
                        $"FROM unnest({{1}}, {{2}}) AS delivered(id, at) WHERE message.{Column(nameof(OutboxMessage.Id))} = delivered.id";
        FieldNames = fieldNames;
        Fields = CopyJsonColumn.Of(
            table, fields, $"modelBuilder.Entity<OutboxMessage>().ComplexCollection(m => m.Fields, f => f.ToJson(\"{fields.GetContainerColumnName()}\").HasColumnType(\"{{type}}\"))");
    }

    /// <summary>The number of columns <see cref="CopyMessages"/> writes, the fields of each row.</summary>
    public const short ColumnCount = 12;

    /// <summary><c>COPY outbox (Id, EntityType, EntityKey, Operation, Fields, UserId, UserName, TenantId, Timestamp, State, Attempts, NextAttemptAt) FROM STDIN (FORMAT BINARY)</c>.</summary>
    public string CopyMessages { get; }

    /// <summary>
    /// The ids of the due messages (as <c>Value</c>, for <c>SqlQueryRaw</c>), oldest first, locked for this transaction and
    /// skipped by every other dispatcher's:
    /// <c>{0}</c> the pending state, <c>{1}</c> now, <c>{2}</c> the batch size (parameters of <c>SqlQueryRaw</c>).
    /// </summary>
    public string LockDue { get; }

    /// <summary>The fields' column: ServerTools' <c>json</c>, or <c>jsonb</c> when mapped so.</summary>
    public CopyJsonColumn Fields { get; }

    /// <summary>
    /// Records the deliveries of one pass in one statement: <c>{0}</c> the delivered state, <c>{1}</c> the ids,
    /// <c>{2}</c> when each was delivered (parameters of <c>ExecuteSqlRaw</c>; the time is left out when the model does not
    /// map <see cref="OutboxMessage.DeliveredAt"/>); each message's attempts go up by one.
    /// </summary>
    public string MarkDelivered { get; }

    /// <summary>The JSON property names of a field change, as EF reads them back.</summary>
    public AuditLineJsonNames FieldNames { get; }

    public static OutboxSql For(DbContext context)
    {
        var model = context.Model;
        return model.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static state => new OutboxSql(state.Model, state.Sql),
            (Model: model, Sql: context.GetService<ISqlGenerationHelper>()));
    }
}
