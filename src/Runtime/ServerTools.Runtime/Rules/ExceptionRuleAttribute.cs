using System;

namespace ServerTools;

/// <summary>
/// Declares a business exception rule: a class that implements <see cref="IExceptionRule{T}"/> and tells, for one
/// entity, whether the rule is broken. At compile time ServerTools registers every such class of the assembly (no
/// assembly scanning at run time), with a typed factory that takes the rule's constructor arguments from DI, and
/// <see cref="IExceptionRuleEngine"/> runs the rules of an entity in <see cref="Sequence"/> order.
/// </summary>
/// <example>
/// <code>
/// [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Sequence = 10,
///                Message = "A discount above 30% needs a manager's approval")]
/// public sealed class DiscountLimit : IExceptionRule&lt;SaleOrder&gt;
/// {
///     public bool Applies(SaleOrder order) =&gt; order.Discount &gt; 0.30m;
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExceptionRuleAttribute : Attribute
{
    /// <summary>Declares a rule with the stable id <paramref name="id"/>, such as <c>sale.discount_limit</c>.</summary>
    /// <param name="id">The rule's id: unique among all rules (code and data), stored with each violation.</param>
    public ExceptionRuleAttribute(string id) => Id = id;

    /// <summary>The rule's stable id, unique among all rules; stored with each violation.</summary>
    public string Id { get; }

    /// <summary>Whether a violation only warns or blocks the action. Default: <see cref="RuleSeverity.Warning"/>.</summary>
    public RuleSeverity Severity { get; set; } = RuleSeverity.Warning;

    /// <summary>The rule's place in the evaluation order: lower first, then by id. Default: 10.</summary>
    public int Sequence { get; set; } = ExceptionRuleInfo.DefaultSequence;

    /// <summary>The text a user sees when the rule is broken. A blocking rule should always have one (ST5003).</summary>
    public string? Message { get; set; }

    /// <summary>A short human name for lists and reports. Default: the id.</summary>
    public string? Name { get; set; }

    /// <summary>What the rule checks and why, for administrators.</summary>
    public string? Description { get; set; }

    /// <summary>Free labels for grouping and reports.</summary>
    public string[]? Tags { get; set; }

    /// <summary>
    /// The rule sets (actions) that check this rule, such as <c>"confirm"</c> or <c>"invoice"</c>. A rule with no set is
    /// checked by every evaluation; a rule with sets only by evaluations of one of them, or of all rules.
    /// </summary>
    public string[]? RuleSets { get; set; }
}
