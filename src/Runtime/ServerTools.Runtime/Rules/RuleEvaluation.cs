using System.Collections.Generic;

namespace ServerTools;

/// <summary>The answer of <see cref="IExceptionRuleEngine.Evaluate{T}"/>: every violation, in rule sequence order.</summary>
public sealed class RuleEvaluation
{
    /// <summary>An evaluation without violations.</summary>
    public static RuleEvaluation Clean { get; } = new([]);

    internal RuleEvaluation(IReadOnlyList<RuleViolation> violations)
    {
        Violations = violations;
        foreach (var violation in violations)
        {
            if (violation.Severity == RuleSeverity.Blocking)
            {
                HasBlocking = true;
                break;
            }
        }
    }

    /// <summary>The violations, warnings and blocking ones, by rule sequence then id.</summary>
    public IReadOnlyList<RuleViolation> Violations { get; }

    /// <summary>Whether some violation blocks the action.</summary>
    public bool HasBlocking { get; }

    /// <summary>Whether no rule was broken.</summary>
    public bool IsClean => Violations.Count == 0;

    /// <summary>The blocking violations, in order.</summary>
    public IReadOnlyList<RuleViolation> Blocking => Where(RuleSeverity.Blocking);

    /// <summary>The warnings, in order.</summary>
    public IReadOnlyList<RuleViolation> Warnings => Where(RuleSeverity.Warning);

    private List<RuleViolation> Where(RuleSeverity severity)
    {
        var list = new List<RuleViolation>();
        foreach (var violation in Violations)
        {
            if (violation.Severity == severity)
            {
                list.Add(violation);
            }
        }

        return list;
    }

    /// <inheritdoc />
    public override string ToString() => IsClean ? "no violations" : string.Join("; ", (IEnumerable<RuleViolation>)Violations);
}
