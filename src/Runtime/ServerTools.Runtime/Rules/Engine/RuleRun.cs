using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace ServerTools.Rules;

/// <summary>
/// One evaluation of one <see cref="CodeRuleSet"/> (or of the data rules): which rules are active for the rule set
/// asked for, and the violations found so far. Generated code calls <see cref="IsActive"/>, <see cref="Violated"/>,
/// <see cref="Failed"/> and <see cref="ResumeAfter"/>. Not for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct RuleRun
{
    private readonly ExceptionRuleInfo[] _rules;
    private readonly bool[]? _active;
    private readonly RuleSeverity _failureSeverity;
    private List<RuleViolation>? _violations;
    private int _resumeAt;

    internal RuleRun(ExceptionRuleInfo[] rules, bool[]? active, RuleSeverity failureSeverity, List<RuleViolation>? violations)
    {
        _rules = rules;
        _active = active;
        _failureSeverity = failureSeverity;
        _violations = violations;
    }

    /// <summary>The violations found so far, or <see langword="null"/> when there are none.</summary>
    internal readonly List<RuleViolation>? Violations => _violations;

    /// <summary>How many violations have been found so far.</summary>
    public readonly int Count => _violations?.Count ?? 0;

    /// <summary>
    /// Discards the violations found after <see cref="Count"/> was <paramref name="count"/>. Called only by code generated
    /// by earlier versions (which ran the rules again after one threw); kept so that a library compiled with them still
    /// runs on this runtime.
    /// </summary>
    [Obsolete("Generated code of earlier versions only; the current generator calls ResumeAfter.")]
    public void Rewind(int count)
    {
        if (_violations is { } violations && violations.Count > count)
        {
            violations.RemoveRange(count, violations.Count - count);
        }
    }

    /// <summary>
    /// Makes the rules up to <paramref name="index"/> inactive, so that <see cref="CodeRules.Evaluate"/> runs only the
    /// rules after it: the rules of <see cref="CodeRules.EvaluateAll"/>'s chain after the one at <paramref name="index"/>,
    /// which threw.
    /// </summary>
    public void ResumeAfter(int index) => _resumeAt = index + 1;

    /// <summary>Whether the rule at <paramref name="index"/> belongs to the rule set being evaluated, and has not run yet.</summary>
    public readonly bool IsActive(int index) => index >= _resumeAt && (_active is null || _active[index]);

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
        var message = exception is RuleNavigationNotLoadedException
            ? $"The rule '{rule.Name}' cannot run. {exception.Message}"
            : $"The rule '{rule.Name}' failed with {exception.GetType().Name}; the violation carries the exception.";
        (_violations ??= []).Add(new RuleViolation(rule, _failureSeverity, message, exception));
    }
}
