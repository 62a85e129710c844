using System;
using System.Collections.Generic;

namespace ServerTools;

/// <summary>
/// Runs the business exception rules of an entity: the code rules (<see cref="ExceptionRuleAttribute">[ExceptionRule]</see>
/// classes, registered at compile time) and, with <see cref="RuleOptions.UseDataRules{TContext}"/>, the data rules
/// (<see cref="ExceptionRuleDefinition"/> rows), those of the entity's type, of its base types and of the interfaces it
/// implements. Registered by <c>AddServerTools()</c> as a scoped service, so rules may depend on scoped services.
/// </summary>
public interface IExceptionRuleEngine
{
    /// <summary>
    /// Checks <paramref name="entity"/> against every rule of <paramref name="ruleSet"/> (all rules when it is
    /// <see langword="null"/>) and returns every violation, warnings and blocking, by rule sequence then id. A rule
    /// that throws is reported as a violation carrying the exception (blocking by default, see
    /// <see cref="RuleOptions.FailureSeverity"/>).
    /// </summary>
    RuleEvaluation Evaluate<T>(T entity, string? ruleSet = null)
        where T : class;

    /// <summary>
    /// Evaluates like <see cref="Evaluate{T}"/> and throws <see cref="BusinessRuleException"/> listing the blocking
    /// violations when there are any; otherwise returns the evaluation (its warnings).
    /// </summary>
    /// <exception cref="BusinessRuleException">A blocking rule is broken or failed.</exception>
    RuleEvaluation Enforce<T>(T entity, string? ruleSet = null)
        where T : class;

    /// <summary>The rules that <see cref="Evaluate{T}"/> runs for an entity of <paramref name="entityType"/> and <paramref name="ruleSet"/>, in order.</summary>
    IReadOnlyList<ExceptionRuleInfo> RulesFor(Type entityType, string? ruleSet = null);
}
