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
    /// around the whole chain: when a rule throws, it is reported as failed (<see cref="RuleRun.Failed"/>) and the rules
    /// after it run through <see cref="Evaluate"/> (<see cref="RuleRun.ResumeAfter"/>). Each rule runs once.
    /// </summary>
    public abstract void EvaluateAll(object entity, ref RuleRun run);
}
