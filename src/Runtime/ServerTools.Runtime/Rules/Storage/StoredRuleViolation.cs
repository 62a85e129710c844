using System;

namespace ServerTools;

/// <summary>
/// A violation that an entity currently has, as stored by <c>CheckRulesAsync</c> in ServerTools'
/// <c>servertools_rule_violations</c> table: which rule, how severe, its message, since when, and whether (and by whom)
/// a warning was ignored. Read them with <c>db.RuleViolationsOf(entity)</c> or <c>db.Set&lt;StoredRuleViolation&gt;()</c>.
/// </summary>
public sealed class StoredRuleViolation
{
    /// <summary>The row's id.</summary>
    public long Id { get; set; }

    /// <summary>The entity's type, by its EF Core name.</summary>
    public string EntityType { get; set; } = "";

    /// <summary>The entity's key as text (composite keys joined as in the audit trail).</summary>
    public string EntityKey { get; set; } = "";

    /// <summary>The broken rule's id.</summary>
    public string RuleId { get; set; } = "";

    /// <summary>
    /// The violation's severity. A row whose column holds neither <c>'Warning'</c> nor <c>'Blocking'</c> (written by SQL)
    /// reads as no member of <see cref="RuleSeverity"/> (<c>(RuleSeverity)(-1)</c>; <c>Enum.IsDefined</c> is false): it is
    /// neither a warning that may be ignored nor known to be blocking, and the table keeps its text. SaveChanges refuses to
    /// write such a value; the entity's next <c>CheckRulesAsync</c> writes the current severity, or removes the row.
    /// </summary>
    public RuleSeverity Severity { get; set; }

    /// <summary>The message the user sees.</summary>
    public string Message { get; set; } = "";

    /// <summary>Whether the rule failed (threw, or could not run) rather than reported a violation.</summary>
    public bool Failed { get; set; }

    /// <summary>When the violation was first found (UTC); it keeps this time while it stands.</summary>
    public DateTimeOffset DetectedAt { get; set; }

    /// <summary>When the last check that found it ran (UTC).</summary>
    public DateTimeOffset CheckedAt { get; set; }

    /// <summary>When a user ignored the warning, if one did.</summary>
    public DateTimeOffset? IgnoredAt { get; set; }

    /// <summary>The id of the user who ignored the warning.</summary>
    public string? IgnoredByUserId { get; set; }

    /// <summary>The name of the user who ignored the warning.</summary>
    public string? IgnoredByUserName { get; set; }

    /// <summary>Whether the violation is a warning that a user ignored.</summary>
    public bool IsIgnored => IgnoredAt is not null;
}
