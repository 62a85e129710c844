using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ServerTools.Auditing;

/// <summary>
/// Maps <see cref="AuditLog"/> to <c>servertools_audit_log</c>, its <see cref="AuditLog.Lines"/> to a <c>json</c>
/// column of the same row (a complex collection), and the indexes the trail queries and the retention purge use.
/// It runs when the model is created, before <c>OnModelCreating</c>, below explicit strength: anything the
/// application configures for the type (another table name, a schema, a naming convention plugin) wins.
/// </summary>
/// <remarks>
/// The lines live in the log's row rather than in a table of their own because that is what keeps auditing cheap:
/// an insert of 1,000 audited entities then writes 1,000 rows and index entries instead of 11,000, and no foreign key
/// is checked per line (see docs/benchmarks.md).
/// </remarks>
internal sealed class AuditModelConvention : IModelInitializedConvention, IModelFinalizingConvention
{
    public const string LogTable = "servertools_audit_log";
    public const string LinesColumn = nameof(AuditLog.Lines);
    public const string LinesColumnType = "json";

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        // Added at data-annotation strength: stronger than conventions, so EF's clean-up of unreferenced types keeps
        // it, and weaker than explicit configuration, so OnModelCreating can still change or ignore it.
        var log = modelBuilder.Entity(typeof(AuditLog), fromDataAnnotation: true) ?? throw Refused(nameof(AuditLog));

        log.ToTable(LogTable);
        log.PrimaryKey([nameof(AuditLog.Id)]);
        log.Property(typeof(Guid), nameof(AuditLog.Id))?.ValueGenerated(ValueGenerated.Never);
        log.Property(typeof(string), nameof(AuditLog.EntityType))?.IsRequired(true);
        log.Property(typeof(string), nameof(AuditLog.EntityKey))?.IsRequired(true);
        log.Property(typeof(AuditOperation), nameof(AuditLog.Operation))?.HasConversion(typeof(string));

        // The trail of one entity: its key first, the more selective and the shorter column. A btree over
        // (type, key) alone, without the time, keeps one entry per entity with a posting list of its logs (PostgreSQL's
        // deduplication), so an entity's hundredth log costs the index less than its first.
        log.HasIndex([nameof(AuditLog.EntityKey), nameof(AuditLog.EntityType)]);

        // The retention purge only: rows arrive in time order, so a BRIN index of a few pages serves it at almost no
        // cost per insert, where a btree would add an entry per log.
        log.HasIndex([nameof(AuditLog.Timestamp)])?.HasMethod("brin", fromDataAnnotation: true);

        var lines = log.ComplexCollection(typeof(List<AuditLogLine>), nameof(AuditLog.Lines), typeof(AuditLogLine), fromDataAnnotation: true)
            ?? throw Refused(nameof(AuditLog.Lines));
        lines.IsRequired(true, fromDataAnnotation: true);
        lines.Metadata.ComplexType.SetContainerColumnName(LinesColumn, fromDataAnnotation: true);

        // json, not jsonb: the trail is written far more often than it is searched, and PostgreSQL takes json as
        // checked text where jsonb is parsed into its binary form on every insert (about a sixth of the audit's cost
        // on an update, a fifth on an insert; docs/benchmarks.md). Queries into the lines work on either.
        lines.Metadata.ComplexType.SetContainerColumnType(LinesColumnType, fromDataAnnotation: true);
        lines.Metadata.ComplexType.Builder.Property(typeof(string), nameof(AuditLogLine.Field), fromDataAnnotation: true)?.IsRequired(true, fromDataAnnotation: true);
    }

    /// <summary>
    /// EF builds the model of its migrations history table (<see cref="HistoryRow"/>) with the context's conventions,
    /// this one included; the audit table does not belong there, or <c>Migrate()</c> would create it before the
    /// migration that does.
    /// </summary>
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(HistoryRow)) is null)
        {
            return;
        }

        if (model.FindEntityType(typeof(AuditLog)) is { } entityType)
        {
            modelBuilder.HasNoEntityType(entityType, fromDataAnnotation: true);
        }
    }

    private static InvalidOperationException Refused(string name) => new(
        $"ServerTools could not add '{name}' to the model: the application's configuration excludes it. " +
        "Remove the Ignore() of that type, or turn the audit trail off with UseServerTools(o => o.Auditing.Enabled = false).");
}
