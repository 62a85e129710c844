using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;

namespace ServerTools.Rules;

/// <summary>
/// The members a data rule may read on each type. <see cref="RuleExpression"/> looks every member up through the
/// schema it is given, never by reflection of its own, so a schema that hides a property makes that property an
/// unknown name to the rule. The rule engine passes a schema of the EF Core model's mapped properties and navigations.
/// </summary>
internal abstract class RuleSchema
{
    /// <summary>
    /// Every public, readable, non-indexed instance property (cached per type); those marked <c>[AuditIgnore]</c> or
    /// <c>[AuditMask]</c> and not <c>[RuleReadable]</c> are hidden (see <see cref="RuleHiddenMember"/>).
    /// </summary>
    public static RuleSchema PublicProperties { get; } = new PublicPropertySchema();

    /// <summary>
    /// The member of <paramref name="type"/> named <paramref name="name"/> (ordinal, case-sensitive), or
    /// <see langword="null"/> when the schema has none. A member the schema has but a rule may not read (a secret) comes
    /// with <see cref="RuleMember.Hidden"/>, so that the rule is refused with the reason.
    /// </summary>
    public abstract RuleMember? FindMember(Type type, string name);

    /// <summary>The names of the members of <paramref name="type"/> a rule may read (hidden ones left out), for "did you mean" suggestions.</summary>
    public abstract IEnumerable<string> MemberNames(Type type);

    /// <summary>
    /// Whether the <see cref="DateTime"/> <paramref name="property"/>, read on a <paramref name="type"/>, is stored as a
    /// <c>timestamp without time zone</c> (true) or <c>with time zone</c> (false); <see langword="null"/> when the schema
    /// does not know (no database behind it). PostgreSQL compares the two kinds only after converting one in a time zone.
    /// </summary>
    public virtual bool? IsTimestampWithoutTimeZone(Type type, PropertyInfo property) => null;

    /// <summary>
    /// The element type of <paramref name="type"/> when it is a collection a rule can query (an
    /// <see cref="IEnumerable{T}"/> other than <see cref="string"/>); otherwise <see langword="null"/>.
    /// </summary>
    public static Type? CollectionElementType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            return type.GetGenericArguments()[0];
        }

        foreach (var candidate in type.GetInterfaces())
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private sealed class PublicPropertySchema : RuleSchema
    {
        private readonly ConcurrentDictionary<Type, Dictionary<string, RuleMember>> _members = new();

        public override RuleMember? FindMember(Type type, string name)
        {
            ArgumentNullException.ThrowIfNull(type);
            ArgumentNullException.ThrowIfNull(name);
            return Members(type).TryGetValue(name, out var member) ? member : null;
        }

        public override IEnumerable<string> MemberNames(Type type)
        {
            ArgumentNullException.ThrowIfNull(type);
            foreach (var (name, member) in Members(type))
            {
                if (member.Hidden is null)
                {
                    yield return name;
                }
            }
        }

        private Dictionary<string, RuleMember> Members(Type type) => _members.GetOrAdd(type, static type =>
        {
            var members = new Dictionary<string, RuleMember>(StringComparer.Ordinal);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetMethod is not { IsPublic: true } || property.GetIndexParameters().Length != 0)
                {
                    continue;
                }

                // A property hidden by `new` in a derived type appears twice: the most derived one wins.
                if (members.TryGetValue(property.Name, out var existing)
                    && existing.Property.DeclaringType!.IsSubclassOf(property.DeclaringType!))
                {
                    continue;
                }

                members[property.Name] = new RuleMember(property, CollectionElementType(property.PropertyType), RuleHiddenMember.Of(type, property.Name));
            }

            return members;
        });
    }
}
