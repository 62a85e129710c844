using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Rules;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>The engine's entry point: members are looked up only through the <see cref="RuleSchema"/> it passes.</summary>
public sealed class RuleSchemaTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    [Theory]
    [InlineData("order.Discount > 0.3m", "Discount")]
    [InlineData("Discount > 0.3m", "Discount")]
    [InlineData("order.Customer.CreditLimit > 10m", "CreditLimit")]
    [InlineData("order.Lines.Any(l => l.Price > 10m)", "Price")]
    public void A_member_the_schema_hides_is_an_unknown_name(string expression, string hidden)
    {
        var schema = new HidingSchema(hidden);

        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile(typeof(Order), expression, schema));

        Assert.Equal($"unknown name '{hidden}'", error.Construct);
        Assert.Equal(expression.IndexOf(hidden, StringComparison.Ordinal), error.Position);
        Assert.DoesNotContain($"did you mean '{hidden}'", error.Message, StringComparison.Ordinal);
        Assert.NotNull(RuleExpression.Compile(typeof(Order), expression, RuleSchema.PublicProperties));
    }

    [Fact]
    public void An_enum_is_known_only_when_the_schema_graph_reaches_it()
    {
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile(typeof(Order), "Urgent && OrderState.Draft == OrderState.Draft", new HidingSchema("State")));

        Assert.Equal("static member 'OrderState'", error.Construct);
    }

    [Fact]
    public async Task The_engine_gets_the_typed_lambda_and_an_evaluator_of_objects()
    {
        var compiled = RuleExpression.Compile(typeof(Order), "order.Urgent && order.Customer.Country == \"FR\"", new HidingSchema("Discount"));
        await using var context = database.Create();

        var lambda = Assert.IsType<Expression<Func<Order, bool>>>(compiled.Expression, exactMatch: false);
        var sql = context.Orders.Where(lambda).ToQueryString();

        Assert.Equal("order", compiled.ParameterName);
        Assert.Equal("order.Urgent && order.Customer.Country == \"FR\"", compiled.Text);
        Assert.Contains("\"Country\" = @p", sql, StringComparison.Ordinal);
        Assert.Contains("-- @p='FR'", sql, StringComparison.Ordinal);
        Assert.True(compiled.Evaluate(new RushOrder { Urgent = true, Customer = new Customer { Country = "FR" } }));
        Assert.False(compiled.Evaluate(new Order { Urgent = true }));
    }

    [Fact]
    public void A_schema_that_gives_another_type_s_property_is_a_programming_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RuleExpression.Compile(typeof(Order), "order.Price > 0m", new WrongSchema()));

        Assert.Contains("OrderLine.Price", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_public_property_schema_lists_readable_instance_properties_and_collection_element_types()
    {
        var schema = RuleSchema.PublicProperties;

        Assert.Equal(typeof(OrderLine), schema.FindMember(typeof(Order), "Lines")!.ElementType);
        Assert.Null(schema.FindMember(typeof(Order), "Number")!.ElementType);
        Assert.Null(schema.FindMember(typeof(Order), "discount"));
        Assert.Contains("Deadline", schema.MemberNames(typeof(RushOrder)));
        Assert.Same(schema.FindMember(typeof(Order), "Lines"), schema.FindMember(typeof(Order), "Lines"));
    }

    [Fact]
    public void Only_application_entity_classes_can_be_rule_entities()
    {
        Assert.Throws<ArgumentException>(() => RuleExpression.Compile(typeof(System.IO.FileInfo), "Length > 0", RuleSchema.PublicProperties));
        Assert.Throws<ArgumentException>(() => RuleExpression.Compile(typeof(string), "Length > 0", RuleSchema.PublicProperties));
    }

    [Fact]
    public void Properties_of_library_types_are_not_navigated()
    {
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile(typeof(Holder), "holder.File.Length > 0", RuleSchema.PublicProperties));

        Assert.Equal("member 'File' of type 'FileInfo'", error.Construct);
    }

    /// <summary>A type with a property of a .NET library type, which a rule may not open.</summary>
    public sealed class Holder
    {
        public System.IO.FileInfo? File { get; set; }
    }

    /// <summary>The public properties, less one name on every type: as the engine's schema hides unmapped members.</summary>
    private sealed class HidingSchema(string hidden) : RuleSchema
    {
        public override RuleMember? FindMember(Type type, string name) => name == hidden ? null : PublicProperties.FindMember(type, name);

        public override IEnumerable<string> MemberNames(Type type) => PublicProperties.MemberNames(type).Where(n => n != hidden);
    }

    /// <summary>A broken schema: it answers with a property of another type.</summary>
    private sealed class WrongSchema : RuleSchema
    {
        public override RuleMember? FindMember(Type type, string name) => PublicProperties.FindMember(typeof(OrderLine), name);

        public override IEnumerable<string> MemberNames(Type type) => PublicProperties.MemberNames(typeof(OrderLine));
    }
}
