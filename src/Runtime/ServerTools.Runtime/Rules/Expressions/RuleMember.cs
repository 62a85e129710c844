using System;
using System.Reflection;

namespace ServerTools.Rules;

/// <summary>
/// A member a data rule may read, as a <see cref="RuleSchema"/> exposes it: a readable instance property, and
/// for a collection navigation (an <see cref="System.Collections.Generic.IEnumerable{T}"/> other than
/// <see cref="string"/>) the type of its elements.
/// </summary>
/// <param name="Property">The property the rule reads.</param>
/// <param name="ElementType">The element type when the property is a collection navigation; otherwise <see langword="null"/>.</param>
/// <param name="Hidden">
/// Why a rule may not read the member after all (<c>[AuditIgnore]</c>, <c>[AuditMask]</c>), so that naming it is refused
/// with that reason rather than as an unknown name; <see langword="null"/> when a rule may read it.
/// </param>
internal sealed record RuleMember(PropertyInfo Property, Type? ElementType, RuleHiddenMember? Hidden = null);
