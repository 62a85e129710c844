using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
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
    private readonly Dictionary<CodeRuleSet, object[]> _instances = [];
    private Memo? _last;

    public RuleEvaluation Evaluate<T>(T entity, string? ruleSet = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        var memo = MemoFor(entity.GetType(), ruleSet);
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

    public IReadOnlyList<ExceptionRuleInfo> RulesFor(Type entityType, string? ruleSet = null)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return MemoFor(entityType, ruleSet).Rules;
    }

    private RuleEvaluation Run(object entity, Memo memo)
    {
        List<RuleViolation>? violations = null;
        var sources = 0;
        var sets = memo.Code.Sets;
        var active = memo.Code.Active;
        var instances = memo.Instances;
        var failureSeverity = options.FailureSeverity;
        for (var i = 0; i < sets.Length; i++)
        {
            var set = sets[i];
            var mask = active[i];
            var run = new RuleRun(set.RuleArray, mask, failureSeverity, violations);
            var before = run.Count;
            if (mask is null)
            {
                set.RunAll(entity, instances[i], ref run);
            }
            else
            {
                set.Run(entity, instances[i], ref run);
            }

            violations = run.Violations;
            sources += run.Count > before ? 1 : 0;
        }

        var data = memo.Data;
        if (data.Length > 0)
        {
            var before = violations?.Count ?? 0;
            var run = new RuleRun(memo.DataInfos, null, options.FailureSeverity, violations);
            for (var i = 0; i < data.Length; i++)
            {
                data[i].Run(entity, i, ref run);
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

    private Memo MemoFor(Type type, string? ruleSet)
    {
        var snapshot = dataRules?.Current(services);
        var last = Volatile.Read(ref _last);
        if (last is not null
            && last.EntityType == type
            && string.Equals(last.RuleSet, ruleSet, StringComparison.Ordinal)
            && last.Code.Version == ExceptionRuleRegistry.Version
            && ReferenceEquals(last.Snapshot, snapshot))
        {
            return last;
        }

        var code = CodeRulePlan.For(type, ruleSet);
        var data = snapshot?.For(type, ruleSet) ?? [];
        var instances = new object[code.Sets.Length][];
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
        public Memo(Type entityType, string? ruleSet, CodeRulePlan code, object[][] instances, DataRuleSnapshot? snapshot, DataRule[] data)
        {
            EntityType = entityType;
            EntityName = entityType.FullName ?? entityType.Name;
            RuleSet = ruleSet;
            Code = code;
            Instances = instances;
            Snapshot = snapshot;
            Data = data;
            DataInfos = Array.ConvertAll(data, static rule => rule.Info);
            if (data.Length == 0)
            {
                Rules = code.Rules;
            }
            else
            {
                var rules = new List<ExceptionRuleInfo>(code.Rules);
                rules.AddRange(DataInfos);
                rules.Sort(ExceptionRuleInfo.Compare);
                Rules = rules.ToArray();
            }
        }

        public Type EntityType { get; }

        public string EntityName { get; }

        public string? RuleSet { get; }

        public CodeRulePlan Code { get; }

        public object[][] Instances { get; }

        public DataRuleSnapshot? Snapshot { get; }

        public DataRule[] Data { get; }

        public ExceptionRuleInfo[] DataInfos { get; }

        public ExceptionRuleInfo[] Rules { get; }
    }
}
