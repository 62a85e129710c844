using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ServerTools.Rules.Data;

/// <summary>
/// What a data rule may read: the properties and navigations that the context's model maps (with a CLR property), so
/// that every rule the engine runs in memory also translates to SQL. Shadow properties, unmapped properties and
/// methods are not members. A member marked <c>[AuditIgnore]</c> or <c>[AuditMask]</c> (on the entity type's class, on
/// a class derived from it that the model maps, whose rows the rule reads too, on a navigation whose foreign key the
/// property is, or on the inverse of a many-to-many navigation), and not <c>[RuleReadable]</c>, is hidden: see
/// <see cref="RuleHiddenMember"/>.
/// </summary>
internal sealed class EfRuleSchema : RuleSchema
{
    private static readonly ConcurrentDictionary<IModel, EfRuleSchema> s_schemas = new();

    private readonly IModel _model;
    private readonly ConcurrentDictionary<(Type Type, string Name), RuleMember?> _members = new();

    private EfRuleSchema(IModel model) => _model = model;

    public static EfRuleSchema For(IModel model) => s_schemas.GetOrAdd(model, static model => new EfRuleSchema(model));

    public override RuleMember? FindMember(Type type, string name)
    {
        if (_model.FindEntityType(type) is not { } entityType)
        {
            return null;
        }

        // Cached by the names the model has only: a name a rule's text gives that is no member is not kept.
        if (_members.TryGetValue((type, name), out var known))
        {
            return known;
        }

        var member = Member(entityType, name);
        if (member is not null)
        {
            _members.TryAdd((type, name), member);
        }

        return member;
    }

    private static RuleMember? Member(IEntityType entityType, string name)
    {
        if (entityType.FindProperty(name) is { PropertyInfo: { } property } mapped)
        {
            var (storedAs, literalEquality) = StoredAs(mapped);
            return new RuleMember(property, null, Hidden(entityType, mapped.Name) ?? HiddenForeignKey(mapped), storedAs, literalEquality);
        }

        INavigationBase? navigation = entityType.FindNavigation(name) ?? (INavigationBase?)entityType.FindSkipNavigation(name);
        return navigation is { PropertyInfo: { } navigationProperty }
            ? new RuleMember(
                navigationProperty,
                navigation.IsCollection ? navigation.TargetEntityType.ClrType : null,
                Hidden(entityType, navigation.Name) ?? HiddenInverse(navigation))
            : null;
    }

    /// <summary>
    /// What <paramref name="property"/> is stored as when a value converter (the property's own, or its type mapping's)
    /// may make PostgreSQL compare or order its stored values otherwise than .NET compares the property's: a converter to
    /// another type (an int or an enum stored as text, a bool as 'True'/'False', a date as ticks), or one from text to text
    /// (which may normalize or encrypt it). A converter between numbers and enums (an enum stored as its number, ulong as
    /// numeric) is taken to keep their order, and one to the same type otherwise (a DateTime given its Kind) to keep the
    /// values: such a property is read as it is (<see langword="null"/>). <c>LiteralEquality</c> when the converter is one
    /// of EF Core's own, which map each value to one stored value and back; an application's converter may not (one that
    /// upper-cases text makes <c>Code == "c-7"</c> true in SQL for a row whose stored 'C-7' the engine reads as "C-7").
    /// </summary>
    private static (string? StoredAs, bool LiteralEquality) StoredAs(IProperty property)
    {
        if ((property.GetValueConverter() ?? property.FindTypeMapping()?.Converter) is not { } converter)
        {
            return (null, false);
        }

        var model = RuleTypes.Underlying(converter.ModelClrType);
        var provider = RuleTypes.Underlying(converter.ProviderClrType);
        static bool NumberLike(Type type) => Type.GetTypeCode(type) is >= TypeCode.SByte and <= TypeCode.Decimal;
        if ((NumberLike(model) && NumberLike(provider)) || (model == provider && model != typeof(string)))
        {
            return (null, false);
        }

        var type = converter.GetType();
        var efCores = type.Assembly == typeof(ValueConverter).Assembly && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueConverter<,>));
        return (RuleTypes.Name(provider), efCores);
    }

    /// <summary>
    /// Whether <paramref name="navigation"/> is a many-to-many navigation whose navigation back is hidden: the links are
    /// one fact, which a rule on either side would read, so the audit trail masks or leaves out both sides' lines too.
    /// </summary>
    private static RuleHiddenMember? HiddenInverse(INavigationBase navigation)
        => navigation is ISkipNavigation { Inverse: { PropertyInfo: not null } inverse }
           && Hidden(inverse.DeclaringEntityType, inverse.Name) is { } hidden
            ? hidden with { Where = $"on its inverse navigation {inverse.DeclaringEntityType.ClrType.Name}.{inverse.Name}" }
            : null;

    /// <summary>Whether the member is hidden on the entity type's class or on one of the mapped classes derived from it, whose rows the rule reads too.</summary>
    private static RuleHiddenMember? Hidden(IEntityType entityType, string name)
    {
        foreach (var type in entityType.GetDerivedTypesInclusive())
        {
            if (RuleHiddenMember.Of(type.ClrType, name) is { } hidden)
            {
                return hidden;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="property"/> is the foreign key of a hidden navigation: auditing masks or leaves out such a key with its navigation.</summary>
    private static RuleHiddenMember? HiddenForeignKey(IProperty property)
    {
        foreach (var foreignKey in property.GetContainingForeignKeys())
        {
            if (foreignKey.DependentToPrincipal is { PropertyInfo: not null } navigation
                && Hidden(foreignKey.DeclaringEntityType, navigation.Name) is { } hidden)
            {
                return hidden with { Where = $"on its navigation {navigation.DeclaringEntityType.ClrType.Name}.{navigation.Name}" };
            }
        }

        return null;
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

        IEnumerable<IPropertyBase> members = [.. entityType.GetProperties(), .. entityType.GetNavigations(), .. entityType.GetSkipNavigations()];
        foreach (var member in members)
        {
            if (member.PropertyInfo is not null && FindMember(type, member.Name) is { Hidden: null })
            {
                yield return member.Name;
            }
        }
    }
}
