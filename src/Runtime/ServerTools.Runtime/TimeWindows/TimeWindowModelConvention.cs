using System;
using System.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;
using NpgsqlTypes;

namespace ServerTools.TimeWindows;

/// <summary>
/// Maps what time windows store. On every provider, the <c>TimeWindows</c> and <c>SpecialDays</c> collections of a
/// <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entity are JSON columns of its table. On PostgreSQL, the
/// entity also gets the multirange columns of <see cref="TimeWindowColumns"/> (so <c>WhereOpenAt</c> reads no JSON),
/// and <c>timezone(zone, instant)</c> and <c>greatest</c> of two or three timestamps are mapped for the query.
/// </summary>
internal sealed class TimeWindowModelConvention(RelationalTypeMapping? timestampMapping)
    : IModelInitializedConvention, IEntityTypeAddedConvention, IModelFinalizingConvention
{
    private const string EmptyMultirange = "'{}'";

    /// <summary>The convention for a context on PostgreSQL (<paramref name="typeMappingSource"/>: its type mappings), or on another provider (null).</summary>
    public static TimeWindowModelConvention Create(IRelationalTypeMappingSource? typeMappingSource)
        => new(typeMappingSource?.FindMapping(typeof(DateTime), "timestamp without time zone"));

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        if (timestampMapping is null)
        {
            return;
        }

        modelBuilder.HasDbFunction(TimeWindowSql.LocalTimeMethod, fromDataAnnotation: true)?.HasTranslation(
            arguments => new SqlFunctionExpression(
                "timezone", [arguments[1], arguments[0]], nullable: true, argumentsPropagateNullability: [true, true], typeof(DateTime), timestampMapping),
            fromDataAnnotation: true);
        foreach (var latest in TimeWindowSql.LatestMethods)
        {
            modelBuilder.HasDbFunction(latest, fromDataAnnotation: true)?.HasTranslation(
                arguments => new SqlFunctionExpression(
                    "greatest", arguments, nullable: true, argumentsPropagateNullability: [.. arguments.Select(static _ => false)], typeof(DateTime), timestampMapping),
                fromDataAnnotation: true);
        }
    }

    public void ProcessEntityTypeAdded(IConventionEntityTypeBuilder entityTypeBuilder, IConventionContext<IConventionEntityTypeBuilder> context)
    {
        if (timestampMapping is null || !typeof(ITimeWindowed).IsAssignableFrom(entityTypeBuilder.Metadata.ClrType))
        {
            return;
        }

        Add(entityTypeBuilder, typeof(NpgsqlRange<int>[]), TimeWindowColumns.Weekly, "int4multirange");
        Add(entityTypeBuilder, typeof(NpgsqlRange<DateOnly>[]), TimeWindowColumns.SpecialDates, "datemultirange");
        Add(entityTypeBuilder, typeof(NpgsqlRange<DateTime>[]), TimeWindowColumns.SpecialHours, "tsmultirange");
    }

    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        foreach (var entityType in modelBuilder.Metadata.GetEntityTypes())
        {
            foreach (var property in entityType.GetDeclaredComplexProperties())
            {
                var type = property.ComplexType;
                if (IsStoredSchedule(property) && type.GetContainerColumnName() is null)
                {
                    type.Builder.HasAnnotation(RelationalAnnotationNames.ContainerColumnName, property.Name, fromDataAnnotation: true);
                }
            }
        }
    }

    /// <summary>True for a collection of windows or special days, which this convention maps to a JSON column.</summary>
    public static bool IsStoredSchedule(IReadOnlyComplexProperty property)
        => property.IsCollection && (property.ComplexType.ClrType == typeof(TimeWindow) || property.ComplexType.ClrType == typeof(SpecialDay));

    private static void Add(IConventionEntityTypeBuilder entityTypeBuilder, Type type, string name, string columnType)
    {
        var property = entityTypeBuilder.Property(type, name, setTypeConfigurationSource: false, fromDataAnnotation: true);
        property?.HasColumnType(columnType, fromDataAnnotation: true);
        property?.IsRequired(true, fromDataAnnotation: true);
        property?.HasDefaultValueSql(EmptyMultirange, fromDataAnnotation: true);
    }
}
