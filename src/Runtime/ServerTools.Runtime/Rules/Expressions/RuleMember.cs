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
/// <param name="StoredAs">
/// For a property stored through a value converter that may order or compare its stored values otherwise than .NET
/// compares the property's (an int stored as text, where '10' &lt; '9'), what it is stored as, such as "string";
/// <see langword="null"/> when the database compares the values as .NET does. A rule may compare such a property with
/// null, and, when <paramref name="LiteralEquality"/>, with == or != against a literal of its type.
/// </param>
/// <param name="LiteralEquality">
/// Whether the converter is one of EF Core's own (<c>HasConversion&lt;string&gt;()</c>), which turns each value into one
/// stored value and back, so that == and != against a literal (which EF Core converts the same way) agree with .NET.
/// </param>
/// <param name="NullOnly">
/// For a property stored through a value converter without <paramref name="LiteralEquality"/>, why a rule may compare it
/// with null only and what to write instead, as sentences for the error that refuses anything else.
/// </param>
internal sealed record RuleMember(
    PropertyInfo Property,
    Type? ElementType,
    RuleHiddenMember? Hidden = null,
    string? StoredAs = null,
    bool LiteralEquality = false,
    string? NullOnly = null);
