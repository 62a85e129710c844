using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>Only the telemetry test checks shipments, so what its listeners hear comes from it alone.</summary>
public sealed class Shipment
{
    public int Weight { get; set; }
}

[ExceptionRule("shipment.too_heavy", Severity = RuleSeverity.Blocking, Message = "Over 1,000 kg needs a truck")]
public sealed class ShipmentTooHeavy : IExceptionRule<Shipment>
{
    public bool Applies(Shipment entity) => entity.Weight > 1_000;
}

[ExceptionRule("shipment.empty", Message = "Nothing to ship")]
public sealed class ShipmentEmpty : IExceptionRule<Shipment>
{
    public bool Applies(Shipment entity) => entity.Weight == 0;
}

/// <summary>What the engine reports to OpenTelemetry: the ServerTools.Rules meter and activity source.</summary>
public sealed class RuleTelemetryTests
{
    private static readonly string s_shipment = typeof(Shipment).FullName!;

    [Fact]
    public void Evaluations_rules_run_violations_and_durations_are_measured_with_type_and_rule_tags()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ServerTools.Rules")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();

        var activities = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ServerTools.Rules",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("servertools.rules.entity_type"), s_shipment))
                {
                    activities.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);

        using var services = RuleServicesFactory.Create();
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        engine.Evaluate(new Shipment { Weight = 5_000 });
        engine.Evaluate(new Shipment { Weight = 0 }, "ship");
        engine.Evaluate(new Shipment { Weight = 10 });
        listener.Dispose();

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("servertools.rules.entity_type"), s_shipment)).ToList();
        var evaluations = mine.Where(m => m.Instrument == "servertools.rules.evaluations").ToList();
        Assert.Equal(3, evaluations.Sum(m => m.Value));
        Assert.Equal(["*", "ship", "*"], evaluations.Select(m => (string)m.Tags["servertools.rules.rule_set"]!));
        Assert.Equal(6, mine.Where(m => m.Instrument == "servertools.rules.rules_evaluated").Sum(m => m.Value));
        Assert.Equal(3, mine.Count(m => m.Instrument == "servertools.rules.evaluation.duration" && m.Value > 0));

        var violations = measurements.Where(m => m.Instrument == "servertools.rules.violations"
            && ((string)m.Tags["servertools.rules.rule_id"]!).StartsWith("shipment.", System.StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [("shipment.too_heavy", "blocking"), ("shipment.empty", "warning")],
            violations.Select(m => ((string)m.Tags["servertools.rules.rule_id"]!, (string)m.Tags["servertools.rules.severity"]!)));

        Assert.Equal(3, activities.Count);
        var first = activities.First();
        Assert.Equal("ServerTools.Rules.Evaluate", first.OperationName);
        Assert.Equal(2, first.GetTagItem("servertools.rules.rules_evaluated"));
        Assert.Equal(1, first.GetTagItem("servertools.rules.violations"));
        Assert.Equal(true, first.GetTagItem("servertools.rules.blocking"));
        Assert.Equal("shipment.too_heavy", Assert.Single(first.Events).Tags.Single(t => t.Key == "servertools.rules.rule_id").Value);

        void Record(Instrument instrument, double value, System.ReadOnlySpan<KeyValuePair<string, object?>> tags)
            => measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
    }
}
