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
/// and positional parameters only.
/// </summary>
internal sealed class AuditSql
{
    private const string AnnotationName = "ServerTools:AuditSql";

    private AuditSql(IModel model, ISqlGenerationHelper sql)
    {
        InsertLogs = Insert(model, sql, typeof(AuditLog), [
            (nameof(AuditLog.Id), "uuid"), (nameof(AuditLog.EntityType), "text"), (nameof(AuditLog.EntityKey), "text"),
            (nameof(AuditLog.Operation), "text"), (nameof(AuditLog.UserId), "text"), (nameof(AuditLog.UserName), "text"),
            (nameof(AuditLog.IpAddress), "text"), (nameof(AuditLog.TenantId), "text"), (nameof(AuditLog.Timestamp), "timestamptz"),
            (nameof(AuditLog.TransactionId), "uuid"), (nameof(AuditLog.TraceId), "text")]);
        InsertLines = Insert(model, sql, typeof(AuditLogLine), [
            (nameof(AuditLogLine.AuditLogId), "uuid"), (nameof(AuditLogLine.Field), "text"),
            (nameof(AuditLogLine.OldValue), "text"), (nameof(AuditLogLine.NewValue), "text")]);
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

    private static string Insert(IModel model, ISqlGenerationHelper sql, Type clrType, (string Property, string Type)[] columns)
    {
        var entityType = model.FindEntityType(clrType) ?? throw new InvalidOperationException(
            $"The model has no '{clrType.Name}': the audit trail's tables are mapped by UseServerTools(). Check that the options of this " +
            "context call UseServerTools() and that OnModelCreating does not Ignore() the type.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var names = columns.Select(column => sql.DelimitIdentifier(
            entityType.FindProperty(column.Property)?.GetColumnName(table)
            ?? throw new InvalidOperationException($"'{clrType.Name}.{column.Property}' is not mapped to a column of {table.DisplayName()}.")));
        var values = columns.Select((column, i) => $"${i + 1}::{column.Type}[]");
        return $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", names)}) " +
               $"SELECT * FROM unnest({string.Join(", ", values)})";
    }
}
