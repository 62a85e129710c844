using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>Evaluate and Enforce with the code rules of TestRules.cs: order, severities, sets, inheritance, DI, failures.</summary>
public sealed class ExceptionRuleEngineTests : IDisposable
{
    private readonly ServiceProvider _services = RuleServicesFactory.Create();
    private readonly IServiceScope _scope;
    private readonly IExceptionRuleEngine _engine;

    public ExceptionRuleEngineTests()
    {
        _scope = _services.CreateScope();
        _engine = _scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
    }

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
    }

    private static Order CleanOrder() => new()
    {
        Id = 1,
        Number = "SO001",
        CustomerId = 7,
        Discount = 0.05m,
        Amount = 500m,
        Quantity = 3,
        OrderedAt = new DateTime(2026, 11, 21, 9, 0, 0, DateTimeKind.Utc),
    };

    [Fact]
    public void A_clean_entity_has_no_violations()
    {
        var evaluation = _engine.Evaluate(CleanOrder());

        Assert.True(evaluation.IsClean);
        Assert.False(evaluation.HasBlocking);
        Assert.Same(RuleEvaluation.Clean, evaluation);
    }

    [Fact]
    public void Violations_come_in_sequence_order_with_their_severity_and_message()
    {
        var order = CleanOrder();
        order.CustomerId = null;
        order.Discount = 0.4m;
        order.Quantity = 500;

        var evaluation = _engine.Evaluate(order);

        Assert.Equal(["order.no_customer", "order.discount_limit", "order.big_quantity"], evaluation.Violations.Select(v => v.RuleId));
        Assert.Equal([RuleSeverity.Warning, RuleSeverity.Blocking, RuleSeverity.Warning], evaluation.Violations.Select(v => v.Severity));
        Assert.Equal("A discount above 30% needs a manager's approval", evaluation.Violations[1].Message);
        Assert.Equal("The rule 'Big quantity' is broken.", evaluation.Violations[2].Message);
        Assert.True(evaluation.HasBlocking);
        Assert.Equal(["order.discount_limit"], evaluation.Blocking.Select(v => v.RuleId));
        Assert.Equal(["order.no_customer", "order.big_quantity"], evaluation.Warnings.Select(v => v.RuleId));
    }

    [Fact]
    public void A_rule_set_checks_its_rules_and_the_rules_without_a_set()
    {
        var order = CleanOrder();
        order.CustomerId = null;
        order.Discount = 0.4m;
        order.Quantity = 500;
        order.Amount = 5_000m;

        Assert.Equal(
            ["order.no_customer", "order.discount_limit", "order.big_quantity"],
            _engine.Evaluate(order, "confirm").Violations.Select(v => v.RuleId));
        Assert.Equal(
            ["order.no_customer", "order.big_quantity", "order.credit_limit"],
            _engine.Evaluate(order, "invoice").Violations.Select(v => v.RuleId));
        Assert.Equal(
            ["order.big_quantity"],
            _engine.Evaluate(order, "ship").Violations.Select(v => v.RuleId));
        Assert.Equal(
            ["order.no_customer", "order.discount_limit", "order.big_quantity", "order.credit_limit"],
            _engine.Evaluate(order).Violations.Select(v => v.RuleId));
    }

    [Fact]
    public void Rules_on_a_base_type_and_on_an_interface_apply_to_a_derived_type_in_one_sequence()
    {
        var rush = new RushOrder
        {
            Id = 2,
            CustomerId = null,
            Discount = -0.1m,
            Quantity = 1,
            OrderedAt = new DateTime(2026, 11, 21, 9, 0, 0, DateTimeKind.Utc),
            Deadline = new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc),
        };

        var evaluation = _engine.Evaluate(rush);
        var asBase = _engine.Evaluate<Order>(rush);

        Assert.Equal(["rush.deadline_passed", "order.no_customer", "discounted.negative"], evaluation.Violations.Select(v => v.RuleId));
        Assert.Equal(evaluation.Violations.Select(v => v.RuleId), asBase.Violations.Select(v => v.RuleId));
        Assert.Equal(["discounted.negative"], _engine.Evaluate<IDiscounted>(rush, "invoice").Blocking.Select(v => v.RuleId));
    }

    [Fact]
    public void An_entity_that_a_rule_class_checks_through_two_of_its_interfaces_is_refused_with_the_class_and_the_interfaces()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => _engine.Evaluate(new LabelledCrate { Weight = 500m, Label = "fragile" }));

        Assert.Equal(
            "The rule 'crate.marked' (ServerTools.Tests.Rules.MarkedCrate) checks ServerTools.Tests.Rules.LabelledCrate twice, through IExceptionRule<ILabelled> and "
            + "IExceptionRule<IWeighed>, which LabelledCrate both implements: which of its two answers counts is not written anywhere. Implement only one of the two "
            + "interfaces and check in its Applies what is particular to the other, or split the class into two rules with ids of their own.",
            exception.Message);
        Assert.Throws<InvalidOperationException>(() => _engine.RulesFor(typeof(LabelledCrate)));
    }

    [Fact]
    public void RulesFor_lists_the_rules_an_evaluation_runs_in_order()
    {
        Assert.Equal(
            ["rush.deadline_passed", "order.no_customer", "order.discount_limit", "discounted.negative", "discounted.huge", "order.big_quantity", "order.note_parser"],
            _engine.RulesFor(typeof(RushOrder), "confirm").Select(r => r.Id));
        var noCustomer = _engine.RulesFor(typeof(Order)).Single(r => r.Id == "order.no_customer");
        Assert.Equal(typeof(Order), noCustomer.EntityType);
        Assert.Equal(typeof(OrderWithoutCustomer), noCustomer.RuleType);
        Assert.Equal(["confirm", "invoice"], noCustomer.RuleSets);
        Assert.Equal(["data-quality"], noCustomer.Tags);
        Assert.False(noCustomer.IsDataRule);
        var bigQuantity = _engine.RulesFor(typeof(Order)).Single(r => r.Id == "order.big_quantity");
        Assert.Equal("Big quantity", bigQuantity.Name);
        Assert.Equal("Quantities above 100 are checked by the warehouse.", bigQuantity.Description);
        Assert.Empty(_engine.RulesFor(typeof(string)));
    }

    [Fact]
    public void Rules_take_their_dependencies_from_the_engines_scope()
    {
        using var services = RuleServicesFactory.Create(creditLimit: 100m);
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var limits = (FixedCreditLimits)scope.ServiceProvider.GetRequiredService<ICreditLimits>();
        var order = CleanOrder();

        Assert.Equal(["order.credit_limit"], engine.Evaluate(order, "invoice").Violations.Select(v => v.RuleId));
        order.Amount = 50m;
        Assert.True(engine.Evaluate(order, "invoice").IsClean);
        Assert.Equal(2, limits.Calls);
    }

    [Fact]
    public void A_rule_whose_dependency_is_not_registered_fails_with_a_message_naming_both()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _engine.Evaluate(new Customer { Name = "Ada" }));

        Assert.Contains("customer.unknown", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(ICustomerDirectory).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_that_throws_is_a_blocking_failure_and_the_other_rules_still_run()
    {
        var order = CleanOrder();
        order.Note = "boom";
        order.Quantity = 500;

        var evaluation = _engine.Evaluate(order);

        Assert.Equal(["order.big_quantity", "order.note_parser"], evaluation.Violations.Select(v => v.RuleId));
        var failure = evaluation.Violations[1];
        Assert.True(failure.IsFailure);
        Assert.Equal(RuleSeverity.Blocking, failure.Severity);
        Assert.Equal("The note parser broke.", Assert.IsType<InvalidOperationException>(failure.Exception).Message);
        Assert.Contains("failed with InvalidOperationException", failure.Message, StringComparison.Ordinal);
        Assert.True(evaluation.HasBlocking);
    }

    [Fact]
    public void The_severity_of_a_failure_is_an_option()
    {
        using var services = RuleServicesFactory.Create(options => options.Rules.FailureSeverity = RuleSeverity.Warning);
        using var scope = services.CreateScope();
        var order = CleanOrder();
        order.Note = "boom";

        var evaluation = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>().Evaluate(order);

        Assert.Equal(RuleSeverity.Warning, Assert.Single(evaluation.Violations).Severity);
        Assert.False(evaluation.HasBlocking);
    }

    [Fact]
    public void Enforce_throws_with_the_blocking_violations_only()
    {
        var order = CleanOrder();
        order.CustomerId = null;
        order.Discount = 0.5m;
        order.Note = "boom";

        var error = Assert.Throws<BusinessRuleException>(() => _engine.Enforce(order));

        Assert.Equal(["order.discount_limit", "order.note_parser"], error.Violations.Select(v => v.RuleId));
        Assert.StartsWith("2 blocking business rules are broken: order.discount_limit: A discount above 30% needs a manager's approval; order.note_parser:", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public void Enforce_returns_the_warnings_when_nothing_blocks()
    {
        var order = CleanOrder();
        order.CustomerId = null;

        var evaluation = _engine.Enforce(order, "confirm");

        Assert.Equal(["order.no_customer"], evaluation.Warnings.Select(v => v.RuleId));
    }

    [Fact]
    public void Evaluate_refuses_null()
        => Assert.Throws<ArgumentNullException>(() => _engine.Evaluate<Order>(null!));
}
