using System;

namespace ServerTools;

/// <summary>One broken rule (or one rule that failed) for one entity.</summary>
public sealed class RuleViolation
{
    internal RuleViolation(ExceptionRuleInfo rule, RuleSeverity severity, string message, Exception? exception)
    {
        Rule = rule;
        Severity = severity;
        Message = message;
        Exception = exception;
    }

    /// <summary>The rule.</summary>
    public ExceptionRuleInfo Rule { get; }

    /// <summary>The rule's id.</summary>
    public string RuleId => Rule.Id;

    /// <summary>
    /// The rule's severity; for a rule that failed, <see cref="RuleOptions.FailureSeverity"/> (blocking by default).
    /// </summary>
    public RuleSeverity Severity { get; }

    /// <summary>The rule's message; for a rule that failed, a sentence naming the rule and the exception's type.</summary>
    public string Message { get; }

    /// <summary>What the rule threw, when it failed rather than reported a violation.</summary>
    public Exception? Exception { get; }

    /// <summary>Whether the rule threw instead of answering.</summary>
    public bool IsFailure => Exception is not null;

    /// <inheritdoc />
    public override string ToString() => $"{RuleId} ({Severity}): {Message}";
}
