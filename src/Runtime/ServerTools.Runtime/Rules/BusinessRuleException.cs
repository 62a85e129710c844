using System;
using System.Collections.Generic;
using System.Linq;

namespace ServerTools;

/// <summary>
/// Thrown by <see cref="IExceptionRuleEngine.Enforce{T}"/> when blocking rules are broken (or failed), and when warnings
/// are to be ignored while a blocking violation stands. <see cref="Violations"/> lists the blocking ones.
/// </summary>
public sealed class BusinessRuleException : Exception
{
    /// <summary>Creates the exception for <paramref name="violations"/> (the blocking ones).</summary>
    public BusinessRuleException(IReadOnlyList<RuleViolation> violations)
        : this(Describe(violations), violations)
    {
    }

    /// <summary>Creates the exception with its own message.</summary>
    public BusinessRuleException(string message, IReadOnlyList<RuleViolation> violations)
        : base(message, FirstFailure(violations))
    {
        Violations = violations;
    }

    /// <summary>The blocking violations, in rule sequence order.</summary>
    public IReadOnlyList<RuleViolation> Violations { get; }

    internal static string Describe(IReadOnlyList<RuleViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var lines = violations.Select(static v => $"{v.RuleId}: {v.Message}");
        return violations.Count == 1
            ? $"A blocking business rule is broken: {string.Join("", lines)}"
            : $"{violations.Count} blocking business rules are broken: {string.Join("; ", lines)}";
    }

    private static Exception? FirstFailure(IReadOnlyList<RuleViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        return violations.FirstOrDefault(static v => v.IsFailure)?.Exception;
    }
}
