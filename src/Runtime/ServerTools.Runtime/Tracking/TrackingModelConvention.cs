using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

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

        // Numbered by the database as rows are written (the COPY leaves the column out), so two transactions that changed
        // the same row number their changes in the order they committed.
        outbox.Property(typeof(long), nameof(OutboxMessage.Sequence))?.ValueGenerated(ValueGenerated.OnAdd)
            ?.HasValueGenerationStrategy(NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

        // What a dispatcher asks: the pending messages of one entity type that are due, oldest first.
        outbox.HasIndex([nameof(OutboxMessage.State), nameof(OutboxMessage.EntityType), nameof(OutboxMessage.NextAttemptAt), nameof(OutboxMessage.Sequence)]);

        // Whether an earlier change of the same entity is still pending: only pending messages (the filter is set once the
        // column's name is known, in ProcessModelFinalizing).
        outbox.HasIndex(s_pendingByEntity);

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

    /// <summary>
    /// Keeps the outbox out of the model of EF's migrations history table, as the audit convention does; filters the index
    /// of pending changes by the state column under the name the model gives it.
    /// </summary>
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(OutboxMessage)) is not { } outbox)
        {
            return;
        }

        if (model.FindEntityType(typeof(HistoryRow)) is not null)
        {
            modelBuilder.HasNoEntityType(outbox, fromDataAnnotation: true);
            return;
        }

        var properties = new List<IConventionProperty>(s_pendingByEntity.Length);
        foreach (var name in s_pendingByEntity)
        {
            if (outbox.FindProperty(name) is not { } property)
            {
                return;
            }

            properties.Add(property);
        }

        if (outbox.FindIndex(properties) is { } pending && outbox.FindProperty(nameof(OutboxMessage.State))?.GetColumnName() is { } state)
        {
            pending.Builder.HasFilter(PendingFilter(state), fromDataAnnotation: true);
        }
    }

    /// <summary>The columns of the index of pending changes by entity, in order.</summary>
    private static readonly string[] s_pendingByEntity = [nameof(OutboxMessage.EntityType), nameof(OutboxMessage.EntityKey), nameof(OutboxMessage.Sequence)];

    /// <summary>The filter of the index of pending changes, which the dispatcher's queries repeat word for word so PostgreSQL uses it.</summary>
    internal static string PendingFilter(string stateColumn) => $"\"{stateColumn.Replace("\"", "\"\"", StringComparison.Ordinal)}\" = '{nameof(OutboxState.Pending)}'";

    private static InvalidOperationException Refused(string name) => new(
        $"ServerTools could not add '{name}' to the model: the application's configuration excludes it. " +
        "Remove the Ignore() of that type, or turn tracking off with UseServerTools(o => o.Tracking.Enabled = false).");
}
