using System;
using System.Collections.Generic;

namespace ServerTools;

/// <summary>
/// What the engine knows of one rule: its id, the entity type it checks, severity, sequence, message and other metadata,
/// and whether it is a code rule (<see cref="RuleType"/>) or a data rule (<see cref="Expression"/>).
/// </summary>
public sealed class ExceptionRuleInfo
{
    /// <summary>The sequence of a rule that does not give one.</summary>
    public const int DefaultSequence = 10;

    private static readonly string[] s_none = [];

    /// <summary>Describes a rule. Code rules are described by the generated registry; data rules by their definition.</summary>
    /// <exception cref="ArgumentException">The id is empty or blank, or a tag or rule set is empty or blank.</exception>
    public ExceptionRuleInfo(
        string id,
        Type entityType,
        RuleSeverity severity = RuleSeverity.Warning,
        int sequence = DefaultSequence,
        string? message = null,
        string? name = null,
        string? description = null,
        IReadOnlyList<string>? tags = null,
        IReadOnlyList<string>? ruleSets = null,
        Type? ruleType = null,
        string? expression = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(entityType);
        if (!Enum.IsDefined(severity))
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, $"Rule '{id}': the severity must be RuleSeverity.Warning or RuleSeverity.Blocking.");
        }

        Id = id;
        EntityType = entityType;
        Severity = severity;
        Sequence = sequence;
        Message = string.IsNullOrWhiteSpace(message) ? null : message;
        Name = string.IsNullOrWhiteSpace(name) ? id : name;
        Description = string.IsNullOrWhiteSpace(description) ? null : description;
        Tags = Checked(tags, id, "tag");
        RuleSets = Checked(ruleSets, id, "rule set");
        RuleType = ruleType;
        Expression = expression;
    }

    /// <summary>The rule's stable id, unique among all rules.</summary>
    public string Id { get; }

    /// <summary>The type the rule checks: an entity type, a base type of entities or an interface they implement.</summary>
    public Type EntityType { get; }

    /// <summary>Whether a violation warns or blocks.</summary>
    public RuleSeverity Severity { get; }

    /// <summary>The rule's place in the evaluation order: lower first, then by id (ordinal).</summary>
    public int Sequence { get; }

    /// <summary>The text a user sees when the rule is broken, if the rule has one.</summary>
    public string? Message { get; }

    /// <summary>A short human name: the one given, or the id.</summary>
    public string Name { get; }

    /// <summary>What the rule checks and why.</summary>
    public string? Description { get; }

    /// <summary>Free labels.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The rule sets that check this rule; empty when every evaluation checks it.</summary>
    public IReadOnlyList<string> RuleSets { get; }

    /// <summary>The class of a code rule; <see langword="null"/> for a data rule.</summary>
    public Type? RuleType { get; }

    /// <summary>The C# expression of a data rule; <see langword="null"/> for a code rule.</summary>
    public string? Expression { get; }

    /// <summary>Whether this is a data rule (an expression stored in <see cref="ExceptionRuleDefinition"/>).</summary>
    public bool IsDataRule => Expression is not null;

    /// <summary>
    /// Whether an evaluation of <paramref name="ruleSet"/> checks this rule: always when <paramref name="ruleSet"/> is
    /// <see langword="null"/> (all rules) or the rule has no set; otherwise when the rule lists the set (ordinal).
    /// </summary>
    public bool IsIn(string? ruleSet)
    {
        if (ruleSet is null || RuleSets.Count == 0)
        {
            return true;
        }

        foreach (var set in RuleSets)
        {
            if (string.Equals(set, ruleSet, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text of a violation of this rule: its message, or a sentence naming it.</summary>
    internal string ViolationMessage => Message ?? $"The rule '{Name}' is broken.";

    /// <summary>Orders rules as the engine runs them: by sequence, then by id (ordinal).</summary>
    internal static int Compare(ExceptionRuleInfo x, ExceptionRuleInfo y)
    {
        var bySequence = x.Sequence.CompareTo(y.Sequence);
        return bySequence != 0 ? bySequence : string.CompareOrdinal(x.Id, y.Id);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Severity}, sequence {Sequence}) on {EntityType.Name}";

    private static string[] Checked(IReadOnlyList<string>? values, string id, string what)
    {
        if (values is null || values.Count == 0)
        {
            return s_none;
        }

        var copy = new string[values.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                throw new ArgumentException($"Rule '{id}': a {what} is empty; give each {what} a name, such as \"confirm\".", what == "tag" ? "tags" : "ruleSets");
            }

            copy[i] = values[i];
        }

        return copy;
    }
}
