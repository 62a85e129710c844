using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ServerTools.Rules.Data;

namespace ServerTools.Rules;

/// <summary>
/// The rule engine of one DI scope: creates the code rules of the scope (their dependencies come from it) on first use,
/// and runs them, then the data rules, for each entity. Plans (which rules run for a type and a rule set) are shared by
/// every engine; the engine remembers the last plan it used, so evaluating many entities of one type costs no lookup.
/// </summary>
internal sealed class ExceptionRuleEngine(IServiceProvider services, RuleOptions options, DataRuleStore? dataRules) : IExceptionRuleEngine
{
    private readonly Lock _lock = new();
    private readonly Dictionary<CodeRuleSet, CodeRules> _instances = [];
    private Memo? _last;
    private EfRuleNavigations.Tracker? _tracker;
    private DatabaseOfConnection? _database;
    private DatabaseOfConnection? _given;
    private DbContext? _dataContext;
    private IRelationalConnection? _dataConnection;
    private bool _dataContextResolved;

    public RuleEvaluation Evaluate<T>(T entity, string? ruleSet = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        return Evaluate(entity, ruleSet, DataRules());
    }

    /// <summary>
    /// Evaluates <paramref name="entity"/> as <see cref="Evaluate{T}"/> does, with the data rules of the database
    /// <paramref name="context"/> connects to (<c>CheckRulesAsync</c> and its kin), see <see cref="DataRulesOf"/>.
    /// </summary>
    internal RuleEvaluation EvaluateIn(DbContext context, object entity, string? ruleSet) => Evaluate(entity, ruleSet, DataRulesOf(context));

    private RuleEvaluation Evaluate(object entity, string? ruleSet, DataRuleSnapshot? snapshot)
    {
        var memo = MemoFor(entity.GetType(), ruleSet, snapshot);
        if (!RuleTelemetry.Enabled)
        {
            return Run(entity, memo);
        }

        var activity = RuleTelemetry.Source.StartActivity("ServerTools.Rules.Evaluate");
        activity?.SetTag("servertools.rules.entity_type", memo.EntityName);
        activity?.SetTag("servertools.rules.rule_set", ruleSet);
        var started = Stopwatch.GetTimestamp();
        var evaluation = Run(entity, memo);
        RuleTelemetry.Report(activity, memo.EntityName, ruleSet, memo.Rules.Length, evaluation, started);
        return evaluation;
    }

    public RuleEvaluation Enforce<T>(T entity, string? ruleSet = null)
        where T : class
    {
        var evaluation = Evaluate(entity, ruleSet);
        return evaluation.HasBlocking ? throw new BusinessRuleException(evaluation.Blocking) : evaluation;
    }

    /// <summary>Whether the engine runs data rules (<see cref="RuleOptions.UseDataRules{TContext}"/>).</summary>
    internal bool RunsDataRules => dataRules is not null;

    /// <summary>How long answers read from the table of data rules are kept (<see cref="RuleOptions.DataRuleRefreshInterval"/>).</summary>
    internal TimeSpan DataRuleRefreshInterval => options.DataRuleRefreshInterval;

    /// <summary>How many entities one <c>CheckRulesAsync</c> may load (<see cref="RuleOptions.MaxEntitiesLoadedPerCheck"/>).</summary>
    internal int MaxEntitiesLoadedPerCheck => options.MaxEntitiesLoadedPerCheck;

    /// <summary>
    /// The data rules an evaluation of an entity of <paramref name="entityType"/> in <paramref name="ruleSet"/> with
    /// <paramref name="context"/> runs (<see cref="EvaluateIn"/>).
    /// </summary>
    internal IReadOnlyList<DataRule> DataRulesIn(DbContext context, Type entityType, string? ruleSet)
        => MemoFor(entityType, ruleSet, DataRulesOf(context)).Data.Rules;

    /// <summary>The rules an evaluation with <paramref name="context"/> runs (<see cref="EvaluateIn"/>), as <see cref="RulesFor"/> says for the engine's own.</summary>
    internal IReadOnlyList<ExceptionRuleInfo> RulesIn(DbContext context, Type entityType, string? ruleSet = null)
        => MemoFor(entityType, ruleSet, DataRulesOf(context)).Rules;

    /// <summary>
    /// What tells the data rules whether a navigation of an entity is loaded: the data rules' context of this engine's
    /// scope (<see cref="RuleOptions.UseDataRules{TContext}"/>), the one the application uses in a request, resolved the
    /// first time a rule reads a navigation that is null or a collection. Of an entity it does not track, a null reference
    /// whose foreign key holds a value is not loaded; anything else reads as it is.
    /// </summary>
    private EfRuleNavigations.Tracker Tracker() => _tracker ??= new EfRuleNavigations.Tracker(DataContext);

    /// <summary>The data rules' context of this engine's scope, resolved once; null when the engine runs no data rules or it is not registered.</summary>
    private DbContext? DataContext()
    {
        if (!_dataContextResolved)
        {
            try
            {
                _dataContext = options.DataRuleContextType is { } type ? services.GetService(type) as DbContext : null;
                _dataConnection = _dataContext is not null && _dataContext.Database.IsRelational() ? _dataContext.GetService<IRelationalConnection>() : null;
            }
            catch (ObjectDisposedException)
            {
                // The application disposed the scope's context (or the scope): the rules of the database a new scope's
                // context connects to, and no navigation tracking, as for a context that is not registered.
                (_dataContext, _dataConnection) = (null, null);
            }

            _dataContextResolved = true;
        }

        return _dataContext;
    }

    /// <summary>
    /// The data rules of the database the data rules' context of this scope connects to: the one of the last evaluation
    /// while its connection string is the same, so evaluating many entities costs no lookup.
    /// </summary>
    private DataRuleSnapshot? DataRules()
    {
        if (dataRules is null)
        {
            return null;
        }

        // The context's connection, resolved once: its connection string is read at each evaluation, so a scope that
        // switches the context to another database (SetConnectionString) runs that database's rules.
        var context = DataContext();
        if (context is not null && IsDisposed(context))
        {
            // Disposed by the application since an evaluation: the rules of the database a new scope's context connects
            // to, as for a context disposed before the first one.
            (_dataContext, _dataConnection, context) = (null, null, null);
        }

        // The scope's context keeps its model, so the connection string alone tells its database.
        return DatabaseOf(ref _database, dataRules, context, model: null, _dataConnection?.ConnectionString ?? "").Current(services);
    }

    /// <summary>
    /// The data rules of the database <paramref name="context"/> connects to, when it is a context of the type that holds
    /// them (<see cref="RuleOptions.UseDataRules{TContext}"/>): a job that goes through the tenants with contexts of its own
    /// and one engine runs each tenant's rules. The rules of this engine's scope for a context of another type.
    /// </summary>
    private DataRuleSnapshot? DataRulesOf(DbContext context)
    {
        if (dataRules is null || !dataRules.ContextType.IsInstanceOfType(context))
        {
            return DataRules();
        }

        // The database of the last context given, while it is the same model and connection string: one check reads the
        // rules up to four times (the loads, the evaluation, the stored violations), and a job checks many entities. The
        // engine scope's own context is not resolved: a job's scope may not be able to make it (no tenant set there).
        return DatabaseOf(ref _given, dataRules, context, context.Model, DataRuleStore.ConnectionStringOf(context) ?? "").Current(services, context);
    }

    /// <summary>
    /// The database of <paramref name="context"/>: the one <paramref name="last"/> holds while the model and connection
    /// string are the same, else looked up in the store and kept there.
    /// </summary>
    private static DataRuleStore.Database DatabaseOf(ref DatabaseOfConnection? last, DataRuleStore store, DbContext? context, IModel? model, string connectionString)
    {
        var known = Volatile.Read(ref last);
        if (known is null || !ReferenceEquals(known.Model, model) || !string.Equals(known.ConnectionString, connectionString, StringComparison.Ordinal))
        {
            known = new DatabaseOfConnection(connectionString, store.For(context), model);
            Volatile.Write(ref last, known);
        }

        return known.Database;
    }

    private static bool IsDisposed(DbContext context)
    {
        try
        {
            _ = context.Database;
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    public IReadOnlyList<ExceptionRuleInfo> RulesFor(Type entityType, string? ruleSet = null)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return MemoFor(entityType, ruleSet, DataRules()).Rules;
    }

    private RuleEvaluation Run(object entity, Memo memo)
    {
        if (memo.Only is { } only)
        {
            var single = new RuleRun(memo.OnlyRules, null, options.FailureSeverity, null);
            only.EvaluateAll(entity, ref single);
            return single.Violations is { } found ? new RuleEvaluation(found) : RuleEvaluation.Clean;
        }

        List<RuleViolation>? violations = null;
        var sources = 0;
        var sets = memo.Code.Sets;
        var active = memo.Code.Active;
        var instances = memo.Instances;
        var failureSeverity = options.FailureSeverity;
        for (var i = 0; i < sets.Length; i++)
        {
            var mask = active[i];
            var run = new RuleRun(sets[i].RuleArray, mask, failureSeverity, violations);
            var before = run.Count;
            if (mask is null)
            {
                instances[i].EvaluateAll(entity, ref run);
            }
            else
            {
                instances[i].Evaluate(entity, ref run);
            }

            violations = run.Violations;
            sources += run.Count > before ? 1 : 0;
        }

        var data = memo.Data;
        if (data.Rules.Length > 0)
        {
            var before = violations?.Count ?? 0;
            var run = new RuleRun(data.Infos, null, failureSeverity, violations);
            using (RuleNavigationTracker.Use(RuleNavigationTracker.Current ?? Tracker()))
            {
                data.Run(entity, ref run);
            }

            violations = run.Violations;
            sources += (violations?.Count ?? 0) > before ? 1 : 0;
        }

        if (violations is null)
        {
            return RuleEvaluation.Clean;
        }

        if (sources > 1)
        {
            violations.Sort(static (x, y) => ExceptionRuleInfo.Compare(x.Rule, y.Rule));
        }

        return new RuleEvaluation(violations);
    }

    private Memo MemoFor(Type type, string? ruleSet, DataRuleSnapshot? snapshot)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null
            && last.EntityType == type
            && string.Equals(last.RuleSet, ruleSet, StringComparison.Ordinal)
            && last.Code.Version == ExceptionRuleRegistry.Version
            && ReferenceEquals(last.Snapshot, snapshot))
        {
            return last;
        }

        return Plan(type, ruleSet, snapshot);
    }

    /// <summary>Builds the memo of a (type, rule set) the engine did not evaluate last, off the hot path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Memo Plan(Type type, string? ruleSet, DataRuleSnapshot? snapshot)
    {
        var code = CodeRulePlan.For(type, ruleSet);
        var data = snapshot?.For(type, ruleSet) ?? DataRulePlan.Empty;
        var instances = new CodeRules[code.Sets.Length];
        lock (_lock)
        {
            for (var i = 0; i < instances.Length; i++)
            {
                var set = code.Sets[i];
                if (!_instances.TryGetValue(set, out var created))
                {
                    created = set.CreateRules(services);
                    _instances.Add(set, created);
                }

                instances[i] = created;
            }
        }

        var memo = new Memo(type, ruleSet, code, instances, snapshot, data);
        Volatile.Write(ref _last, memo);
        return memo;
    }

    /// <summary>Everything one evaluation of a (type, rule set) needs, read as one reference so it cannot tear.</summary>
    private sealed class Memo
    {
        public Memo(Type entityType, string? ruleSet, CodeRulePlan code, CodeRules[] instances, DataRuleSnapshot? snapshot, DataRulePlan data)
        {
            EntityType = entityType;
            EntityName = entityType.FullName ?? entityType.Name;
            RuleSet = ruleSet;
            Code = code;
            Instances = instances;
            Snapshot = snapshot;
            Data = data;
            if (data.Rules.Length == 0)
            {
                Rules = code.Rules;
                if (code.Sets.Length == 1 && code.Active[0] is null)
                {
                    Only = instances[0];
                    OnlyRules = code.Sets[0].RuleArray;
                }
            }
            else
            {
                var rules = new List<ExceptionRuleInfo>(code.Rules);
                rules.AddRange(data.Infos);
                rules.Sort(ExceptionRuleInfo.Compare);
                Rules = rules.ToArray();
            }
        }

        public Type EntityType { get; }

        public string EntityName { get; }

        public string? RuleSet { get; }

        public CodeRulePlan Code { get; }

        public CodeRules[] Instances { get; }

        public DataRuleSnapshot? Snapshot { get; }

        public DataRulePlan Data { get; }

        /// <summary>The rules that run, in evaluation order.</summary>
        public ExceptionRuleInfo[] Rules { get; }

        /// <summary>The rules of the only code rule set to run, when it is all that runs and every rule of it is active; else <see langword="null"/>.</summary>
        public CodeRules? Only { get; }

        /// <summary>The rules of <see cref="Only"/>, as its <see cref="RuleRun"/> indexes them.</summary>
        public ExceptionRuleInfo[] OnlyRules { get; } = [];
    }

    /// <summary>
    /// The data rules' database of the connection string this engine's context had when it was looked up. A class, not a
    /// record: a record's ToString would print the connection string, password and all.
    /// </summary>
    private sealed class DatabaseOfConnection(string connectionString, DataRuleStore.Database database, IModel? model)
    {
        public string ConnectionString { get; } = connectionString;

        public DataRuleStore.Database Database { get; } = database;

        /// <summary>The model of the context given to <see cref="DataRulesOf"/>; null for the engine scope's own.</summary>
        public IModel? Model { get; } = model;
    }
}
