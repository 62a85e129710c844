using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using ServerTools.Rules;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>What the data rule language accepts, and the answers it gives in memory on hand-built orders.</summary>
public sealed class RuleExpressionAcceptanceTests
{
    public static TheoryData<string, bool, bool> Accepted => new()
    {
        { "order.Discount > 0.3m && order.Customer.Country == \"FR\"", true, false },
        { "Discount > 0.3m", true, false },
        { "Quantity > 10 && order.Amount > 1000m", true, false },
        { "@order.Discount > 0", true, false },
        { "order.Customer.Country != \"FR\"", false, true },
        { "order.Customer == null", false, true },
        { "order.Customer is null", false, true },
        { "order.Customer is not null", true, false },
        { "order.Note == null", false, true },
        { "order.DeliveryDate == null", false, true },
        { "order.DeliveryDate.HasValue", true, false },
        { "order.CustomerId == 3", true, false },
        { "order.CustomerId != 3", false, true },
        { "order.CustomerId > 2", true, false },
        { "!(order.CustomerId > 2)", false, true },
        { "order.Customer.CreditLimit == null", false, true },
        { "order.Quantity * order.Discount > 4", true, false },
        { "order.Amount / order.Quantity > 100m", true, false },
        { "order.Quantity % 5 == 2", true, false },
        { "order.Quantity / 5 == 2", true, false },
        { "order.Quantity + 10000000000 > 10000000000", true, true },
        { "-order.Discount < -0.3m", true, false },
        { "+order.Quantity == 12", true, false },
        { "order.Quantity * 0.5d > 5.5d", true, false },
        { "order.Amount >= 1200.50m && order.Amount <= 1200.5m", true, false },
        { "order.State == OrderState.Confirmed", true, false },
        { "order.State != OrderState.Draft", true, false },
        { "order.Note.Contains(\"care\")", true, false },
        { "!order.Note.Contains(\"care\")", false, true },
        { "order.Number.StartsWith(\"SO-\")", true, true },
        { "order.Number.EndsWith('2')", true, false },
        { "order.Note.Length > 10", true, false },
        { "order.Customer.Name.Length == 6", true, false },
        { "order.Note.Trim() == \"Handle with care\"", true, false },
        { "string.IsNullOrEmpty(order.Note)", false, true },
        { "String.IsNullOrEmpty(order.Customer.Email)", true, true },
        { "order.Number + \"/\" + order.Customer.Country == \"SO-0042/FR\"", true, false },
        { "(order.Note ?? \"\") == \"\"", false, true },
        { "(order.Customer.CreditLimit ?? 0m) < 500m", false, true },
        { "(order.CustomerId ?? 0) == 0", false, true },
        { "order.OrderedAt.Year == 2024 && order.OrderedAt.Month == 3 && order.OrderedAt.Day == 15", true, false },
        { "order.OrderedAt.Hour == 10 && order.OrderedAt.Minute == 30 && order.OrderedAt.Second == 0", true, false },
        { "order.OrderedAt.DayOfWeek == DayOfWeek.Friday", true, false },
        { "order.OrderedAt.Date < order.OrderedAt", true, true },
        { "order.DeliveryDate.Year == 2024", true, false },
        { "order.DeliveryDate.Value.DayOfWeek == DayOfWeek.Monday", true, false },
        { "order.Lines.Count > 1", true, false },
        { "order.Lines.Count() == 2", true, false },
        { "order.Lines.Any()", true, false },
        { "!order.Lines.Any()", false, true },
        { "order.Lines.Any(l => l.Price > 500m)", true, false },
        { "order.Lines.All(l => l.Quantity > 0)", true, true },
        { "order.Lines.Count(l => l.Quantity >= 4) == 1", true, false },
        { "order.Lines.Sum(l => l.Price * l.Quantity) > 1000m", true, false },
        { "order.Lines.Sum(l => l.Quantity) == 5", true, false },
        { "order.Lines.Any(l => l.Price > order.Customer.CreditLimit)", true, false },
        { "order.Lines.Any(line => line.Price > 1000m && order.Lines.Count(other => other.Price < line.Price) == 1)", true, false },
        { "Lines.Any(a => Lines.Any(b => b.Price < a.Price) && Lines.All(b => b.Quantity > 0) && Lines.Count(b => b.Price == a.Price) == 1 && Lines.Sum(b => b.Quantity) > 0)", true, false },
        { "Math.Abs(order.Discount - 0.5m) < 0.2m", true, false },
        { "Math.Round(order.Amount / 7m, 2) == 171.5m", true, false },
        { "Math.Round(order.Discount) == 0m", true, true },
        { "order.Urgent ? order.Amount > 1000m : order.Amount > 5m", true, true },
        { "order.Customer.Blocked", false, false },
        { "!order.Customer.Blocked", true, true },
        { "order.Urgent == true", true, false },
        { "(order.Quantity > 10) == order.Urgent", true, true },
        { "1 + 1 == 2", true, true },
        { "order.Amount > 1000m // a big order\n    && order.Urgent /* and in a hurry */", true, false },
        { "order.Lines.Any(l => l.Product == \"Chair\") || order.Lines.Count == 0", true, true },
        { "order.Quantity > -2147483648 && order.Amount > -9223372036854775808", true, true },
        { "order.Note == @\"Handle with care\"", true, false },
        { "order.Amount > 0x10", true, false },
        { "order.Number != \"\"\"raw \"text\" here\"\"\" && order.Amount > 1e3m && order.Quantity > 1.5 && order.Quantity < 1e10", true, false },
        { "order.Quantity > 3000000000 - 2999999990", true, false },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepted_expressions_give_the_expected_answers_in_memory(string expression, bool onFull, bool onBare)
    {
        var rule = RuleExpression.Compile<Order>(expression);

        Assert.Equal(onFull, rule.Evaluate(RuleSamples.Full()));
        Assert.Equal(onBare, rule.Evaluate(RuleSamples.Bare()));
        Assert.Equal(expression, rule.Text);
    }

    [Theory]
    [InlineData("order.Discount > 0.3m", "order")]
    [InlineData("o.Discount > 0.3m && o.Urgent", "o")]
    [InlineData("Discount > 0.3m", "order")]
    [InlineData("Lines.Any(order => order.Price > 500m)", "entity1")]
    public void The_parameter_name_is_the_one_the_expression_uses_for_the_entity(string expression, string name)
    {
        var rule = RuleExpression.Compile<Order>(expression);

        Assert.Equal(name, rule.ParameterName);
        Assert.Equal(name, Assert.Single(rule.Expression.Parameters).Name);
    }

    [Fact]
    public void The_sql_form_reads_members_plainly_and_folds_literals_into_parameters()
    {
        var rule = RuleExpression.Compile<Order>("order.Customer.Country == \"FR\" && order.Amount > 2 * 500");

        var literals = new LiteralReads();
        var text = literals.Visit(rule.Expression).ToString();

        Assert.Equal("order => ((order.Customer.Country == @\"FR\") AndAlso (order.Amount > @1000.0))", text);
        Assert.Equal(["FR", 1000.0m], literals.Values);
    }

    /// <summary>Writes each read of a <see cref="RuleLiteral"/> (a parameter for EF Core) as <c>@value</c>, and collects the values.</summary>
    private sealed class LiteralReads : ExpressionVisitor
    {
        public List<object> Values { get; } = [];

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (node is { NodeType: ExpressionType.Convert, Operand: MemberExpression { Expression: ConstantExpression { Value: RuleLiteral literal } } })
            {
                Values.Add(literal.Value);
                var shown = literal.Value is string text ? $"\"{text}\"" : Convert.ToString(literal.Value, CultureInfo.InvariantCulture);
                return Expression.Parameter(node.Type, "@" + shown);
            }

            return base.VisitUnary(node);
        }
    }

    [Fact]
    public void A_rule_compiled_for_a_base_type_evaluates_derived_entities()
    {
        var rule = RuleExpression.Compile<Order>("order.Urgent && order.Quantity > 10");
        var rush = new RushOrder { Urgent = true, Quantity = 11, Deadline = DateTime.UtcNow };

        Assert.True(rule.Evaluate(rush));
    }

    [Fact]
    public void Evaluate_rejects_a_null_entity()
    {
        var rule = RuleExpression.Compile<Order>("order.Urgent");

        Assert.Throws<ArgumentNullException>(() => rule.Evaluate(null!));
    }

    [Fact]
    public void A_null_element_in_a_collection_reads_as_nulls_instead_of_throwing()
    {
        var order = RuleSamples.Full();
        order.Lines.Add(null!);

        Assert.True(RuleExpression.Compile<Order>("order.Lines.Any(l => l.Price > 500m)").Evaluate(order));
        Assert.False(RuleExpression.Compile<Order>("order.Lines.All(l => l.Quantity > 0)").Evaluate(order));
    }

    [Theory]
    [InlineData("Priority == Priority.High")]
    [InlineData("ticket.Priority == Priority.High")]
    [InlineData("Priority.High == ticket.Priority && Priority != Priority.Low")]
    [InlineData("Escalation == Priority.High")]
    [InlineData("Lead.Priority == Priority.High")]
    public void A_property_named_like_its_enum_type_compares_with_the_enums_members_as_in_CSharp(string expression)
    {
        var rule = RuleExpression.Compile<Ticket>(expression);

        Assert.True(rule.Evaluate(new Ticket { Priority = Priority.High, Escalation = Priority.High, Lead = new Ticket { Priority = Priority.High } }));
        Assert.False(rule.Evaluate(new Ticket { Priority = Priority.Low, Escalation = Priority.Low, Lead = new Ticket { Priority = Priority.Low } }));
    }

    [Fact]
    public void A_nullable_property_named_like_its_enum_type_compares_with_the_enums_members()
    {
        var rule = RuleExpression.Compile<Escalation>("Priority == Priority.High || Priority == null");

        Assert.True(rule.Evaluate(new Escalation { Priority = Priority.High }));
        Assert.True(rule.Evaluate(new Escalation { Priority = null }));
        Assert.False(rule.Evaluate(new Escalation { Priority = Priority.Low }));
    }

    [Fact]
    public void A_property_of_another_type_named_like_an_enum_is_the_property_as_in_CSharp()
    {
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Memo>("Priority == \"x\" || Priority.High == null"));

        Assert.Equal("member 'High' of string", error.Construct);
    }

    [Fact]
    public void Compiling_is_safe_from_many_threads_at_once()
    {
        var rules = Enumerable.Range(0, 64)
            .AsParallel()
            .Select(i => RuleExpression.Compile<Order>($"order.Quantity > {i} && order.Customer.Country == \"FR\""))
            .ToList();

        Assert.Equal(12, rules.Count(r => r.Evaluate(RuleSamples.Full())));
        Assert.All(rules, r => Assert.IsType<Expression<Func<Order, bool>>>(r.Expression, exactMatch: false));
    }
}

/// <summary>How urgent a <see cref="Ticket"/> is.</summary>
public enum Priority
{
    Low,
    High,
}

/// <summary>An entity with a property named like its enum type (C#'s "Color Color").</summary>
public sealed class Ticket
{
    public Priority Priority { get; set; }

    /// <summary>A property of the same enum type under another name.</summary>
    public Priority Escalation { get; set; }

    public Ticket? Lead { get; set; }
}

/// <summary>An entity with a nullable property named like its enum type.</summary>
public sealed class Escalation
{
    public Priority? Priority { get; set; }
}

/// <summary>An entity with a string property named like an enum its navigation reaches.</summary>
public sealed class Memo
{
    public string Priority { get; set; } = "";

    public Ticket? Ticket { get; set; }
}
