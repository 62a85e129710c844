using System;
using Microsoft.EntityFrameworkCore;

namespace ServerTools;

/// <summary>Settings of the business rule engine, given to <c>AddServerTools</c>.</summary>
public sealed class RuleOptions
{
    private TimeSpan _dataRuleRefreshInterval = TimeSpan.FromSeconds(30);
    private int _maxEntitiesLoadedPerCheck = 10_000;

    /// <summary>
    /// The severity of a violation reported for a rule that threw. Default: <see cref="RuleSeverity.Blocking"/>, so a
    /// broken rule stops the action rather than letting it through unchecked.
    /// </summary>
    public RuleSeverity FailureSeverity { get; set; } = RuleSeverity.Blocking;

    /// <summary>
    /// How long the engine uses the data rules it read before it reads the table again, to see edits made by other
    /// processes. Edits saved through a ServerTools context of this process are seen at once. Default: 30 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is negative.</exception>
    public TimeSpan DataRuleRefreshInterval
    {
        get => _dataRuleRefreshInterval;
        set => _dataRuleRefreshInterval = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The refresh interval of data rules cannot be negative; use TimeSpan.Zero to read the table at every evaluation.");
    }

    /// <summary>
    /// How many entities one <c>CheckRulesAsync</c> or <c>IgnoreRuleWarningsAsync</c> may load to run the data rules (what
    /// their navigations bring into the context: an entity it tracked before the check does not count when a query returns
    /// it again, each one counts once, and an owned one comes with its owner). A check that would load more fails with an
    /// <see cref="InvalidOperationException"/> that names the rules and the limit, and stores nothing: a rule that reads a
    /// large collection (all the orders of a partner, and their lines) is then better checked in SQL
    /// (<c>EntitiesViolatingRule</c>). Whoever edits data rules cannot change it. Default: 10,000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxEntitiesLoadedPerCheck
    {
        get => _maxEntitiesLoadedPerCheck;
        set => _maxEntitiesLoadedPerCheck = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "A check must be allowed to load at least 1 entity; use int.MaxValue for no limit.");
    }

    /// <summary>The context type whose <see cref="ExceptionRuleDefinition"/> table holds the data rules, if any.</summary>
    internal Type? DataRuleContextType { get; private set; }

    /// <summary>
    /// Makes the engine run the data rules stored in the <see cref="ExceptionRuleDefinition"/> table of
    /// <typeparamref name="TContext"/> (which must use <c>UseServerTools()</c> and be registered in the application's services, as <c>AddDbContext</c> does),
    /// besides the code rules. Without it the engine runs no data rules: a context created by the application's services
    /// then refuses to save an active definition, and <c>CheckRulesAsync</c> refuses a context whose table holds some.
    /// </summary>
    public RuleOptions UseDataRules<TContext>()
        where TContext : DbContext
    {
        DataRuleContextType = typeof(TContext);
        Rules.Storage.StoredViolationWrites.NoteRulesInUse();
        return this;
    }
}
