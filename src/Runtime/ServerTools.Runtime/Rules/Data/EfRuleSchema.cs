using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.Rules.Data;

/// <summary>
/// What a data rule may read: the properties and navigations that the context's model maps (with a CLR property), so
/// that every rule the engine runs in memory also translates to SQL. Shadow properties, unmapped properties and
/// methods are not members.
/// </summary>
internal sealed class EfRuleSchema : RuleSchema
{
    private static readonly ConcurrentDictionary<IModel, EfRuleSchema> s_schemas = new();

    private readonly IModel _model;

    private EfRuleSchema(IModel model) => _model = model;

    public static EfRuleSchema For(IModel model) => s_schemas.GetOrAdd(model, static model => new EfRuleSchema(model));

    public override RuleMember? FindMember(Type type, string name)
    {
        if (_model.FindEntityType(type) is not { } entityType)
        {
            return null;
        }

        if (entityType.FindProperty(name) is { PropertyInfo: { } property })
        {
            return new RuleMember(property, null);
        }

        INavigationBase? navigation = entityType.FindNavigation(name) ?? (INavigationBase?)entityType.FindSkipNavigation(name);
        return navigation is { PropertyInfo: { } navigationProperty }
            ? new RuleMember(navigationProperty, navigation.IsCollection ? navigation.TargetEntityType.ClrType : null)
            : null;
    }

    public override bool? IsTimestampWithoutTimeZone(Type type, PropertyInfo property)
    {
        if (_model.FindEntityType(type)?.FindProperty(property.Name) is not { } mapped || mapped.GetColumnType() is not { } columnType)
        {
            return null;
        }

        // Npgsql's names: "timestamp with time zone" (timestamptz), "timestamp without time zone" (timestamp), with an
        // optional precision; a column type set by the application may use the short forms.
        var store = columnType.Trim().ToLowerInvariant();
        if (store.StartsWith("timestamptz", StringComparison.Ordinal) || store.Contains("with time zone", StringComparison.Ordinal))
        {
            return false;
        }

        return store.StartsWith("timestamp", StringComparison.Ordinal) ? true : null;
    }

    public override IEnumerable<string> MemberNames(Type type)
    {
        if (_model.FindEntityType(type) is not { } entityType)
        {
            yield break;
        }

        foreach (var property in entityType.GetProperties())
        {
            if (property.PropertyInfo is not null)
            {
                yield return property.Name;
            }
        }

        foreach (var navigation in entityType.GetNavigations())
        {
            if (navigation.PropertyInfo is not null)
            {
                yield return navigation.Name;
            }
        }

        foreach (var navigation in entityType.GetSkipNavigations())
        {
            if (navigation.PropertyInfo is not null)
            {
                yield return navigation.Name;
            }
        }
    }
}
