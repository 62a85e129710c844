using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ServerTools.Auditing;

/// <summary>
/// Maps <see cref="AuditLog"/> and <see cref="AuditLogLine"/> to <c>servertools_audit_log</c> and
/// <c>servertools_audit_log_line</c>, with the indexes the trail queries and the retention purge use. It runs
/// when the model is created, before <c>OnModelCreating</c>, below explicit strength: anything the application
/// configures for these types (another table name, a schema, a naming convention plugin) wins.
/// </summary>
internal sealed class AuditModelConvention : IModelInitializedConvention, IModelFinalizingConvention
{
    public const string LogTable = "servertools_audit_log";
    public const string LineTable = "servertools_audit_log_line";

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        // Added at data-annotation strength: stronger than conventions, so EF's clean-up of unreferenced types keeps
        // them, and weaker than explicit configuration, so OnModelCreating can still change or ignore them.
        var log = modelBuilder.Entity(typeof(AuditLog), fromDataAnnotation: true) ?? throw Refused(nameof(AuditLog));
        var line = modelBuilder.Entity(typeof(AuditLogLine), fromDataAnnotation: true) ?? throw Refused(nameof(AuditLogLine));

        log.ToTable(LogTable);
        log.PrimaryKey([nameof(AuditLog.Id)]);
        log.Property(typeof(Guid), nameof(AuditLog.Id))?.ValueGenerated(ValueGenerated.Never);
        log.Property(typeof(string), nameof(AuditLog.EntityType))?.IsRequired(true);
        log.Property(typeof(string), nameof(AuditLog.EntityKey))?.IsRequired(true);
        log.Property(typeof(AuditOperation), nameof(AuditLog.Operation))?.HasConversion(typeof(string));
        log.HasIndex([nameof(AuditLog.EntityType), nameof(AuditLog.EntityKey), nameof(AuditLog.Timestamp)]);
        log.HasIndex([nameof(AuditLog.Timestamp)]);

        line.ToTable(LineTable);
        line.PrimaryKey([nameof(AuditLogLine.Id)]);
        line.Property(typeof(string), nameof(AuditLogLine.Field))?.IsRequired(true);

        // AuditLog.Lines and AuditLogLine.AuditLogId: EF's conventions find the required relationship (cascade delete).
    }

    /// <summary>
    /// EF builds the model of its migrations history table (<see cref="HistoryRow"/>) with the context's conventions,
    /// this one included; the audit tables do not belong there, or <c>Migrate()</c> would create them before the
    /// migration that does.
    /// </summary>
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(HistoryRow)) is null)
        {
            return;
        }

        foreach (var type in new[] { typeof(AuditLogLine), typeof(AuditLog) })
        {
            if (model.FindEntityType(type) is { } entityType)
            {
                modelBuilder.HasNoEntityType(entityType, fromDataAnnotation: true);
            }
        }
    }

    private static InvalidOperationException Refused(string type) => new(
        $"ServerTools could not add '{type}' to the model: the application's configuration excludes it. " +
        "Remove the Ignore() of that type, or turn the audit trail off with UseServerTools(o => o.Auditing.Enabled = false).");
}
