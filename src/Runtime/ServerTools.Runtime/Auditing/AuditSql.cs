using System;
using System.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ServerTools.Auditing;

/// <summary>
/// The two INSERT statements of the audit trail, built once per model from its mapping of <see cref="AuditLog"/>
/// and <see cref="AuditLogLine"/> (so renamed tables and naming conventions are honoured) with quoted identifiers
/// and positional parameters only. Values that differ per row are arrays expanded by <c>unnest</c>; values shared by
/// every log of a save (the actor, time, transaction and trace) are single parameters, sent once.
/// </summary>
internal sealed class AuditSql
{
    private const string AnnotationName = "ServerTools:AuditSql";

    private AuditSql(IModel model, ISqlGenerationHelper sql)
    {
        InsertLogs = Insert(model, sql, typeof(AuditLog), [
            (nameof(AuditLog.Id), "uuid", true), (nameof(AuditLog.EntityType), "text", true), (nameof(AuditLog.EntityKey), "text", true),
            (nameof(AuditLog.Operation), "text", true), (nameof(AuditLog.UserId), "text", false), (nameof(AuditLog.UserName), "text", false),
            (nameof(AuditLog.IpAddress), "text", false), (nameof(AuditLog.TenantId), "text", false), (nameof(AuditLog.Timestamp), "timestamptz", false),
            (nameof(AuditLog.TransactionId), "uuid", false), (nameof(AuditLog.TraceId), "text", false)]);
        InsertLines = Insert(model, sql, typeof(AuditLogLine), [
            (nameof(AuditLogLine.AuditLogId), "uuid", true), (nameof(AuditLogLine.Field), "text", true),
            (nameof(AuditLogLine.OldValue), "text", true), (nameof(AuditLogLine.NewValue), "text", true)]);
    }

    public string InsertLogs { get; }

    public string InsertLines { get; }

    public static AuditSql For(DbContext context)
    {
        var model = context.Model;
        return model.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static state => new AuditSql(state.Model, state.Sql),
            (Model: model, Sql: context.GetService<ISqlGenerationHelper>()));
    }

    /// <summary>
    /// <c>INSERT INTO t (a, b, c) SELECT u.c1, u.c2, $3::text FROM unnest($1::uuid[], $2::text[]) AS u(c1, c2)</c>:
    /// parameter <c>$n</c> is the n-th column, an array when <c>PerRow</c>, a single value otherwise.
    /// </summary>
    private static string Insert(IModel model, ISqlGenerationHelper sql, Type clrType, (string Property, string Type, bool PerRow)[] columns)
    {
        var entityType = model.FindEntityType(clrType) ?? throw new InvalidOperationException(
            $"The model has no '{clrType.Name}': the audit trail's tables are mapped by UseServerTools(). Check that the options of this " +
            "context call UseServerTools() and that OnModelCreating does not Ignore() the type.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var names = columns.Select(column => sql.DelimitIdentifier(
            entityType.FindProperty(column.Property)?.GetColumnName(table)
            ?? throw new InvalidOperationException($"'{clrType.Name}.{column.Property}' is not mapped to a column of {table.DisplayName()}.")));
        var selected = columns.Select((column, i) => column.PerRow ? $"u.c{i + 1}" : $"${i + 1}::{column.Type}");
        var arrays = columns.Select((column, i) => (column, i)).Where(static c => c.column.PerRow).ToList();
        return $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", names)}) " +
               $"SELECT {string.Join(", ", selected)} " +
               $"FROM unnest({string.Join(", ", arrays.Select(static c => $"${c.i + 1}::{c.column.Type}[]"))}) " +
               $"AS u({string.Join(", ", arrays.Select(static c => $"c{c.i + 1}"))})";
    }
}
