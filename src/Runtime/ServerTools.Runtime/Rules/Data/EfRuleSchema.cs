using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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
