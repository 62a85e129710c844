using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>The entity of the fast-path test: only the rules of this file check it.</summary>
public sealed class FastPathShipment
{
    public bool Heavy { get; set; }

    public string? Label { get; set; }

    public bool Late { get; set; }
}

[ExceptionRule("shipment.heavy", Sequence = 1, Message = "The shipment is heavy")]
public sealed class HeavyShipment : IExceptionRule<FastPathShipment>
{
    public bool Applies(FastPathShipment entity) => entity.Heavy;
}

[ExceptionRule("shipment.label", Sequence = 2, Message = "The label asks for a callback")]
public sealed class ShipmentLabelParser : IExceptionRule<FastPathShipment>
{
    public bool Applies(FastPathShipment entity) => entity.Label == "boom"
        ? throw new FormatException("The label parser broke.")
        : entity.Label == "call me";
}

[ExceptionRule("shipment.late", Sequence = 3, Message = "The shipment is late")]
public sealed class LateShipment : IExceptionRule<FastPathShipment>
{
    public bool Applies(FastPathShipment entity) => entity.Late;
}

/// <summary>The entity of the run-once test: it counts how often each of its rules looks at it.</summary>
public sealed class CountedParcel
{
    public int FirstCalls { get; set; }

    public int FlakyCalls { get; set; }

    public int LastCalls { get; set; }
}

[ExceptionRule("parcel.first", Sequence = 1, Message = "The parcel was looked at first")]
public sealed class FirstParcelRule : IExceptionRule<CountedParcel>
{
    public bool Applies(CountedParcel entity) => ++entity.FirstCalls > 0;
}

/// <summary>Throws on its first call only, as a call to a service that times out once, then answers "broken".</summary>
[ExceptionRule("parcel.flaky", Sequence = 2, Message = "The carrier refuses the parcel")]
public sealed class FlakyParcelRule : IExceptionRule<CountedParcel>
{
    public bool Applies(CountedParcel entity) => ++entity.FlakyCalls == 1 ? throw new TimeoutException("The carrier did not answer.") : true;
}

[ExceptionRule("parcel.last", Sequence = 3, Message = "The parcel was looked at last")]
public sealed class LastParcelRule : IExceptionRule<CountedParcel>
{
    public bool Applies(CountedParcel entity) => ++entity.LastCalls > 0;
}

/// <summary>Evaluation without a rule set runs every rule under one handler; a throwing rule must not change the result.</summary>
public sealed class FastPathTests
{
    [Fact]
    public void Without_a_rule_set_a_throwing_rule_in_the_middle_fails_alone_and_the_others_are_reported_once_in_order()
    {
        using var services = RuleServicesFactory.Create();
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

        var evaluation = engine.Evaluate(new FastPathShipment { Heavy = true, Label = "boom", Late = true });

        Assert.Equal(["shipment.heavy", "shipment.label", "shipment.late"], evaluation.Violations.Select(v => v.RuleId));
        Assert.False(evaluation.Violations[0].IsFailure);
        Assert.Equal("The shipment is heavy", evaluation.Violations[0].Message);
        var failure = evaluation.Violations[1];
        Assert.True(failure.IsFailure);
        Assert.Equal("The label parser broke.", Assert.IsType<FormatException>(failure.Exception).Message);
        Assert.False(evaluation.Violations[2].IsFailure);
        Assert.Equal("The shipment is late", evaluation.Violations[2].Message);

        var clean = engine.Evaluate(new FastPathShipment { Label = "call me" });
        Assert.Equal(["shipment.label"], clean.Violations.Select(v => v.RuleId));
        Assert.False(clean.Violations[0].IsFailure);
    }

    [Fact]
    public void When_a_rule_throws_every_rule_runs_once_and_an_exception_thrown_once_is_reported()
    {
        using var services = RuleServicesFactory.Create();
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var parcel = new CountedParcel();

        var evaluation = engine.Evaluate(parcel);

        Assert.Equal((1, 1, 1), (parcel.FirstCalls, parcel.FlakyCalls, parcel.LastCalls));
        Assert.Equal(["parcel.first", "parcel.flaky", "parcel.last"], evaluation.Violations.Select(v => v.RuleId));
        var failure = evaluation.Violations[1];
        Assert.True(failure.IsFailure);
        Assert.Equal(RuleSeverity.Blocking, failure.Severity);
        Assert.Equal("The carrier did not answer.", Assert.IsType<TimeoutException>(failure.Exception).Message);
        Assert.False(evaluation.Violations[0].IsFailure);
        Assert.False(evaluation.Violations[2].IsFailure);
    }
}
