using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>
/// The COPY statement that writes the audit trail, built once per model from its mapping of <see cref="AuditLog"/>
/// (so renamed tables, columns and JSON property names and naming conventions are honoured), with quoted identifiers.
/// It carries no values: the rows follow in PostgreSQL's binary format, so nothing a user typed is ever part of SQL.
/// A binary COPY is the cheapest way PostgreSQL takes many rows, with no round trip per row (cheaper than an INSERT of
/// unnested arrays; see docs/benchmarks.md).
/// </summary>
internal sealed class AuditSql
{
    private const string AnnotationName = "ServerTools:AuditSql";

    private AuditSql(IModel model, ISqlGenerationHelper sql)
    {
        var log = ServerToolsTables.EntityType<AuditLog>(model);
        var table = StoreObjectIdentifier.Table(log.GetTableName()!, log.GetSchema());
        var (lines, lineNames) = AuditLineJsonNames.Of(log, nameof(AuditLog.Lines));
        TextEnumColumn.Require(log, nameof(AuditLog.Operation), table);

        string Column(string property) => sql.DelimitIdentifier(
            log.FindProperty(property)?.GetColumnName(table)
            ?? throw new InvalidOperationException($"'{nameof(AuditLog)}.{property}' is not mapped to a column of {table.DisplayName()}."));

        string[] columns =
        [
            Column(nameof(AuditLog.Id)), Column(nameof(AuditLog.EntityType)), Column(nameof(AuditLog.EntityKey)), Column(nameof(AuditLog.Operation)),
            sql.DelimitIdentifier(lines.GetContainerColumnName()!), Column(nameof(AuditLog.UserId)), Column(nameof(AuditLog.UserName)),
            Column(nameof(AuditLog.IpAddress)), Column(nameof(AuditLog.TenantId)), Column(nameof(AuditLog.Timestamp)),
            Column(nameof(AuditLog.TransactionId)), Column(nameof(AuditLog.TraceId)),
        ];
        CopyLogs = $"COPY {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";

        LineNames = lineNames;
        Lines = CopyJsonColumn.Of(
            table, lines, $"modelBuilder.Entity<AuditLog>().ComplexCollection(l => l.Lines, l => l.ToJson(\"{lines.GetContainerColumnName()}\").HasColumnType(\"{{type}}\"))");
    }

    /// <summary>The number of columns <see cref="CopyLogs"/> writes, the fields of each row.</summary>
    public const short ColumnCount = 12;

    /// <summary>The lines' column: ServerTools' <c>json</c>, or <c>jsonb</c> when mapped so.</summary>
    public CopyJsonColumn Lines { get; }

    /// <summary>
    /// <c>COPY log (Id, EntityType, EntityKey, Operation, Lines, UserId, UserName, IpAddress, TenantId, Timestamp, TransactionId, TraceId)
    /// FROM STDIN (FORMAT BINARY)</c>: the rows follow in that column order.
    /// </summary>
    public string CopyLogs { get; }

    /// <summary>The JSON property names of a line, as EF reads them back.</summary>
    public AuditLineJsonNames LineNames { get; }

    public static AuditSql For(DbContext context)
    {
        var model = context.Model;
        return model.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static state => new AuditSql(state.Model, state.Sql),
            (Model: model, Sql: context.GetService<ISqlGenerationHelper>()));
    }
}

/// <summary>
/// The JSON property names of a line (<see cref="AuditLogLine"/> in the audit trail, <see cref="TrackedFieldChange"/> in the
/// outbox: both have <c>Field</c>, <c>OldValue</c> and <c>NewValue</c>), as EF reads them back.
/// </summary>
internal sealed record AuditLineJsonNames(JsonEncodedText Field, JsonEncodedText OldValue, JsonEncodedText NewValue)
{
    /// <summary>
    /// The JSON complex collection <paramref name="collection"/> of <paramref name="owner"/> (whose container column the
    /// rows are written to) and the JSON names of its line properties, as the model maps them.
    /// </summary>
    public static (IComplexType Lines, AuditLineJsonNames Names) Of(IEntityType owner, string collection)
    {
        var owned = owner.DisplayName();
        var lines = owner.FindComplexProperty(collection) is { IsCollection: true } complex && complex.ComplexType.IsMappedToJson()
            ? complex.ComplexType
            : throw new InvalidOperationException(
                $"'{owned}.{collection}' must be mapped as a JSON complex collection, as UseServerTools() maps it. " +
                "Remove the configuration in OnModelCreating that changes it.");

        JsonEncodedText Name(string property) => JsonEncodedText.Encode(
            lines.FindProperty(property)?.GetJsonPropertyName()
            ?? throw new InvalidOperationException($"'{property}' is not mapped in '{owned}.{collection}'."));
        return (lines, new AuditLineJsonNames(Name(nameof(AuditLogLine.Field)), Name(nameof(AuditLogLine.OldValue)), Name(nameof(AuditLogLine.NewValue))));
    }
}
