using System;

namespace ServerTools.Rules.Data;

/// <summary>
/// One data rule ready to run: its metadata, the CLR type it checks and its compiled expression, or the error that
/// keeps it from running (an expression the allow-list rejects, an id taken by a code rule, an entity type the model
/// does not have or has twice). A rule that cannot run is reported as failed on every entity it would check, never
/// skipped in silence.
/// </summary>
/// <param name="info">The rule's metadata.</param>
/// <param name="entityType">The CLR type of the entity type the rule names.</param>
/// <param name="expression">The compiled expression, or <see langword="null"/> when <paramref name="error"/> says why not.</param>
/// <param name="error">What keeps the rule from running, if anything.</param>
/// <param name="targets">
/// The types whose entities the rule checks, when they are not just <paramref name="entityType"/>: those a rule whose
/// entity type does not resolve could have meant, so that it fails on their entities.
/// </param>
internal sealed class DataRule(ExceptionRuleInfo info, Type entityType, CompiledRuleExpression? expression, Exception? error, Type[]? targets = null)
{
    private readonly Func<object, bool>? _evaluate = expression?.Evaluate;

    private readonly Type[] _targets = targets ?? [entityType];

    public ExceptionRuleInfo Info { get; } = info;

    /// <summary>The CLR type of the entity type the rule names.</summary>
    public Type EntityType { get; } = entityType;

    /// <summary>Whether the rule checks entities of <paramref name="type"/> (or of a type derived from it).</summary>
    public bool Checks(Type type)
    {
        foreach (var target in _targets)
        {
            if (target.IsAssignableFrom(type))
            {
                return true;
            }
        }

        return false;
    }

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
