using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ServerTools.Tracking;

/// <summary>
/// Maps <see cref="OutboxMessage"/> to <c>servertools_outbox</c>, its <see cref="OutboxMessage.Fields"/> to a
/// <c>json</c> column of the same row, and the index dispatchers poll. Like the audit table's convention, it runs
/// before <c>OnModelCreating</c> below explicit strength, so the application's configuration wins.
/// </summary>
internal sealed class TrackingModelConvention : IModelInitializedConvention, IModelFinalizingConvention
{
    public const string OutboxTable = "servertools_outbox";

    /// <summary>The column type of <see cref="OutboxMessage.Fields"/>: <c>json</c>.</summary>
    public const string FieldsColumnType = "json";

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var outbox = modelBuilder.Entity(typeof(OutboxMessage), fromDataAnnotation: true) ?? throw Refused(nameof(OutboxMessage));
        outbox.ToTable(OutboxTable);
        outbox.PrimaryKey([nameof(OutboxMessage.Id)]);
        outbox.Property(typeof(Guid), nameof(OutboxMessage.Id))?.ValueGenerated(ValueGenerated.Never);
        outbox.Property(typeof(string), nameof(OutboxMessage.EntityType))?.IsRequired(true);
        outbox.Property(typeof(string), nameof(OutboxMessage.EntityKey))?.IsRequired(true);
        outbox.Property(typeof(TrackedOperation), nameof(OutboxMessage.Operation))?.HasConversion(typeof(string));
        outbox.Property(typeof(OutboxState), nameof(OutboxMessage.State))?.HasConversion(typeof(string));

        // What a dispatcher asks: the pending messages that are due, oldest first.
        outbox.HasIndex([nameof(OutboxMessage.State), nameof(OutboxMessage.NextAttemptAt)]);

        var fields = outbox.ComplexCollection(typeof(List<TrackedFieldChange>), nameof(OutboxMessage.Fields), typeof(TrackedFieldChange), fromDataAnnotation: true)
            ?? throw Refused(nameof(OutboxMessage.Fields));
        fields.IsRequired(true, fromDataAnnotation: true);
        fields.Metadata.ComplexType.SetContainerColumnName(nameof(OutboxMessage.Fields), fromDataAnnotation: true);

        // json, not jsonb, as for the audit trail's lines: each message is written once and read once by a dispatcher,
        // never searched by ServerTools, and PostgreSQL takes json as checked text where jsonb is parsed into its binary
        // form on every insert (about a fifth of the outbox's cost per row; docs/benchmarks.md).
        fields.Metadata.ComplexType.SetContainerColumnType(FieldsColumnType, fromDataAnnotation: true);
        fields.Metadata.ComplexType.Builder.Property(typeof(string), nameof(TrackedFieldChange.Field), fromDataAnnotation: true)?.IsRequired(true, fromDataAnnotation: true);
    }

    /// <summary>Keeps the outbox out of the model of EF's migrations history table, as the audit convention does.</summary>
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(HistoryRow)) is not null && model.FindEntityType(typeof(OutboxMessage)) is { } outbox)
        {
            modelBuilder.HasNoEntityType(outbox, fromDataAnnotation: true);
        }
    }

    private static InvalidOperationException Refused(string name) => new(
        $"ServerTools could not add '{name}' to the model: the application's configuration excludes it. " +
        "Remove the Ignore() of that type, or turn tracking off with UseServerTools(o => o.Tracking.Enabled = false).");
}
