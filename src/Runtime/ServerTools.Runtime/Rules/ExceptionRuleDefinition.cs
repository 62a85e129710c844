using System.Collections.Generic;

namespace ServerTools;

/// <summary>
/// A data rule: a business exception rule stored in ServerTools' <c>ExceptionRuleDefinitions</c> table and edited at
/// run time, without a deploy. Its <see cref="Expression"/> is a C# expression over the entity, checked against an
/// allow-list and compiled by <see cref="RuleExpression"/>; the engine runs it like a code rule, and
/// <c>EntitiesViolatingRule</c> runs it in SQL.
/// </summary>
public sealed class ExceptionRuleDefinition
{
    /// <summary>The rule's stable id, unique among all rules (code and data), such as <c>sale.big_order</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>
    /// The entity type the rule checks, by its EF Core name (the full CLR name, such as <c>Shop.Model.SaleOrder</c>) or
    /// its class name while no other entity type has that class name. A stored rule whose entity type no longer resolves
    /// fails on the entities of every type it could mean.
    /// </summary>
    public string EntityType { get; set; } = "";

    /// <summary>The C# expression that is true when the rule is broken, such as <c>order.Discount &gt; 0.3m &amp;&amp; order.Customer.Country == "FR"</c>.</summary>
    public string Expression { get; set; } = "";

    /// <summary>Whether a violation warns or blocks.</summary>
    public RuleSeverity Severity { get; set; }

    /// <summary>The rule's place in the evaluation order: lower first, then by id.</summary>
    public int Sequence { get; set; } = ExceptionRuleInfo.DefaultSequence;

    /// <summary>The text a user sees when the rule is broken.</summary>
    public string? Message { get; set; }

    /// <summary>A short human name.</summary>
    public string? Name { get; set; }

    /// <summary>What the rule checks and why.</summary>
    public string? Description { get; set; }

    /// <summary>The rule sets that check this rule; empty when every evaluation checks it.</summary>
    public List<string> RuleSets { get; set; } = [];

    /// <summary>Free labels.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>Whether the engine runs the rule. Inactive rules are kept, not run.</summary>
    public bool Active { get; set; } = true;

    /// <summary>
    /// The row's version: PostgreSQL's <c>xmin</c> system column, which changes whenever the row is written (by SQL too),
    /// so the table needs no column for it. It is a concurrency token: saving an edit or a delete of a definition that
    /// was written since it was read throws <c>DbUpdateConcurrencyException</c> instead of overwriting the other edit.
    /// An editing screen that reads and saves in different contexts carries it from the form, as the original value:
    /// <c>db.Entry(definition).Property(d =&gt; d.Version).OriginalValue = versionFromTheForm</c>.
    /// </summary>
    public uint Version { get; set; }
}
