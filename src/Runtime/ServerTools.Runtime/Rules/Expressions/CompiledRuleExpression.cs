using System;
using System.Linq.Expressions;

namespace ServerTools.Rules;

/// <summary>
/// A data rule expression checked and compiled for one entity type: the lambda EF Core translates to SQL and the
/// delegate that evaluates an entity in memory with the same answer. Immutable and safe to share between threads.
/// </summary>
internal sealed class CompiledRuleExpression
{
    internal CompiledRuleExpression(string text, string parameterName, LambdaExpression expression, LambdaExpression memory, Func<object, bool> evaluate)
    {
        Text = text;
        ParameterName = parameterName;
        Expression = expression;
        Memory = memory;
        Evaluate = evaluate;
    }

    /// <summary>The expression's text, as written.</summary>
    public string Text { get; }

    /// <summary>The name the expression uses for the entity, such as <c>order</c>.</summary>
    public string ParameterName { get; }

    /// <summary>A <c>Func&lt;entityType, bool&gt;</c> lambda of plain member access: the form EF Core translates to SQL.</summary>
    public LambdaExpression Expression { get; }

    /// <summary>
    /// The in-memory form as a <c>Func&lt;entityType, bool&gt;</c> lambda, which <see cref="Evaluate"/> runs: the data
    /// rules of an entity type are compiled together from these (<c>DataRuleGroup</c>).
    /// </summary>
    public LambdaExpression Memory { get; }

    /// <summary>
    /// The in-memory form, compiled. Its argument is an instance of the entity type (or a derived type). It reads a null
    /// navigation as null where SQL would, and throws only <see cref="ArithmeticException"/>s (division by zero,
    /// overflow) where PostgreSQL raises an error.
    /// </summary>
    public Func<object, bool> Evaluate { get; }
}
