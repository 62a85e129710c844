using System.ComponentModel;

namespace ServerTools.Rules;

/// <summary>
/// The instances of the rules of one <see cref="CodeRuleSet"/>, created for one DI scope by
/// <see cref="CodeRuleSet.CreateRules"/>. The generated class holds each rule in a field of the rule's own type and
/// calls its <c>Applies</c> directly: no array, no cast per rule, no delegate. Not for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class CodeRules
{
    /// <summary>
    /// Checks each rule that <paramref name="run"/> says is active on <paramref name="entity"/> (of the set's entity
    /// type), in order, and reports <see cref="RuleRun.Violated"/>, or <see cref="RuleRun.Failed"/> when a rule throws.
    /// </summary>
    public abstract void Evaluate(object entity, ref RuleRun run);

    /// <summary>
    /// Checks every rule, in order, as <see cref="Evaluate"/> does when all of them are active, but with one handler
    /// around the whole chain: when a rule throws, the violations this call added are discarded (<see cref="RuleRun.Rewind"/>)
    /// and the set runs again through <see cref="Evaluate"/>, which reports the failure of that rule.
    /// </summary>
    public abstract void EvaluateAll(object entity, ref RuleRun run);
}
