using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace ServerTools.Rules;

/// <summary>
/// The code rules of one assembly for one entity type, generated from its
/// <see cref="ExceptionRuleAttribute">[ExceptionRule]</see> classes and registered with
/// <see cref="ExceptionRuleRegistry.Register"/> when the assembly loads. Not for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class CodeRuleSet
{
    /// <summary>Takes the rules' metadata, in the order <c>Evaluate</c> checks them (sequence, then id).</summary>
    protected CodeRuleSet(ExceptionRuleInfo[] rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        RuleArray = rules;
    }

    /// <summary>The rules, in evaluation order; the index of a rule here is the one <see cref="RuleRun"/> is given.</summary>
    public IReadOnlyList<ExceptionRuleInfo> Rules => RuleArray;

    internal ExceptionRuleInfo[] RuleArray { get; }

    /// <summary>The type the rules check.</summary>
    public abstract Type EntityType { get; }

    /// <summary>Creates one instance of every rule, in order, taking constructor arguments from <paramref name="services"/>.</summary>
    public abstract object[] CreateRules(IServiceProvider services);

    /// <summary>Whether <paramref name="entity"/> is of the type the rules check (a type test, no reflection).</summary>
    internal abstract bool Accepts(object entity);

    /// <summary>Runs the rules (<paramref name="rules"/> from <see cref="CreateRules"/>) on <paramref name="entity"/>, which <see cref="Accepts"/>.</summary>
    internal abstract void Run(object entity, object[] rules, ref RuleRun run);

    /// <summary>As <see cref="Run"/>, when every rule of the set is active (no rule-set mask).</summary>
    internal abstract void RunAll(object entity, object[] rules, ref RuleRun run);
}

/// <summary>The code rules of one assembly for entities of type <typeparamref name="T"/>. Not for direct use.</summary>
/// <typeparam name="T">The type the rules check.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class CodeRuleSet<T> : CodeRuleSet
    where T : class
{
    /// <inheritdoc />
    protected CodeRuleSet(ExceptionRuleInfo[] rules)
        : base(rules)
    {
    }

    /// <inheritdoc />
    public sealed override Type EntityType => typeof(T);

    /// <summary>
    /// Checks each rule that <paramref name="run"/> says is active, in order: calls its <c>Applies</c> directly on the
    /// rule's class and reports <see cref="RuleRun.Violated"/>, or <see cref="RuleRun.Failed"/> when it throws.
    /// </summary>
    public abstract void Evaluate(T entity, object[] rules, ref RuleRun run);

    /// <summary>
    /// Checks every rule, in order, as <see cref="Evaluate"/> does when all of them are active, but with one handler
    /// around the whole chain: when a rule throws, the violations this call added are discarded (<see cref="RuleRun.Rewind"/>)
    /// and the set runs again through <see cref="Evaluate"/>, which reports the failure of that rule.
    /// </summary>
    public virtual void EvaluateAll(T entity, object[] rules, ref RuleRun run) => Evaluate(entity, rules, ref run);

    internal sealed override bool Accepts(object entity) => entity is T;

    internal sealed override void Run(object entity, object[] rules, ref RuleRun run) => Evaluate((T)entity, rules, ref run);

    internal sealed override void RunAll(object entity, object[] rules, ref RuleRun run) => EvaluateAll((T)entity, rules, ref run);
}
