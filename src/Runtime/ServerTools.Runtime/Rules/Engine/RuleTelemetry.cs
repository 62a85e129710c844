using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ServerTools.Rules;

/// <summary>
/// What the rule engine tells OpenTelemetry (or any <see cref="ActivityListener"/> / <see cref="MeterListener"/>): an
/// activity per evaluation and counters of evaluations, rules run and violations, with the evaluation's duration.
/// Subscribe with <c>.AddSource("ServerTools.Rules")</c> and <c>.AddMeter("ServerTools.Rules")</c>. Nothing is measured
/// while nobody listens. Tags carry type names, rule ids and severities, never entity values.
/// </summary>
internal static class RuleTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "ServerTools.Rules";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter s_meter = new(Name);

    /// <summary>Evaluations, tagged with the entity type and the rule set.</summary>
    public static readonly Counter<long> Evaluations = s_meter.CreateCounter<long>(
        "servertools.rules.evaluations", "{evaluation}", "Entities checked against their business rules.");

    /// <summary>Rules run, tagged with the entity type.</summary>
    public static readonly Counter<long> RulesRun = s_meter.CreateCounter<long>(
        "servertools.rules.rules_evaluated", "{rule}", "Business rules run, summed over evaluations.");

    /// <summary>Violations, tagged with the rule id, the severity and whether the rule failed.</summary>
    public static readonly Counter<long> Violations = s_meter.CreateCounter<long>(
        "servertools.rules.violations", "{violation}", "Business rules broken (or failed), by rule.");

    /// <summary>The duration of an evaluation, tagged with the entity type.</summary>
    public static readonly Histogram<double> Duration = s_meter.CreateHistogram<double>(
        "servertools.rules.evaluation.duration", "s", "How long checking one entity against its rules took.");

    /// <summary>Whether anything listens, so the engine knows whether to measure at all.</summary>
    public static bool Enabled
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Source.HasListeners() || Evaluations.Enabled || RulesRun.Enabled || Violations.Enabled || Duration.Enabled;
    }

    /// <summary>Reports one evaluation that started at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static void Report(Activity? activity, string entityType, string? ruleSet, int rulesRun, RuleEvaluation evaluation, long started)
    {
        var entityTag = new KeyValuePair<string, object?>("servertools.rules.entity_type", entityType);
        if (Evaluations.Enabled)
        {
            Evaluations.Add(1, entityTag, new KeyValuePair<string, object?>("servertools.rules.rule_set", ruleSet ?? "*"));
        }

        if (RulesRun.Enabled)
        {
            RulesRun.Add(rulesRun, entityTag);
        }

        if (Violations.Enabled)
        {
            foreach (var violation in evaluation.Violations)
            {
                Violations.Add(
                    1,
                    new KeyValuePair<string, object?>("servertools.rules.rule_id", violation.RuleId),
                    new KeyValuePair<string, object?>("servertools.rules.severity", violation.Severity == RuleSeverity.Blocking ? "blocking" : "warning"),
                    new KeyValuePair<string, object?>("servertools.rules.failed", violation.IsFailure));
            }
        }

        if (Duration.Enabled)
        {
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, entityTag);
        }

        if (activity is not null)
        {
            activity.SetTag("servertools.rules.rules_evaluated", rulesRun);
            activity.SetTag("servertools.rules.violations", evaluation.Violations.Count);
            activity.SetTag("servertools.rules.blocking", evaluation.HasBlocking);
            foreach (var violation in evaluation.Violations)
            {
                activity.AddEvent(new ActivityEvent("servertools.rules.violation", tags: new ActivityTagsCollection
                {
                    ["servertools.rules.rule_id"] = violation.RuleId,
                    ["servertools.rules.severity"] = violation.Severity == RuleSeverity.Blocking ? "blocking" : "warning",
                    ["servertools.rules.failed"] = violation.IsFailure,
                }));
            }

            activity.Dispose();
        }
    }
}
