using System;
using System.Linq;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ServerTools.Auditing;

/// <summary>
/// The INSERT statement of the audit trail, built once per model from its mapping of <see cref="AuditLog"/> (so
/// renamed tables, columns and JSON property names and naming conventions are honoured) with quoted identifiers and
/// positional parameters only. Values that differ per log are arrays expanded by <c>unnest</c>, the lines one
/// <c>jsonb</c> document per log; values shared by every log of a save (the actor, time, transaction and trace) are
/// single parameters, sent once.
/// </summary>
internal sealed class AuditSql
{
    private const string AnnotationName = "ServerTools:AuditSql";

    private AuditSql(IModel model, ISqlGenerationHelper sql)
    {
        var log = model.FindEntityType(typeof(AuditLog)) ?? throw new InvalidOperationException(
            $"The model has no '{nameof(AuditLog)}': the audit trail's table is mapped by UseServerTools(). Check that the options of this " +
            "context call UseServerTools() and that OnModelCreating does not Ignore() the type.");
        var table = StoreObjectIdentifier.Table(log.GetTableName()!, log.GetSchema());
        var lines = log.FindComplexProperty(nameof(AuditLog.Lines)) is { IsCollection: true } complex && complex.ComplexType.IsMappedToJson()
            ? complex.ComplexType
            : throw new InvalidOperationException(
                $"'{nameof(AuditLog)}.{nameof(AuditLog.Lines)}' must be mapped as a JSON complex collection, as UseServerTools() maps it. " +
                "Remove the configuration in OnModelCreating that changes it.");

        string Column(string property) => sql.DelimitIdentifier(
            log.FindProperty(property)?.GetColumnName(table)
            ?? throw new InvalidOperationException($"'{nameof(AuditLog)}.{property}' is not mapped to a column of {table.DisplayName()}."));

        // $n is the n-th column: an array when PerRow, a single value otherwise.
        (string Column, string Type, bool PerRow)[] columns =
        [
            (Column(nameof(AuditLog.Id)), "uuid", true), (Column(nameof(AuditLog.EntityType)), "text", true),
            (Column(nameof(AuditLog.EntityKey)), "text", true), (Column(nameof(AuditLog.Operation)), "text", true),
            (sql.DelimitIdentifier(lines.GetContainerColumnName()!), "jsonb", true),
            (Column(nameof(AuditLog.UserId)), "text", false), (Column(nameof(AuditLog.UserName)), "text", false),
            (Column(nameof(AuditLog.IpAddress)), "text", false), (Column(nameof(AuditLog.TenantId)), "text", false),
            (Column(nameof(AuditLog.Timestamp)), "timestamptz", false), (Column(nameof(AuditLog.TransactionId)), "uuid", false),
            (Column(nameof(AuditLog.TraceId)), "text", false),
        ];
        var arrays = columns.Select(static (column, i) => (column, i)).Where(static c => c.column.PerRow).ToList();
        InsertLogs = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(static c => c.Column))}) " +
                     $"SELECT {string.Join(", ", columns.Select(static (c, i) => c.PerRow ? $"u.c{i + 1}" : $"${i + 1}::{c.Type}"))} " +
                     $"FROM unnest({string.Join(", ", arrays.Select(static c => $"${c.i + 1}::{c.column.Type}[]"))}) " +
                     $"AS u({string.Join(", ", arrays.Select(static c => $"c{c.i + 1}"))})";

        string Json(string property) => lines.FindProperty(property)?.GetJsonPropertyName()
            ?? throw new InvalidOperationException($"'{nameof(AuditLogLine)}.{property}' is not mapped in '{nameof(AuditLog)}.{nameof(AuditLog.Lines)}'.");
        LineNames = new AuditLineJsonNames(
            JsonEncodedText.Encode(Json(nameof(AuditLogLine.Field))),
            JsonEncodedText.Encode(Json(nameof(AuditLogLine.OldValue))),
            JsonEncodedText.Encode(Json(nameof(AuditLogLine.NewValue))));
    }

    /// <summary>
    /// <c>INSERT INTO log (Id, ..., Lines, UserId, ...) SELECT u.c1, ..., u.c5, $6::text, ... FROM unnest($1::uuid[], ..., $5::jsonb[]) AS u(c1, ..., c5)</c>.
    /// </summary>
    public string InsertLogs { get; }

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

/// <summary>The JSON property names of <see cref="AuditLogLine.Field"/>, <see cref="AuditLogLine.OldValue"/> and <see cref="AuditLogLine.NewValue"/>.</summary>
internal sealed record AuditLineJsonNames(JsonEncodedText Field, JsonEncodedText OldValue, JsonEncodedText NewValue);
