using System;
using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>A node of a tree: a self-reference up and a collection down, so rules can read wide collections again from inside a lambda.</summary>
public sealed class TreeNode
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public int Quantity { get; set; }

    public TreeNode? Parent { get; set; }

    public List<TreeNode> Children { get; set; } = [];
}

/// <summary>
/// The limits on the work a rule does, which the size and depth limits do not bound: how deep collection reads nest,
/// how many are nested, how many navigations (joins) a rule reads through. Each rejection names the limit.
/// </summary>
public sealed class RuleCostLimitTests
{
    private static RuleExpressionException Rejected(string expression)
        => Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<TreeNode>(expression));

    [Fact]
    public void A_third_level_of_collections_read_back_through_a_navigation_is_rejected_where_it_starts()
    {
        // Trial 6, note N1: with 1,000 children, this took 4.7 s per evaluation (the cube of the rows).
        const string Cubic = "Parent.Children.Any(a => a.Parent.Children.Any(b => b.Parent.Children.Any(c => c.Quantity < 0)))";

        var error = Rejected(Cubic);

        Assert.Equal("too deeply nested collections", error.Construct);
        Assert.Equal(Cubic.IndexOf("b.Parent.Children.Any", StringComparison.Ordinal), error.Position);
        Assert.Equal("b.Parent.Children.Any".Length, error.Length);
        Assert.Contains("at most 2 levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_levels_of_collections_run()
    {
        var rule = RuleExpression.Compile<TreeNode>("Parent.Children.Any(a => a.Parent.Children.Count(b => b.Quantity > a.Quantity) == 0 && a.Quantity > 5)");
        var parent = new TreeNode { Name = "p" };
        var node = new TreeNode { Parent = parent, Quantity = 1 };
        parent.Children.AddRange([node, new TreeNode { Parent = parent, Quantity = 9 }]);

        Assert.True(rule.Evaluate(node));
        parent.Children[1].Quantity = 0;
        Assert.False(rule.Evaluate(node));
    }

    [Fact]
    public void Four_collection_reads_inside_a_lambda_run_and_a_fifth_is_rejected()
    {
        string[] nested = ["a.Children.Any()", "Children.Count(b => b.Quantity > a.Quantity) > 1", "Children.Count > 2", "Children.Sum(b => b.Quantity) > 3", "Children.All(b => b.Quantity > 4)"];
        var four = $"Children.Any(a => {string.Join(" || ", nested[..4])})";
        var five = $"Children.Any(a => {string.Join(" || ", nested)})";

        Assert.False(RuleExpression.Compile<TreeNode>(four).Evaluate(new TreeNode()));
        var error = Rejected(five);

        Assert.Equal("too many nested collection reads", error.Construct);
        Assert.Equal(five.IndexOf("Children.All", StringComparison.Ordinal), error.Position);
        Assert.Contains("at most 4 times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Collection_reads_side_by_side_at_the_first_level_are_not_limited()
    {
        var text = string.Join(" || ", Enumerable.Range(0, 30).Select(i => $"Children.Any(c => c.Quantity == {i})"));

        Assert.False(RuleExpression.Compile<TreeNode>(text).Evaluate(new TreeNode()));
    }

    [Fact]
    public void A_chain_of_sixteen_navigations_runs_and_the_seventeenth_is_rejected_at_its_name()
    {
        // Trial 6, note N1: 480 of them made 480 joins, and 4.2 s in SQL.
        static string Chain(int length) => "node" + string.Concat(Enumerable.Repeat(".Parent", length)) + ".Name == \"root\"";

        Assert.False(RuleExpression.Compile<TreeNode>(Chain(16)).Evaluate(new TreeNode()));
        var text = Chain(17);
        var error = Rejected(text);

        Assert.Equal("too many navigations", error.Construct);
        Assert.Equal(("node" + string.Concat(Enumerable.Repeat(".Parent", 16))).Length + 1, error.Position);
        Assert.Equal("Parent".Length, error.Length);
        Assert.Contains("at most 16 different navigations", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_navigation_read_again_is_one_join_and_counts_once()
    {
        var text = string.Join(" || ", Enumerable.Range(0, 40).Select(i => $"node.Parent.Parent.Quantity == {i}"));

        Assert.False(RuleExpression.Compile<TreeNode>(text).Evaluate(new TreeNode()));
    }

    [Fact]
    public void Navigations_from_the_elements_of_lambdas_count_too()
    {
        var text = string.Join(" || ", Enumerable.Range(0, 17).Select(i => $"Children.Any(c{i} => c{i}.Parent.Quantity == {i})"));

        var error = Rejected(text);

        Assert.Equal("too many navigations", error.Construct);
        Assert.Equal(text.IndexOf("c16.Parent", StringComparison.Ordinal) + "c16.".Length, error.Position);
    }
}
