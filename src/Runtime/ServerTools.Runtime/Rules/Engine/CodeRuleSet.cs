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
    /// <summary>Takes the rules' metadata, in the order the rules are checked (sequence, then id).</summary>
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
    public abstract CodeRules CreateRules(IServiceProvider services);
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
}
