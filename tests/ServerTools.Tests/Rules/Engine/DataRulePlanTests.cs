using System;
using System.Collections.Generic;
using System.Linq;
using ServerTools.Rules;
using ServerTools.Rules.Data;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>The entity of the data rule plan tests.</summary>
public class PlanShipment
{
    public int Weight { get; set; }

    public int Boxes { get; set; }

    public string? Label { get; set; }
}

/// <summary>A type derived from the one the rules name: the plan of its runtime type runs the base type's rules.</summary>
public sealed class PlanParcel : PlanShipment
{
}

/// <summary>
/// The data rules of a (type, rule set) run fused, up to 64 to a delegate; these prove the fused run reports exactly
/// what running each rule on its own reports (<see cref="DataRule.Run"/>, the path before fusion): the same rules, in
/// the same order, with the same failures, across the 64-rule boundary, when a rule throws, when a rule cannot run.
/// </summary>
public sealed class DataRulePlanTests
{
    private const int RuleCount = 70;

    [Theory]
    [InlineData(66, 63, "x")]
    [InlineData(0, 0, null)]
    [InlineData(64, 1, "r5")]
    [InlineData(200, 64, "r69")]
    public void Seventy_rules_in_two_groups_report_what_the_rules_run_one_by_one_report(int weight, int boxes, string? label)
    {
        var rules = Rules(typeof(PlanShipment), RuleCount, static i => $"shipment.Weight > {i} && shipment.Boxes != {i} || shipment.Label == \"r{i}\"");
        var shipment = new PlanShipment { Weight = weight, Boxes = boxes, Label = label };

        var fused = Fused(typeof(PlanShipment), rules, shipment);

        Assert.Equal(OneByOne(rules, shipment), fused);
        var expected = Enumerable.Range(0, RuleCount).Where(i => (weight > i && boxes != i) || label == $"r{i}").Select(static i => $"plan.{i:D2}");
        Assert.Equal(expected, fused.Select(static v => v.Id));
    }

    [Fact]
    public void A_rule_that_throws_midway_fails_alone_and_the_rules_before_and_after_it_are_reported_once_in_order()
    {
        // Rule 10 divides by the number of boxes; rules 0-9 and 11-69 are broken by a weight of 100.
        var rules = Rules(typeof(PlanShipment), RuleCount, static i => i == 10 ? "shipment.Weight / shipment.Boxes > 1" : $"shipment.Weight > {i}");
        var shipment = new PlanShipment { Weight = 100, Boxes = 0 };

        var fused = Fused(typeof(PlanShipment), rules, shipment);

        Assert.Equal(OneByOne(rules, shipment), fused);
        Assert.Equal(Enumerable.Range(0, RuleCount).Select(static i => $"plan.{i:D2}"), fused.Select(static v => v.Id));
        Assert.Equal([("plan.10", typeof(DivideByZeroException))], fused.Where(static v => v.Failure is not null).Select(static v => (v.Id, v.Failure!)));
    }

    [Fact]
    public void Rules_that_cannot_run_fail_in_their_place_in_both_groups_and_the_others_still_run()
    {
        var rules = Rules(typeof(PlanShipment), RuleCount, static i => $"shipment.Weight > {i}");
        foreach (var index in new[] { 3, 63, 64 })
        {
            rules[index] = new DataRule(rules[index].Info, typeof(PlanShipment), null, new InvalidOperationException("cannot run"));
        }

        var shipment = new PlanShipment { Weight = 65 };

        var fused = Fused(typeof(PlanShipment), rules, shipment);

        Assert.Equal(OneByOne(rules, shipment), fused);
        Assert.Equal(Enumerable.Range(0, 65).Select(static i => $"plan.{i:D2}"), fused.Select(static v => v.Id));
        Assert.Equal(["plan.03", "plan.63", "plan.64"], fused.Where(static v => v.Failure is not null).Select(static v => v.Id));
    }

    [Fact]
    public void A_group_of_rules_that_all_cannot_run_reports_each_as_failed()
    {
        var info = new ExceptionRuleInfo("plan.broken", typeof(PlanShipment), expression: "System.IO.File.Exists(\"x\")");
        DataRule[] rules = [new DataRule(info, typeof(PlanShipment), null, new InvalidOperationException("cannot run"))];

        var fused = Fused(typeof(PlanShipment), rules, new PlanShipment());

        Assert.Equal([("plan.broken", typeof(InvalidOperationException))], fused.Select(static v => (v.Id, v.Failure!)));
    }

    [Fact]
    public void Rules_of_a_base_type_run_on_an_entity_of_a_derived_type()
    {
        var rules = Rules(typeof(PlanShipment), 3, static i => $"shipment.Boxes == {i} || shipment.Label == null");
        var parcel = new PlanParcel { Boxes = 1, Label = "a" };

        var fused = Fused(typeof(PlanParcel), rules, parcel);

        Assert.Equal(OneByOne(rules, parcel), fused);
        Assert.Equal(["plan.01"], fused.Select(static v => v.Id));
    }

    [Fact]
    public void Rules_read_again_with_unchanged_expressions_reuse_the_compiled_groups_and_a_changed_rule_compiles_its_group_again()
    {
        var rules = Rules(typeof(PlanShipment), RuleCount, static i => $"shipment.Weight > {i}");
        var again = Array.ConvertAll(rules, static rule => new DataRule(rule.Info, rule.EntityType, rule.Expression, null));
        var edited = (DataRule[])again.Clone();
        edited[66] = Rules(typeof(PlanShipment), 67, static i => $"shipment.Boxes > {i}")[66];

        var first = new DataRulePlan(typeof(PlanShipment), rules).Groups;
        var reread = new DataRulePlan(typeof(PlanShipment), again).Groups;
        var changed = new DataRulePlan(typeof(PlanShipment), edited).Groups;

        Assert.Equal(2, first.Count);
        Assert.Same(first[0].Check, reread[0].Check);
        Assert.Same(first[1].Check, reread[1].Check);
        Assert.Same(first[0].Check, changed[0].Check);
        Assert.NotSame(first[1].Check, changed[1].Check);
    }

    private static DataRule[] Rules(Type entityType, int count, Func<int, string> expression)
    {
        var rules = new DataRule[count];
        for (var i = 0; i < count; i++)
        {
            var text = expression(i);
            var info = new ExceptionRuleInfo($"plan.{i:D2}", entityType, RuleSeverity.Warning, sequence: i, expression: text);
            rules[i] = new DataRule(info, entityType, RuleExpression.Compile(entityType, text, RuleSchema.PublicProperties), null);
        }

        return rules;
    }

    private static List<(string Id, Type? Failure)> Fused(Type entityType, DataRule[] rules, object entity)
    {
        var plan = new DataRulePlan(entityType, rules);
        var run = new RuleRun(plan.Infos, null, RuleSeverity.Blocking, null);
        plan.Run(entity, ref run);
        return Found(run);
    }

    private static List<(string Id, Type? Failure)> OneByOne(DataRule[] rules, object entity)
    {
        var run = new RuleRun(Array.ConvertAll(rules, static rule => rule.Info), null, RuleSeverity.Blocking, null);
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].Run(entity, i, ref run);
        }

        return Found(run);
    }

    private static List<(string Id, Type? Failure)> Found(RuleRun run)
        => run.Violations?.Select(static v => (v.RuleId, v.Exception?.GetType())).ToList() ?? [];
}
