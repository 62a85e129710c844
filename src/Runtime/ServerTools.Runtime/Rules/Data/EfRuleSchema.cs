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
            var (storedAs, literalEquality, nullOnly) = StoredAs(mapped);
            return new RuleMember(property, null, Hidden(entityType, mapped.Name) ?? HiddenForeignKey(mapped), storedAs, literalEquality, nullOnly);
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
    /// another type (an int or an enum stored as text, a bool as 'True'/'False', a date as ticks, a decimal as an int),
    /// or one from text to text (which may normalize or encrypt it). A converter between numbers and enums that keeps
    /// every value and its order (<see cref="NumberConversion"/>: an enum stored as its number, an int as a long) is read
    /// as it is (<see langword="null"/>), and so is one to the same type otherwise (a DateTime given its Kind), taken to
    /// keep the values. <c>LiteralEquality</c> when the converter is one of EF Core's own and stores values that .NET
    /// takes for equal alike and other values differently, so that == against a literal, which EF Core converts the same
    /// way, agrees with .NET. Not so for an application's converter (one that upper-cases text makes <c>Code == "c-7"</c>
    /// true in SQL for a row whose stored 'C-7' the engine reads as "C-7"), nor for EF Core's from text to another type
    /// ("7", "07" and "+7" are all stored as 7), from a decimal or a floating-point number to text (1.0m and 1.00m are
    /// stored as '1.0' and '1.00'), or between numbers that lose values (a decimal stored as an int stores 2 for 1.6).
    /// Without <c>LiteralEquality</c>, <c>NullOnly</c> says why, and what to write instead, for the error that refuses
    /// anything but a comparison with null.
    /// </summary>
    private static (string? StoredAs, bool LiteralEquality, string? NullOnly) StoredAs(IProperty property)
    {
        if ((property.GetValueConverter() ?? property.FindTypeMapping()?.Converter) is not { } converter)
        {
            return (null, false, null);
        }

        var model = RuleTypes.Underlying(converter.ModelClrType);
        var provider = RuleTypes.Underlying(converter.ProviderClrType);
        var numbers = NumberConversion(model, provider);
        if (numbers == NumberStorage.Kept || (model == provider && model != typeof(string)))
        {
            return (null, false, null);
        }

        var storedAs = RuleTypes.Name(provider);
        var name = $"{property.DeclaringType.ClrType.Name}.{property.Name}";
        const string CodeRule = "Write a code rule (a class with [ExceptionRule])";
        var type = converter.GetType();
        if (type.Assembly != typeof(ValueConverter).Assembly || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueConverter<,>)))
        {
            return (storedAs, false,
                $"Its converter is the application's ({name}'s HasConversion), which may not map each value to one stored value and back (one that "
                + $"normalizes text makes == find other rows in SQL than in memory), so a data rule may only compare it with null. {CodeRule}, or map "
                + "the property with one of EF Core's converters (HasConversion<string>()) or without one.");
        }

        var modelName = RuleTypes.Name(model);
        (string Why, string Instead)? notExact = numbers == NumberStorage.Lossy
            ? ($"EF Core's converter stores some different {modelName} values as one {storedAs} value",
                $"map {name} without the converter, or with one to a type that holds every value (a decimal as itself, an int as a long)")
            : numbers == NumberStorage.None && model == typeof(string) && provider != typeof(string)
                ? ($"EF Core's converter stores different strings as one {storedAs} value (\"7\", \"07\" and \"+7\" as 7)", $"map {name} without the converter")
                : numbers == NumberStorage.None && Type.GetTypeCode(model) is TypeCode.Decimal or TypeCode.Double or TypeCode.Single
                    ? ($"EF Core's converter stores {modelName} values that .NET takes for equal as different {storedAs} values (1.0m and 1.00m as '1.0' and '1.00', 0.0 and -0.0 as '0' and '-0')",
                        $"map {name} without the converter")
                    : null;
        return notExact is { } why
            ? (storedAs, false,
                $"{why.Why}, so even == against a literal would find other rows in SQL than in memory, and a data rule may only compare it with null. "
                + $"{CodeRule}, or {why.Instead}.")
            : (storedAs, true, null);
    }

    /// <summary>How a number or an enum stored as a number or an enum keeps its values.</summary>
    private enum NumberStorage
    {
        /// <summary>Not a conversion between numbers and enums.</summary>
        None,

        /// <summary>Every value is stored as a number of its own, in the same order: the property is read as it is.</summary>
        Kept,

        /// <summary>Every value is stored as a number of its own, but not in the same order (an int cast to a uint stores -1 as 4294967295).</summary>
        OneToOne,

        /// <summary>Some values are stored alike (a decimal stored as an int, a long as a double, an int-based enum as a short).</summary>
        Lossy,
    }

    /// <summary>
    /// How EF Core's casts between numbers and enums (an enum counts as its underlying type) store <paramref name="model"/>
    /// as <paramref name="provider"/>: an integral type in one whose range holds its own, in decimal, or in a
    /// floating-point type whose mantissa holds it (an int in a double, not a long), and a float in a double, keep every
    /// value and its order; an integral type cast to another of its size (int to uint) keeps every value but not the
    /// order; anything else (narrower integers, decimal or floating point to anything but float to double) loses values.
    /// </summary>
    private static NumberStorage NumberConversion(Type model, Type provider)
    {
        static bool NumberLike(TypeCode code) => code is >= TypeCode.SByte and <= TypeCode.Decimal;
        var from = Type.GetTypeCode(model);
        var to = Type.GetTypeCode(provider);
        if (!NumberLike(from) || !NumberLike(to))
        {
            return NumberStorage.None;
        }

        if (from == to)
        {
            return NumberStorage.Kept;
        }

        if (Integral(from) is not { } range)
        {
            return from == TypeCode.Single && to == TypeCode.Double ? NumberStorage.Kept : NumberStorage.Lossy;
        }

        if (Integral(to) is { } stored)
        {
            return range.Min >= stored.Min && range.Max <= stored.Max ? NumberStorage.Kept
                : range.Max - range.Min == stored.Max - stored.Min ? NumberStorage.OneToOne
                : NumberStorage.Lossy;
        }

        // Integers up to 2^53 (a double's mantissa) or 2^24 (a float's) convert exactly.
        var exactUpTo = to switch
        {
            TypeCode.Decimal => decimal.MaxValue,
            TypeCode.Double => 9_007_199_254_740_992m,
            _ => 16_777_216m,
        };
        return range.Min >= -exactUpTo && range.Max <= exactUpTo ? NumberStorage.Kept : NumberStorage.Lossy;
    }

    /// <summary>The range of an integral type; <see langword="null"/> for decimal and floating point.</summary>
    private static (decimal Min, decimal Max)? Integral(TypeCode code) => code switch
    {
        TypeCode.SByte => (sbyte.MinValue, sbyte.MaxValue),
        TypeCode.Byte => (byte.MinValue, byte.MaxValue),
        TypeCode.Int16 => (short.MinValue, short.MaxValue),
        TypeCode.UInt16 => (ushort.MinValue, ushort.MaxValue),
        TypeCode.Int32 => (int.MinValue, int.MaxValue),
        TypeCode.UInt32 => (uint.MinValue, uint.MaxValue),
        TypeCode.Int64 => (long.MinValue, long.MaxValue),
        TypeCode.UInt64 => (ulong.MinValue, ulong.MaxValue),
        _ => null,
    };

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
