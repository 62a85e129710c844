using System;
using System.Collections.Concurrent;
using System.Reflection;
using ServerTools.Infrastructure;

namespace ServerTools.Rules;

/// <summary>
/// Why a data rule may not read a member: it is marked <c>[AuditIgnore]</c> or <c>[AuditMask]</c> (or is the foreign key
/// of a navigation that is), and not <see cref="RuleReadableAttribute">[RuleReadable]</see>. A rule that could read it
/// would let whoever edits rules read the secret through the rule's violations.
/// </summary>
/// <param name="Attribute">The attribute that hides the member, such as <c>[AuditIgnore]</c>.</param>
/// <param name="Where">Where it is, such as <c>on Partner.PasswordHash</c>.</param>
internal sealed record RuleHiddenMember(string Attribute, string Where)
{
    private static readonly ConcurrentDictionary<(Type Type, string Name), RuleHiddenMember?> s_declared = new();

    /// <summary>
    /// Whether the property <paramref name="name"/> of <paramref name="type"/> is hidden from data rules, by the
    /// attributes of its declarations from <paramref name="type"/> up to its base classes (an override, a property that
    /// hides another with <c>new</c>, and the ones they replace): the most derived declaration that carries
    /// <c>[RuleReadable]</c>, <c>[AuditIgnore]</c> or <c>[AuditMask]</c> decides, and <c>[RuleReadable]</c> wins on the
    /// declaration that carries it; then the interfaces <paramref name="type"/> implements, whose property of that name hides
    /// it unless a class declaration is <c>[RuleReadable]</c>. <paramref name="name"/> is a member the schema maps, never a
    /// name a rule's text gives.
    /// </summary>
    public static RuleHiddenMember? Of(Type type, string name) => s_declared.GetOrAdd((type, name), static key => Find(key.Type, key.Name));

    private static RuleHiddenMember? Find(Type type, string name)
    {
        foreach (var property in PropertyDeclarations.Of(type, name))
        {
            var declarer = property.DeclaringType!;
            if (property.IsDefined(typeof(RuleReadableAttribute), inherit: false))
            {
                // On a class's declaration, [RuleReadable] opens the member; on an interface's, that interface's marks only
                // (an interface's mark counts unless a class declaration is [RuleReadable], as the audit trail and the outbox
                // combine them, most protective winning).
                if (declarer.IsInterface)
                {
                    continue;
                }

                return null;
            }

            if (Hiding(property) is { } attribute)
            {
                return new RuleHiddenMember(attribute, $"on {declarer.Name}.{name}");
            }
        }

        return null;
    }

    /// <summary>The attribute that hides <paramref name="property"/> from data rules where it is declared, or null.</summary>
    private static string? Hiding(PropertyInfo property)
        => property.IsDefined(typeof(AuditIgnoreAttribute), inherit: false) ? "[AuditIgnore]"
            : property.IsDefined(typeof(AuditMaskAttribute), inherit: false) ? "[AuditMask]"
            : null;
}
