using System.Collections.Generic;
using System.Linq;

namespace ServerTools;

/// <summary>
/// The answer of <c>CheckRulesAsync</c>: the evaluation and the entity's stored violations after it, with the warnings
/// that nobody has ignored yet.
/// </summary>
public sealed class RuleCheck
{
    internal RuleCheck(RuleEvaluation evaluation, IReadOnlyList<StoredRuleViolation> stored)
    {
        Evaluation = evaluation;
        Stored = stored;
        PendingWarnings = stored.Where(static v => v.Severity == RuleSeverity.Warning && !v.IsIgnored).ToList();
    }

    /// <summary>The engine's evaluation.</summary>
    public RuleEvaluation Evaluation { get; }

    /// <summary>The entity's stored violations of the rules checked, as they will be saved.</summary>
    public IReadOnlyList<StoredRuleViolation> Stored { get; }

    /// <summary>Whether a blocking rule is broken: the action must stop.</summary>
    public bool HasBlocking => Evaluation.HasBlocking;

    /// <summary>The warnings nobody has ignored: show them, and let the user ignore them with <c>IgnoreRuleWarningsAsync</c>.</summary>
    public IReadOnlyList<StoredRuleViolation> PendingWarnings { get; }

    /// <summary>Whether the action may go on: nothing blocks and every warning was ignored.</summary>
    public bool CanProceed => !HasBlocking && PendingWarnings.Count == 0;
}
