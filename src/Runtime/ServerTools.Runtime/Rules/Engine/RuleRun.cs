using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace ServerTools.Rules;

/// <summary>
/// One evaluation of one <see cref="CodeRuleSet"/> (or of the data rules): which rules are active for the rule set
/// asked for, and the violations found so far. Generated code calls <see cref="IsActive"/>, <see cref="Violated"/>,
/// <see cref="Failed"/>, <see cref="Count"/> and <see cref="Rewind"/>. Not for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct RuleRun
{
    private readonly ExceptionRuleInfo[] _rules;
    private readonly bool[]? _active;
    private readonly RuleSeverity _failureSeverity;
    private List<RuleViolation>? _violations;

    internal RuleRun(ExceptionRuleInfo[] rules, bool[]? active, RuleSeverity failureSeverity, List<RuleViolation>? violations)
    {
        _rules = rules;
        _active = active;
        _failureSeverity = failureSeverity;
        _violations = violations;
    }

    /// <summary>The violations found so far, or <see langword="null"/> when there are none.</summary>
    internal readonly List<RuleViolation>? Violations => _violations;

    /// <summary>How many violations have been found so far; a mark for <see cref="Rewind"/>.</summary>
    public readonly int Count => _violations?.Count ?? 0;

    /// <summary>Discards the violations found after <see cref="Count"/> was <paramref name="count"/>.</summary>
    public void Rewind(int count)
    {
        if (_violations is { } violations && violations.Count > count)
        {
            violations.RemoveRange(count, violations.Count - count);
        }
    }

    /// <summary>Whether the rule at <paramref name="index"/> belongs to the rule set being evaluated.</summary>
    public readonly bool IsActive(int index) => _active is null || _active[index];

    /// <summary>Reports that the rule at <paramref name="index"/> is broken.</summary>
    public void Violated(int index)
    {
        var rule = _rules[index];
        (_violations ??= []).Add(new RuleViolation(rule, rule.Severity, rule.ViolationMessage, null));
    }

    /// <summary>Reports that the rule at <paramref name="index"/> threw <paramref name="exception"/>.</summary>
    public void Failed(int index, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var rule = _rules[index];
        var message = $"The rule '{rule.Name}' failed with {exception.GetType().Name}; the violation carries the exception.";
        (_violations ??= []).Add(new RuleViolation(rule, _failureSeverity, message, exception));
    }
}
