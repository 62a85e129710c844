using System.Collections.Generic;
using System.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace ServerTools.TimeWindows;

/// <summary>
/// Wraps the context's migrations model differ (the one <c>dotnet ef migrations add</c> asks the context for) so that a
/// migration that adds the <c>TimeWindows</c> and <c>SpecialDays</c> JSON columns of a
/// <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entity to a table fills its rows with an empty list. EF Core 10
/// gives every required JSON column it adds the default <c>{}</c>, a JSON object, which it then cannot read as a collection
/// (dotnet/efcore#37964). Only those columns' add and alter operations with that default change; every other operation,
/// and the model and its snapshot, stay as the wrapped differ gives them.
/// </summary>
internal sealed class TimeWindowMigrationsModelDiffer(IMigrationsModelDiffer inner) : IMigrationsModelDiffer
{
    private const string JsonObject = "{}";
    private const string EmptyJsonList = "[]";

    public bool HasDifferences(IRelationalModel? source, IRelationalModel? target) => inner.HasDifferences(source, target);

    public IReadOnlyList<MigrationOperation> GetDifferences(IRelationalModel? source, IRelationalModel? target)
    {
        var operations = inner.GetDifferences(source, target);
        if (target is null)
        {
            return operations;
        }

        foreach (var operation in operations)
        {
            if (operation is AddColumnOperation or AlterColumnOperation
                && operation is ColumnOperation { DefaultValue: JsonObject, DefaultValueSql: null } column
                && IsStoredSchedule(target, column))
            {
                column.DefaultValue = EmptyJsonList;
            }
        }

        return operations;
    }

    /// <summary>True when the column is the JSON column of windows or special days of an entity mapped to its table.</summary>
    private static bool IsStoredSchedule(IRelationalModel model, ColumnOperation column)
        => model.FindTable(column.Table, column.Schema) is { } table
            && table.EntityTypeMappings.Any(mapping => mapping.TypeBase.GetComplexProperties().Any(
                property => TimeWindowModelConvention.IsStoredSchedule(property) && property.ComplexType.GetContainerColumnName() == column.Name));
}
