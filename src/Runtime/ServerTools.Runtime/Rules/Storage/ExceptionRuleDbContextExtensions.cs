using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using ServerTools.Auditing;
using ServerTools.Infrastructure;
using ServerTools.Rules;
using ServerTools.Rules.Data;

namespace ServerTools;

/// <summary>
/// Business exception rules and the database: the violations an entity currently has (checked, stored, ignored), and
/// the data rules run as SQL queries over a whole table.
/// </summary>
public static class ExceptionRuleDbContextExtensions
{
    /// <summary>
    /// Evaluates <paramref name="entity"/> with <paramref name="engine"/>, after loading in <paramref name="context"/> the
    /// navigations its data rules read and the context did not load, and brings its stored violations up to date in
    /// <paramref name="context"/>: new violations are added, those of the rules checked that no longer hold are removed,
    /// and so are those of rules that no longer exist for the entity (a data rule deleted or set inactive, a code rule
    /// removed), whatever the rule set; those that stand keep their detection time and, while they stay warnings, their
    /// ignore mark. Nothing is saved: the rows are written by the caller's next <c>SaveChanges</c>, in the transaction of
    /// the change.
    /// </summary>
    /// <returns>The evaluation and the stored violations, with the warnings still to be ignored.</returns>
    /// <exception cref="InvalidOperationException">
    /// The entity's key is not known yet (the database generates it): save the entity first. Or the engine runs no data
    /// rules (no <see cref="RuleOptions.UseDataRules{TContext}"/>) while the context's table holds active ones. Or loading
    /// what the data rules read would load more than <see cref="RuleOptions.MaxEntitiesLoadedPerCheck"/> entities (the
    /// message names the rules): nothing is stored.
    /// </exception>
    public static async Task<RuleCheck> CheckRulesAsync<T>(
        this DbContext context, IExceptionRuleEngine engine, T entity, string? ruleSet = null, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(entity);
        Rules.Storage.StoredViolationWrites.NoteRulesInUse();
        var identity = Identify(context, entity);
        var evaluation = await EfRuleNavigations.EvaluateAsync(context, engine, entity, ruleSet, cancellationToken).ConfigureAwait(false);
        return await StoreAsync(context, engine, entity, identity, ruleSet, evaluation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates <paramref name="entity"/> with <paramref name="engine"/> as <see cref="CheckRulesAsync{T}"/> does, after
    /// loading in <paramref name="context"/> the navigations its data rules read and the context did not load, and stores
    /// nothing: for an entity that has no key yet, such as a new order checked before it is saved
    /// (<c>context.Add(order)</c>, then this, then <c>SaveChanges</c> when nothing blocks). A navigation still not loaded
    /// (an entity the context does not track) fails its rule, as with <see cref="IExceptionRuleEngine.Evaluate{T}"/>.
    /// </summary>
    /// <returns>The evaluation: <see cref="RuleEvaluation.HasBlocking"/> says whether the change may go on.</returns>
    /// <exception cref="InvalidOperationException">
    /// The engine runs no data rules while the context's table holds active ones, or loading what the data rules read
    /// would load more than <see cref="RuleOptions.MaxEntitiesLoadedPerCheck"/> entities (the message names the rules).
    /// </exception>
    public static Task<RuleEvaluation> EvaluateRulesAsync<T>(
        this DbContext context, IExceptionRuleEngine engine, T entity, string? ruleSet = null, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(entity);
        return EfRuleNavigations.EvaluateAsync(context, engine, entity, ruleSet, cancellationToken);
    }

    private static async Task<RuleCheck> StoreAsync<T>(
        DbContext context, IExceptionRuleEngine engine, T entity, (string EntityType, string Key) identity, string? ruleSet, RuleEvaluation evaluation, CancellationToken cancellationToken)
        where T : class
    {
        var (entityType, key) = identity;

        var now = Now(context);
        var byRule = await StoredRowsAsync(context, entity, entityType, key, cancellationToken).ConfigureAwait(false);
        var current = new List<StoredRuleViolation>(evaluation.Violations.Count);
        foreach (var violation in evaluation.Violations)
        {
            if (byRule.Remove(violation.RuleId, out var row))
            {
                var entry = context.Entry(row);
                if (entry.State == EntityState.Deleted)
                {
                    // Removed by an earlier check of this context (the entity was fixed, then broken again before a save):
                    // the violation stands, so the stored row stays, with its detection time and ignore mark.
                    entry.State = EntityState.Unchanged;
                }

                if (violation.Severity == RuleSeverity.Blocking)
                {
                    // A warning that became blocking (or a rule that now fails) cannot stay ignored.
                    row.IgnoredAt = null;
                    row.IgnoredByUserId = null;
                    row.IgnoredByUserName = null;
                }

                row.Severity = violation.Severity;
                row.Message = violation.Message;
                row.Failed = violation.IsFailure;
                row.CheckedAt = now;
                entry.DetectChanges();
            }
            else
            {
                row = new StoredRuleViolation
                {
                    EntityType = entityType,
                    EntityKey = key,
                    RuleId = violation.RuleId,
                    Severity = violation.Severity,
                    Message = violation.Message,
                    Failed = violation.IsFailure,
                    DetectedAt = now,
                    CheckedAt = now,
                };
                context.Add(row);
            }

            current.Add(row);
        }

        foreach (var resolved in await NotStandingAsync(context, engine, entity.GetType(), ruleSet, byRule.Values, cancellationToken).ConfigureAwait(false))
        {
            context.Remove(resolved);
        }

        return new RuleCheck(evaluation, current);
    }

    /// <summary>
    /// The entity's stored violations by rule, as this context has them: the rows in the table (the instances the context
    /// tracks, in whatever state, when it has loaded them) and the rows it tracks that are not saved yet (added by an
    /// earlier check) or were removed by one (deleted, until the save). An entity that is not saved yet has no rows in the
    /// table: the rows of a deleted entity whose key it reuses are not its own (SaveChanges deletes them when it inserts the
    /// entity), so they are not read. A row the context tracks for a rule the table has another row of is no longer tracked.
    /// </summary>
    private static async Task<Dictionary<string, StoredRuleViolation>> StoredRowsAsync<T>(
        DbContext context, T entity, string entityType, string key, CancellationToken cancellationToken)
        where T : class
    {
        var isNew = context.Entry(entity).State == EntityState.Added;
        var stored = isNew
            ? []
            : await ServerToolsTables.Rows<StoredRuleViolation>(context)
                .Where(v => v.EntityType == entityType && v.EntityKey == key)
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false);

        var byRule = new Dictionary<string, StoredRuleViolation>(StringComparer.Ordinal);
        foreach (var row in stored)
        {
            byRule[row.RuleId] = row;
        }

        var tracker = context.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        List<EntityEntry<StoredRuleViolation>>? superseded = null;
        try
        {
            foreach (var entry in tracker.Entries<StoredRuleViolation>())
            {
                var row = entry.Entity;
                if (row.EntityType != entityType || row.EntityKey != key || (isNew && entry.State != EntityState.Added))
                {
                    continue;
                }

                if (!byRule.TryGetValue(row.RuleId, out var kept))
                {
                    byRule[row.RuleId] = row;
                }
                else if (!ReferenceEquals(kept, row))
                {
                    // A second row of the rule: the table has it (another context saved it since this one added its own,
                    // or this one tracks a row the table no longer has), and the table's row is the one to keep.
                    (superseded ??= []).Add(entry);
                }
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }

        foreach (var entry in superseded ?? [])
        {
            entry.State = EntityState.Detached;
        }

        return byRule;
    }

    /// <summary>
    /// Of the stored violations that the evaluation did not find, those that no longer stand: every one after a check
    /// of all rules; after a check of a rule set, those of its rules (they hold now), of the application's code rules that
    /// no longer check the entity's type, and of data rules stored inactive. The violations of another rule set's rules
    /// stay, and so do those of a rule this engine does not know: a data rule it has not read yet (saved by another
    /// process within the refresh interval), another application's code rule, or one deleted; a check of all rules
    /// removes those (and <see cref="RuleViolationsOf{T}"/> leaves them out meanwhile).
    /// </summary>
    private static async Task<List<StoredRuleViolation>> NotStandingAsync(
        DbContext context, IExceptionRuleEngine engine, Type type, string? ruleSet, IEnumerable<StoredRuleViolation> resolved, CancellationToken cancellationToken)
    {
        if (ruleSet is null)
        {
            return [.. resolved];
        }

        // The rules of the evaluation: of the context's database when the engine is ServerTools' own (EvaluateIn).
        var rules = engine as ExceptionRuleEngine;
        var checkedRules = (rules?.RulesIn(context, type, ruleSet) ?? engine.RulesFor(type, ruleSet)).Select(static rule => rule.Id).ToHashSet(StringComparer.Ordinal);
        var otherSets = (rules?.RulesIn(context, type) ?? engine.RulesFor(type)).Select(static rule => rule.Id).ToHashSet(StringComparer.Ordinal);
        var codeRules = ExceptionRuleRegistry.Rules.Select(static rule => rule.Id).ToHashSet(StringComparer.Ordinal);
        var removed = new List<StoredRuleViolation>();
        var unknown = new List<StoredRuleViolation>();
        foreach (var violation in resolved)
        {
            if (checkedRules.Contains(violation.RuleId) || (!otherSets.Contains(violation.RuleId) && codeRules.Contains(violation.RuleId)))
            {
                removed.Add(violation);
            }
            else if (!otherSets.Contains(violation.RuleId))
            {
                unknown.Add(violation);
            }
        }

        if (unknown.Count > 0 && context.Model.FindEntityType(typeof(ExceptionRuleDefinition)) is not null)
        {
            var ids = unknown.Select(static v => v.RuleId).ToList();
            var inactive = await ServerToolsTables.Rows<ExceptionRuleDefinition>(context)
                .Where(d => ids.Contains(d.Id) && !d.Active)
                .Select(static d => d.Id)
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false);
            removed.AddRange(unknown.Where(v => inactive.Contains(v.RuleId, StringComparer.Ordinal)));
        }

        return removed;
    }

    /// <summary>
    /// Records that a user ignores the warnings of <paramref name="entity"/> (all of them, or those of
    /// <paramref name="ruleIds"/>): checks the entity again (as <see cref="CheckRulesAsync{T}"/>) and marks its warnings
    /// ignored, with who and when. Refused while a blocking rule is broken. Nothing is saved: the caller's next
    /// <c>SaveChanges</c> writes the marks.
    /// </summary>
    /// <param name="context">The context the violations are stored with.</param>
    /// <param name="engine">The rule engine.</param>
    /// <param name="entity">The entity.</param>
    /// <param name="ruleSet">The rule set of the action, as given to <see cref="CheckRulesAsync{T}"/>.</param>
    /// <param name="ruleIds">The rules whose warnings are ignored; all current warnings when <see langword="null"/>.</param>
    /// <param name="actor">Who ignores them; by default the ambient <see cref="AuditActor"/> or the application's <see cref="IAuditActorProvider"/>.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The stored violations now ignored.</returns>
    /// <exception cref="BusinessRuleException">A blocking rule is broken; its <see cref="BusinessRuleException.Violations"/> say which. The context is not changed.</exception>
    /// <exception cref="ArgumentException">A rule of <paramref name="ruleIds"/> is not a current warning of the entity. The context is not changed.</exception>
    /// <exception cref="InvalidOperationException">The entity has no key yet, or the engine runs no data rules while the context's table holds active ones, or loading what the data rules read would load more than <see cref="RuleOptions.MaxEntitiesLoadedPerCheck"/> entities (as for <see cref="CheckRulesAsync{T}"/>).</exception>
    public static async Task<IReadOnlyList<StoredRuleViolation>> IgnoreRuleWarningsAsync<T>(
        this DbContext context,
        IExceptionRuleEngine engine,
        T entity,
        string? ruleSet = null,
        IEnumerable<string>? ruleIds = null,
        AuditActor? actor = null,
        CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(entity);
        var identity = Identify(context, entity);
        var evaluation = await EfRuleNavigations.EvaluateAsync(context, engine, entity, ruleSet, cancellationToken).ConfigureAwait(false);
        if (evaluation.HasBlocking)
        {
            // Refused before anything is stored: the context is left as it was.
            var blocking = evaluation.Blocking;
            throw new BusinessRuleException(
                $"The warnings cannot be ignored while blocking rules are broken: {string.Join("; ", blocking.Select(static v => $"{v.RuleId}: {v.Message}"))}. Fix these first.",
                blocking);
        }

        // Refused before anything is stored too: the stored warnings are the evaluation's, one row per violation.
        var wanted = ruleIds?.ToHashSet(StringComparer.Ordinal);
        if (wanted is not null)
        {
            var current = evaluation.Violations.Where(static v => v.Severity == RuleSeverity.Warning).Select(static v => v.RuleId).ToList();
            var unknown = wanted.Where(id => !current.Contains(id, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException(
                    $"Not current warnings of this entity: {string.Join(", ", unknown)}. Its warnings are: {(current.Count == 0 ? "none" : string.Join(", ", current))}. "
                    + "The context is not changed.",
                    nameof(ruleIds));
            }
        }

        var check = await StoreAsync(context, engine, entity, identity, ruleSet, evaluation, cancellationToken).ConfigureAwait(false);
        var warnings = check.Stored.Where(v => v.Severity == RuleSeverity.Warning && (wanted is null || wanted.Contains(v.RuleId))).ToList();

        actor ??= AuditBatch.ResolveActor(context);
        var now = Now(context);
        var ignored = new List<StoredRuleViolation>();
        foreach (var warning in warnings)
        {
            if (!warning.IsIgnored)
            {
                warning.IgnoredAt = now;
                warning.IgnoredByUserId = actor?.UserId;
                warning.IgnoredByUserName = actor?.UserName;
                ignored.Add(warning);
            }
        }

        return ignored;
    }

    /// <summary>
    /// Checks <paramref name="definition"/> as the engine will run it against <paramref name="context"/>'s model, for an
    /// editing screen; SaveChanges makes the same checks and refuses a definition that fails them.
    /// </summary>
    /// <exception cref="ArgumentException">The id, entity type, severity, a rule set or a tag is wrong; the message says which and how to fix it.</exception>
    /// <exception cref="RuleExpressionException">The expression is not allowed; the message names the construct and its position.</exception>
    /// <exception cref="InvalidOperationException">
    /// The definition is active and <paramref name="context"/> comes from the application's services, whose rule engine runs no
    /// data rules from its type (no <c>Rules.UseDataRules&lt;TContext&gt;()</c>): it would never run, and SaveChanges refuses it.
    /// </exception>
    public static void ValidateDataRule(this DbContext context, ExceptionRuleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(definition);
        UnreadDataRules.RefuseSave(context, definition, validating: true);

        _ = DataRuleCompiler.Validate(context.Model, definition);
    }

    /// <summary>
    /// Makes the rule engines of this process read the data rules again at their next evaluation, and once more when
    /// <paramref name="context"/>'s transaction (or the ambient <c>TransactionScope</c>) commits: after definitions were
    /// written with SQL (<c>context.Database.ExecuteSql...</c>, or a script run through the context's connection). Definitions
    /// saved with <c>SaveChanges</c>, <c>ExecuteUpdate</c> or <c>ExecuteDelete</c> through a context with
    /// <c>UseServerTools()</c> need no call; edits made elsewhere (another process, another connection) are seen at the
    /// latest after <see cref="RuleOptions.DataRuleRefreshInterval"/>, or at once when that process calls this.
    /// </summary>
    public static void RefreshDataRules(this DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetService<IDbContextOptions>().FindExtension<ServerToolsOptionsExtension>() is null)
        {
            DataRuleStore.Invalidate();
            return;
        }

        context.GetService<SaveChangesInterceptor>().DataRulesWritten(context);
    }

    /// <summary>
    /// The stored violations of <paramref name="entity"/> (see <see cref="CheckRulesAsync{T}"/>), as a query: those of
    /// the code rules the application has and of the active data rules of <paramref name="context"/>'s table. The rows
    /// of a data rule deleted or set inactive (or of a code rule removed) are left out at once, and removed from the
    /// table by the entity's next check.
    /// </summary>
    public static IQueryable<StoredRuleViolation> RuleViolationsOf<T>(this DbContext context, T entity)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entity);
        var (entityType, key) = Identify(context, entity);
        var codeRules = ExceptionRuleRegistry.Rules.Select(static rule => rule.Id).Distinct(StringComparer.Ordinal).ToList();
        var definitions = ServerToolsTables.Rows<ExceptionRuleDefinition>(context);
        return ServerToolsTables.Rows<StoredRuleViolation>(context)
            .Where(v => v.EntityType == entityType && v.EntityKey == key)
            .Where(v => codeRules.Contains(v.RuleId) || definitions.Any(d => d.Id == v.RuleId && d.Active));
    }

    /// <summary>
    /// Every <typeparamref name="T"/> that breaks the data rule <paramref name="ruleId"/>, as a query PostgreSQL answers
    /// (the table is not loaded): for reports and clean-ups. The definition is read from the context's
    /// <see cref="ExceptionRuleDefinition"/> table when this is called, whether or not it is
    /// <see cref="ExceptionRuleDefinition.Active"/>, so that a rule can be tried on the data before it is switched on
    /// (the engine and <see cref="EntitiesViolatingRuleSet{T}"/> run active rules only).
    /// </summary>
    /// <exception cref="ArgumentException">No data rule has that id, it checks another type, or its entity type, severity, a rule set or a tag is wrong (the message says which).</exception>
    /// <exception cref="NotSupportedException">The id is a code rule's: C# classes do not run in SQL.</exception>
    /// <exception cref="RuleExpressionException">The rule's expression is not allowed.</exception>
    public static IQueryable<T> EntitiesViolatingRule<T>(this DbContext context, string ruleId)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        var (definition, storedSeverity) = DataRuleRows.Read(context, ServerToolsTables.Rows<ExceptionRuleDefinition>(context).Where(d => d.Id == ruleId)).FirstOrDefault();
        if (definition is null)
        {
            if (ExceptionRuleRegistry.Rules.FirstOrDefault(rule => rule.Id == ruleId) is { } code)
            {
                throw new NotSupportedException(
                    $"'{ruleId}' is a code rule ({code.RuleType?.FullName}): C# classes cannot run in SQL. Evaluate it in memory with IExceptionRuleEngine, or define the rule as data.");
            }

            // Only on this error's path: the ids are read to suggest the one meant (a typo), code rules' ids after the data rules'.
            // Ordered, so that the rows read are always the same ones (and EF Core has no limit without order to warn about).
            var dataIds = ServerToolsTables.Rows<ExceptionRuleDefinition>(context).Select(d => d.Id).OrderBy(id => id).Take(10_000).ToList();
            var suggestion = RuleNames.Suggest(ruleId, dataIds) ?? RuleNames.Suggest(ruleId, ExceptionRuleRegistry.Rules.Select(rule => rule.Id));
            throw new ArgumentException(
                $"No data rule has the id '{ruleId}'." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?") + " Data rules are the rows of ExceptionRuleDefinition.",
                nameof(ruleId));
        }

        var compiled = DataRuleCompiler.Validate(context.Model, definition, storedSeverity);
        var ruleType = compiled.Expression.Parameters[0].Type;
        if (!ruleType.IsAssignableFrom(typeof(T)))
        {
            throw new ArgumentException(
                $"The data rule '{ruleId}' checks {ruleType.Name}, not {typeof(T).Name}: query context.Set<{ruleType.Name}>().", nameof(ruleId));
        }

        return context.Set<T>().Where(Retarget<T>(compiled.Expression));
    }

    /// <summary>
    /// Every <typeparamref name="T"/> that breaks at least one active data rule of <paramref name="ruleSet"/> (rules with no
    /// set included, as in an evaluation; all active data rules when <paramref name="ruleSet"/> is <see langword="null"/>),
    /// as one query PostgreSQL answers.
    /// </summary>
    /// <exception cref="RuleExpressionException">A rule's expression is not allowed.</exception>
    /// <exception cref="ArgumentException">A rule that may check <typeparamref name="T"/> cannot run: its entity type does not resolve (the message says what to write), or its severity, a rule set or a tag is wrong.</exception>
    /// <exception cref="InvalidOperationException">A rule has the id of a code rule.</exception>
    public static IQueryable<T> EntitiesViolatingRuleSet<T>(this DbContext context, string? ruleSet)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameter = Expression.Parameter(typeof(T), "entity");
        Expression? any = null;
        foreach (var (definition, storedSeverity) in DataRuleRows.Read(context, ServerToolsTables.Rows<ExceptionRuleDefinition>(context).Where(static d => d.Active).OrderBy(static d => d.Sequence).ThenBy(static d => d.Id)))
        {
            // The rule as the engine runs it: the same entity type, rule-set membership and compiled expression.
            var rule = DataRuleCompiler.Compile(context.Model, definition, storedSeverity);
            if (!rule.Checks(typeof(T))
                || !rule.Info.IsIn(ruleSet))
            {
                continue;
            }

            if (rule.Expression is null)
            {
                ExceptionDispatchInfo.Throw(rule.Error!);
            }

            var body = Retarget<T>(rule.Expression.Expression);
            var test = ReplacingExpressionVisitor.Replace(body.Parameters[0], parameter, body.Body);
            any = any is null ? test : Expression.OrElse(any, test);
        }

        return context.Set<T>().Where(Expression.Lambda<Func<T, bool>>(any ?? Expression.Constant(false), parameter));
    }

    /// <summary>The rule's lambda over <typeparamref name="T"/>, which derives from (or is) the rule's parameter type.</summary>
    private static Expression<Func<T, bool>> Retarget<T>(LambdaExpression rule)
    {
        if (rule is Expression<Func<T, bool>> exact)
        {
            return exact;
        }

        var parameter = Expression.Parameter(typeof(T), rule.Parameters[0].Name);
        var body = ReplacingExpressionVisitor.Replace(rule.Parameters[0], Expression.Convert(parameter, rule.Parameters[0].Type), rule.Body);
        return Expression.Lambda<Func<T, bool>>(body, parameter);
    }

    private static (string EntityType, string Key) Identify<T>(DbContext context, T entity)
        where T : class
    {
        var entry = context.Entry(entity);
        var key = entry.Metadata.FindPrimaryKey()
            ?? throw new InvalidOperationException($"{entry.Metadata.DisplayName()} has no key, so its violations cannot be stored.");
        foreach (var property in key.Properties)
        {
            var value = entry.Property(property.Name);
            var unsaved = entry.State is EntityState.Added or EntityState.Detached
                && property.ValueGenerated != Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never
                && Equals(value.CurrentValue, property.Sentinel);
            if (value.IsTemporary || unsaved)
            {
                throw new InvalidOperationException(
                    $"The {entry.Metadata.DisplayName()} has no key yet (the database generates it when it is saved), so its violations cannot be stored. Save it first, then check its rules; or, before the save, evaluate it with context.EvaluateRulesAsync(engine, entity), which loads what the data rules read and stores nothing.");
            }
        }

        return (entry.Metadata.Name, AuditKey.Of(entry.Values(), key.Properties, original: false));
    }

    private static DateTimeOffset Now(DbContext context)
        => (context.GetService<IDbContextOptions>().FindExtension<ServerToolsOptionsExtension>()?.Options.TimeProvider ?? TimeProvider.System)
            .GetUtcNow().ToUniversalTime();
}
