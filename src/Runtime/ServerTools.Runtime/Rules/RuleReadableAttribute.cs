using System;

namespace ServerTools;

/// <summary>
/// Lets data rules (<see cref="ExceptionRuleDefinition"/> expressions, <see cref="RuleExpression"/>) read a property
/// marked <see cref="AuditIgnoreAttribute"/> or <see cref="AuditMaskAttribute"/>. Without it a data rule that names
/// such a property is refused: whoever may edit rules could read its values through the rule's violations and
/// <c>EntitiesViolatingRule</c>, a prefix at a time (<c>p.PasswordHash.StartsWith("$2a$10$Z")</c>). Code rules are not
/// affected. It covers the <c>[AuditIgnore]</c> or <c>[AuditMask]</c> of its own declaration and of the declarations it
/// overrides or hides; an override that carries <c>[AuditIgnore]</c> or <c>[AuditMask]</c> again hides the property again.
/// </summary>
/// <example>
/// <code>
/// [AuditMask, RuleReadable] public string? TaxNumber { get; set; }   // a rule may check that it is filled in
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class RuleReadableAttribute : Attribute;
