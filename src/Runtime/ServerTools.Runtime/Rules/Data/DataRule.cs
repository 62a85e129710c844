using System;

namespace ServerTools.Rules.Data;

/// <summary>
/// One data rule ready to run: its metadata, the CLR type it checks and its compiled expression, or the error that
/// keeps it from running (an expression the allow-list rejects, an id taken by a code rule). A rule that cannot run
/// is reported as failed on every entity it would check, never skipped in silence.
/// </summary>
internal sealed class DataRule(ExceptionRuleInfo info, Type entityType, CompiledRuleExpression? expression, Exception? error)
{
    private readonly Func<object, bool>? _evaluate = expression?.Evaluate;

    public ExceptionRuleInfo Info { get; } = info;

    /// <summary>The CLR type of the entity type the rule names.</summary>
    public Type EntityType { get; } = entityType;

    /// <summary>The compiled expression, or <see langword="null"/> when <see cref="Error"/> says why not.</summary>
    public CompiledRuleExpression? Expression { get; } = expression;

    public Exception? Error { get; } = error;

    public void Run(object entity, int index, ref RuleRun run)
    {
        if (_evaluate is null)
        {
            run.Failed(index, Error!);
            return;
        }

        try
        {
            if (_evaluate(entity))
            {
                run.Violated(index);
            }
        }
        catch (Exception exception)
        {
            run.Failed(index, exception);
        }
    }
}
