using System;
using System.Globalization;
using System.Linq;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>
/// The allow-list as a security boundary: hostile and malformed expressions are rejected with the construct named
/// and its exact position (the first occurrence of the marker in the text; an empty marker is the end of the text).
/// </summary>
public sealed class RuleExpressionRejectionTests
{
    public static TheoryData<string, string, string> Hostile => new()
    {
        // reflection and types
        { "typeof(Order).Assembly.Location.Length > 0", "typeof", "typeof" },
        { "order.GetType().Name == \"Order\"", "method 'GetType'", "GetType" },
        { "order.Note.GetType() != null", "method 'GetType'", "GetType" },
        { "GetType() == null", "method 'GetType'", "GetType" },
        { "\\u0047etType() == null", "method 'GetType'", "\\u0047etType" },
        { "order.Customer.GetType().Assembly != null", "method 'GetType'", "GetType" },
        { "order.ToString() == \"x\"", "method 'ToString'", "ToString" },
        { "order.Discount.ToString() == \"0.3\"", "method 'ToString'", "ToString" },
        { "order.Lines.Count.ToString() == \"2\"", "method 'ToString'", "ToString" },
        { "order.GetHashCode() == 0", "method 'GetHashCode'", "GetHashCode" },
        { "order.Equals(order)", "method 'Equals'", "Equals" },
        { "order.Recalculate()", "method 'Recalculate'", "Recalculate" },
        { "Type.GetType(\"System.IO.File\") != null", "static member 'Type'", "Type" },
        { "Activator.CreateInstance(typeof(Order)) != null", "static member 'Activator'", "Activator" },
        { "AppDomain.CurrentDomain.BaseDirectory == \"\"", "static member 'AppDomain.CurrentDomain'", "AppDomain" },
        { "sizeof(int) == 4", "sizeof", "sizeof" },
        { "nameof(order) == \"order\"", "nameof", "nameof" },

        // files, processes, environment
        { "System.IO.File.Exists(\"/etc/passwd\")", "static member 'System.IO.File'", "System" },
        { "System.IO.File.ReadAllText(\"/etc/passwd\").Length > 0", "static member 'System.IO.File'", "System" },
        { "global::System.IO.File.Exists(\"x\")", "static member 'global::System.IO.File'", "global" },
        { "File.Delete(\"x\") == null", "static member 'File'", "File" },
        { "System.Diagnostics.Process.Start(\"sh\") != null", "static member 'System.Diagnostics.Process'", "System" },
        { "Process.Start(\"sh\").Id > 0", "static member 'Process'", "Process" },
        { "Environment.Exit(0) == null", "static member 'Environment'", "Environment" },
        { "Environment.ProcessorCount > 2", "static member 'Environment'", "Environment" },
        { "System.Environment.GetEnvironmentVariable(\"HOME\") == \"/root\"", "static member 'System.Environment'", "System" },
        { "DateTime.Now.Year > 2000", "static member 'DateTime.Now'", "DateTime" },
        { "Discount > 0.3m && RushOrder.Deadline > order.OrderedAt", "static member 'RushOrder'", "RushOrder" },

        // creation
        { "new Order().Discount > 0", "object creation", "new" },
        { "order.Customer == new()", "object creation", "new" },
        { "new { A = 1 }.A == 1", "anonymous object creation", "new" },
        { "new[] { 1, 2 }.Length == 2", "array creation", "new" },
        { "new int[3].Length == 3", "array creation", "new" },
        { "stackalloc int[1] == null", "stackalloc", "stackalloc" },
        { "[1, 2] == null", "collection expression", "[" },
        { "(order.Quantity, order.Amount) == (1, 2m)", "tuple", "(order" },

        // writes
        { "order.Quantity = 5", "assignment", "order" },
        { "order.Quantity == 5 && (order.Quantity = 6) == 6", "assignment", "order.Quantity = 6" },
        { "(order.Discount += 1m) > 0", "compound assignment", "order" },
        { "(order.Note ??= \"x\") == \"x\"", "compound assignment", "order" },
        { "order.Quantity++ > 0", "increment", "order" },
        { "--order.Quantity > 0", "decrement", "--" },

        // conversions, type tests, patterns
        { "(int)order.Discount == 0", "cast", "(int)" },
        { "(dynamic)order != null", "cast", "(dynamic)" },
        { "order.Note as object != null", "as", "order" },
        { "order is RushOrder", "is type", "order" },
        { "order.Quantity is int", "is type", "order" },
        { "order.Quantity is > 5", "pattern", "> 5" },
        { "order.Number is \"SO\"", "pattern", "\"SO\"" },
        { "order.Customer is { Country: \"FR\" }", "pattern", "{" },
        { "order.State switch { OrderState.Draft => true, _ => false }", "switch expression", "order" },
        { "(order with { Discount = 1m }).Discount > 0", "with expression", "order with" },
        { "(order.Note ?? throw null) == \"\"", "throw expression", "throw" },

        // lambdas and collections
        { "x => x", "lambda", "x" },
        { "order.Lines.Select(l => l.Price).Any()", "method 'Select'", "Select" },
        { "Lines.First().Price > 0", "method 'First'", "First" },
        { "order.Lines.Any(l => l.GetType() == typeof(OrderLine))", "method 'GetType'", "GetType" },
        { "order.Lines.Any(l => System.IO.File.Exists(l.Product))", "static member 'System.IO.File'", "System" },
        { "order.Lines.All(l => File.ReadAllText(l.Product) == \"\")", "static member 'File'", "File" },
        { "order.Lines.Any(l => { return true; })", "statement lambda", "l =>" },
        { "order.Lines.Any(async l => true)", "'async' lambda", "async" },
        { "order.Lines.Any((OrderLine l) => true)", "typed lambda parameter", "OrderLine l" },
        { "order.Lines.Any(order => true)", "lambda parameter 'order'", "order =>" },
        { "order.Lines.Any(l => order.Lines.Any(l => true))", "lambda parameter 'l'", "l => true" },
        { "order.Lines.Any(IsBig)", "argument that is not a lambda", "IsBig" },
        { "order.Note == \"a\\u0000\"", "NUL character", "\"a" },
        { "order.Note == \"a\\0b\"", "NUL character", "\"a" },
        { "order.Note == \"\"\"a\u0000\"\"\"", "NUL character", "\"\"\"a" },
        { "order.Note.Contains('\\0')", "NUL character", "'" },
        { "Lines.Any(a => Lines.Any(b => Lines.Any(c => Lines.Any(d => true))))", "too deeply nested collections", "Lines.Any(c" },
        { "Lines.Any(a => Lines.Any(b => Lines.Count(c => c.Price < b.Price && b.Price < a.Price) == 0))", "too deeply nested collections", "Lines.Count" },
        { "Lines.Any(a => Lines.Any(b => Lines.Count > 1))", "too deeply nested collections", "Lines.Count" },
        { "Lines.Any(a => Lines.Sum(b => Lines.Count()) > 1)", "too deeply nested collections", "Lines.Count" },
        { "order.Lines.Any(delegate (OrderLine l) { return true; })", "anonymous method", "delegate" },
        { "order.Lines.Any<OrderLine>()", "generic method call", "Any<OrderLine>" },
        { "order.Lines.Any(l => l.Price > 0, 1)", "method 'Any' with 2 arguments", "Any" },
        { "order.Lines.Count(l => l.Price) > 0", "decimal as a condition", "l.Price" },
        { "order.Lines.Sum(l => l.Quantity * 1.5d) > 0", "Sum of double", "l =>" },
        { "order.Lines.Sum(l => l.Product) == \"\"", "Sum of string", "l =>" },
        { "order.Lines.Sum(l => l) > 0", "Sum of an entity", "l)" },
        { "order.Lines == null", "collection compared with null", "order" },
        { "from l in order.Lines select l", "query expression", "from" },
        { "((System.Func<bool>)(() => true))()", "delegate invocation", "((System" },

        // other expression forms
        { "$\"{order.Number}\" == \"x\"", "interpolated string", "$" },
        { "order.Note == \"x\"u8", "UTF-8 string literal", "\"x\"u8" },
        { "order.Lines[0].Price > 0", "element access", "order" },
        { "order.Number[0] == 'S'", "element access", "order" },
        { "order.Customer?.Country == \"FR\"", "conditional access '?.'", "order" },
        { "order.Customer!.Country == \"FR\"", "null-forgiving operator '!'", "order" },
        { "&order.Quantity == null", "pointer operation", "&" },
        { "__makeref(order) == null", "__makeref", "__makeref" },
        { "__reftype(x) == null", "__reftype", "__reftype" },
        { "__refvalue(x, int) == 0", "__refvalue", "__refvalue" },
        { "default(int) == order.Quantity", "default", "default" },
        { "order.Quantity == default", "default", "default" },
        { "checked(order.Quantity + 1) > 0", "checked", "checked" },
        { "unchecked(order.Quantity + 1) > 0", "unchecked", "unchecked" },
        { "this.Discount > 0", "this", "this" },
        { "base.Discount > 0", "base", "base" },
        { "(1..2) == null", "range", "1..2" },
        { "order.Note.Contains(value: \"x\")", "named argument", "value:" },
        { "System.IO.File.Exists(path: \"x\")", "static member 'System.IO.File'", "System" },
        { "order.Note.Contains(out var x)", "'out' argument", "out" },

        // names
        { "Discont > 0.3m", "unknown name 'Discont'", "Discont" },
        { "order.Discont > 0.3m", "unknown name 'Discont'", "Discont" },
        { "order.Customer.Contry == \"FR\"", "unknown name 'Contry'", "Contry" },
        { "order.Urgent && ordr.Quantity > 1", "unknown name 'ordr'", "ordr" },
        { "OrderState.Confirmd == order.State", "unknown name 'Confirmd'", "Confirmd" },
        { "order == null", "entity 'order' as a value", "order" },

        // types and operators
        { "order.Discount", "decimal as a condition", "order" },
        { "order.Discount > 0.3", "operator '>' on decimal and double", ">" },
        { "order.Note < \"b\"", "operator '<' on string and string", "<" },
        { "order.State > OrderState.Draft", "operator '>' on OrderState and OrderState", ">" },
        { "(order.Quantity & 1) == 1", "operator '&'", "&" },
        { "order.Urgent | order.Quantity > 1", "operator '|'", "|" },
        { "order.Quantity << 2 > 0", "operator '<<'", "<<" },
        { "~order.Quantity > 0", "operator '~'", "~" },
        { "order.Quantity == null", "comparison of int with null", "==" },
        { "(order.Quantity ?? 0) > 1", "operator '??' on int that is never null", "??" },
        { "\"\" + order.Quantity == \"1\"", "operator '+' on string and int", "+" },
        { "(order.OrderedAt - order.OrderedAt).Days == 0", "operator '-' on DateTime and DateTime", "-" },
        { "order.Note.ToUpper() == \"X\"", "method 'ToUpper'", "ToUpper" },
        { "order.Number.Substring(0, 2) == \"SO\"", "method 'Substring'", "Substring" },
        { "order.Note.Contains(null)", "Contains of null", "null" },
        { "order.Customer.Name.Contains(\"a\", StringComparison.Ordinal)", "method 'Contains' with 2 arguments", "Contains" },
        { "order.DeliveryDate.Value.AddDays(1) == order.DeliveryDate", "method 'AddDays'", "AddDays" },
        { "order.OrderedAt.Ticks > 0", "member 'Ticks' of DateTime", "Ticks" },
        { "Math.Sqrt(order.Quantity) > 2", "method 'Math.Sqrt'", "Math" },
        { "Math.PI > 3", "static member 'Math.PI'", "Math" },
        { "string.Join(\",\", order.Number) == \"\"", "method 'string.Join'", "string" },
        { "Math.Round(order.Amount, 30) > 0", "Math.Round digits", "30" },
        { "Math.Round(order.Quantity * 0.5d) > 0", "Math.Round of double", "order" },

        // literals and constants
        { "99999999999999999999 > order.Quantity", "literal out of range", "9" },
        { "order.Amount > 1e40m", "literal out of range", "1e40m" },
        { "order.Quantity * 1e400 > 0", "literal out of range", "1e400" },
        { "order.Quantity > 18446744073709551615", "literal out of range", "18446744073709551615" },
        { "order.Quantity > 5u", "unsigned literal", "5u" },
        { "order.Discount > 0.3f", "float literal", "0.3f" },
        { "1 / 0 == 0", "division by constant zero", "1 / 0" },
        { "order.Amount / 0m > 1m", "division by constant zero", "/" },
        { "order.Quantity % 0 == 1", "division by constant zero", "%" },
        { "order.Amount / 0 > 1m", "division by constant zero", "/" },
        { "order.Amount % -0.0m > 1m", "division by constant zero", "%" },
        { "order.Quantity / (2 - 2) > 1", "division by constant zero", "/" },
        { "order.Ratio / 0.0 > 1.0", "division by constant zero", "/" },
        { "2147483647 + 1 > 0", "constant overflow", "2147483647" },

        // constructs under a call or in place of a lambda
        { "__arglist(1) == null", "__arglist", "__arglist" },
        { "this() == null", "this", "this" },
        { "delegate { return true; } == null", "anonymous method", "delegate" },

        // malformed text
        { "", "empty expression", "" },
        { "order.Discount > 0.3m; Process.Start(\"sh\")", "text after the expression", ";" },
        { "order.Urgent )", "text after the expression", ")" },
        { "order.Note == \"abc", "unterminated string", "\"abc" },
        { "order.Note == 'ab'", "malformed character literal", "'ab'" },
        { "order.Discount > ", "missing operand", "" },
        { "(order.Discount > 1", "missing ')'", "" },
        { "order.Quantity == 1 /* open", "unterminated comment", "/*" },
        { "#if true\norder.Urgent\n#endif", "preprocessor directive", "#if" },
        { "#if DEBUG\norder.Urgent\n#endif", "preprocessor directive", "#if" },
        { "order.Quantity > 100\n#if NEVER\n    || order.Discount > 0.3m\n#endif", "preprocessor directive", "#if" },
        { "order.Urgent\n#define X", "preprocessor directive", "#define" },
        { "order.Urgent\n#region r", "preprocessor directive", "#region" },
        { "order.Urgent // why\n#error boom", "preprocessor directive", "#error" },
        { "order.Urgent &&\n#pragma warning disable\norder.Quantity > 1", "preprocessor directive", "#pragma" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_expressions_are_rejected_with_the_construct_and_its_position(string expression, string construct, string marker)
    {
        var position = marker.Length == 0 ? expression.Length : expression.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(position >= 0, $"marker '{marker}' is not in the expression");

        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));

        Assert.Equal(construct, error.Construct);
        Assert.Equal(position, error.Position);
        Assert.Equal(expression, error.Expression);
        Assert.InRange(error.Position + error.Length, error.Position, expression.Length);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"at position {position} (line {error.Line}, column {error.Column})"), error.Message, StringComparison.Ordinal);
        Assert.Contains(construct, error.Message, StringComparison.Ordinal);

        // A text that is not C# reads as a syntax error, a limit as a limit, C# a rule may not hold as a ban: never one worded
        // as another.
        var syntaxError = s_syntaxErrors.Contains(construct);
        var limit = s_limits.Contains(construct);
        Assert.Equal(syntaxError, error.IsSyntaxError);
        Assert.Equal(syntaxError, error.Message.StartsWith($"The data rule expression has a syntax error, {construct}, at position {position} ", StringComparison.Ordinal));
        Assert.Equal(limit, error.Message.StartsWith($"The data rule expression exceeds a limit, {construct}, at position {position} ", StringComparison.Ordinal));
        Assert.Equal(!syntaxError && !limit, error.Message.StartsWith($"The data rule expression uses {construct} at position {position} ", StringComparison.Ordinal));
        Assert.Equal(!syntaxError && !limit, error.Message.Contains("which is not allowed", StringComparison.Ordinal));
    }

    /// <summary>The constructs that name a limit (docs/rules.md, "Limits"): an expression too long, too large or too deep.</summary>
    private static readonly string[] s_limits =
    [
        "text too long", "string literal too long", "literal out of range", "too deeply nested", "too many nodes", "too many navigations",
        "too deeply nested collections", "too many nested collection reads",
    ];

    /// <summary>The constructs that name a syntax error (docs/rules.md, "Limits"), not something a rule may not do.</summary>
    private static readonly string[] s_syntaxErrors =
    [
        "unterminated string", "malformed character literal", "malformed number", "unrecognized escape sequence", "unterminated comment",
        "missing operand", "missing ')'", "text after the expression", "empty expression", "syntax error",
    ];

    [Theory]
    [InlineData(
        "order.Discount > ",
        "The data rule expression has a syntax error, missing operand, at position 17 (line 1, column 18): a value (a property, a literal "
        + "or an expression in parentheses) is expected after '>'. The expression: \"order.Discount > \"")]
    [InlineData(
        "order.Quantity > 1 &&\n  (order.Discount > 0.3m || order.Urgent",
        "The data rule expression has a syntax error, missing ')', at position 62 (line 2, column 41): ')' is expected to close the '(' at "
        + "position 24. The expression: \"order.Quantity > 1 &&\n  (order.Discount > 0.3m || order.Urgent\"")]
    [InlineData(
        "order.Note == \"call",
        "The data rule expression has a syntax error, unterminated string, at position 14 (line 1, column 15): a closing quote (\") is "
        + "expected on the same line. The expression: \"order.Note == \"call\"")]
    [InlineData(
        "order.Urgent; order.Quantity > 1",
        "The data rule expression has a syntax error, text after the expression, at position 12 (line 1, column 13): the end of the "
        + "expression is expected: a rule is one expression, and ';' and what follows it are not part of it. The expression: \"order.Urgent; order.Quantity > 1\"")]
    [InlineData(
        " ",
        "The data rule expression has a syntax error, empty expression, at position 0 (line 1, column 1): a condition on the entity is "
        + "expected, such as order.Discount > 0.3m.")]
    public void A_syntax_error_says_what_is_expected_where_and_quotes_the_expression(string expression, string message)
    {
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));

        Assert.Equal(message, error.Message);
        Assert.True(error.IsSyntaxError);
    }

    [Fact]
    public void A_syntax_error_in_a_long_expression_quotes_the_text_around_it()
    {
        var expression = string.Concat(Enumerable.Repeat("order.Quantity > 1 && ", 20)) + "order.Discount > ";

        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));

        Assert.Equal(("missing operand", expression.Length), (error.Construct, error.Position));
        Assert.EndsWith($"The expression: \"...{expression[^80..]}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void There_are_at_least_sixty_hostile_cases() => Assert.True(Hostile.Count >= 60);

    [Theory]
    [InlineData("Discont > 0.3m", "did you mean 'Discount'?")]
    [InlineData("order.Customer.Contry == \"FR\"", "did you mean 'Country'?")]
    [InlineData("order.Urgent && ordr.Quantity > 1", "did you mean 'order'?")]
    [InlineData("OrderState.Confirmd == order.State", "did you mean 'Confirmed'?")]
    [InlineData("order.Lines.Any(line => lien.Price > 0)", "did you mean 'line'?")]
    public void Unknown_names_suggest_the_closest_known_one(string expression, string suggestion)
    {
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));

        Assert.EndsWith(suggestion, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_gives_line_and_column_and_says_what_to_do_instead()
    {
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>("order.Urgent\n  && typeof(Order) != null"));

        Assert.Equal(
            "The data rule expression uses typeof at position 18 (line 2, column 6), which is not allowed: a rule may only read the entity's properties and navigations, literals, operators and the safe methods listed in docs/rules.md.",
            error.Message);
        Assert.Equal((2, 6), (error.Line, error.Column));
        Assert.False(error.IsSyntaxError);
    }

    [Theory]
    [InlineData("order.Quantity * 1e400 > 0", "1e400")]
    [InlineData("order.Quantity > 99999999999999999999", "99999999999999999999")]
    [InlineData("order.Amount > 1e40m", "1e40m")]
    public void A_literal_out_of_range_is_reported_with_its_span(string expression, string literal)
    {
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));

        Assert.Equal(("literal out of range", expression.IndexOf(literal, StringComparison.Ordinal), literal.Length), (error.Construct, error.Position, error.Length));
    }

    [Fact]
    public void A_text_longer_than_the_limit_is_rejected_at_the_limit()
    {
        var expression = "order.Urgent" + new string(' ', 4000);

        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));

        Assert.Equal(("text too long", 4000), (error.Construct, error.Position));
    }

    [Fact]
    public void A_limit_reads_as_a_limit_not_as_a_ban_nor_a_syntax_error()
    {
        var expression = "order.Urgent" + new string(' ', 4000);

        var tooLong = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));
        var tooLarge = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>("order.Quantity > 99999999999999999999"));

        Assert.Equal(
            "The data rule expression exceeds a limit, text too long, at position 4000 (line 1, column 4001): " +
            "a rule expression has at most 4000 characters, and this one has 4012; split it into several rules.",
            tooLong.Message);
        Assert.StartsWith("The data rule expression exceeds a limit, literal out of range, at position 17 (line 1, column 18): ", tooLarge.Message, StringComparison.Ordinal);
        Assert.All([tooLong, tooLarge], error => Assert.False(error.IsSyntaxError));
    }

    [Fact]
    public void A_long_string_literal_is_rejected()
    {
        var expression = "order.Note == \"" + new string('x', 1001) + "\"";

        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));

        Assert.Equal(("string literal too long", 14), (error.Construct, error.Position));
        Assert.True(RuleExpression.Compile<Order>("order.Note == \"" + new string('x', 1000) + "\"").Evaluate(RuleSamples.Bare()) is false);
    }

    [Theory]
    [InlineData(30, -1)]
    [InlineData(31, 31)]
    [InlineData(1900, 32)]
    public void Deep_nesting_is_rejected_at_the_first_level_too_many(int parentheses, int position)
    {
        var expression = new string('(', parentheses) + "order.Quantity > 0" + new string(')', parentheses);

        if (position < 0)
        {
            Assert.True(RuleExpression.Compile<Order>(expression).Evaluate(RuleSamples.Full()));
            return;
        }

        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));
        Assert.Equal(("too deeply nested", position), (error.Construct, error.Position));
    }

    [Theory]
    [InlineData("!", 32)]
    [InlineData("- ", 64)]
    public void Long_runs_of_prefix_operators_are_rejected_as_too_deep(string prefix, int position)
    {
        var expression = string.Concat(Enumerable.Repeat(prefix, 1500)) + "order.Urgent";

        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(expression));

        Assert.Equal(("too deeply nested", position), (error.Construct, error.Position));
    }

    [Fact]
    public void Long_chains_of_one_operator_count_as_one_level_but_not_past_the_node_limit()
    {
        var fits = string.Join(" || ", Enumerable.Range(0, 100).Select(i => $"Quantity == {i}"));
        var tooMany = string.Join("||", Enumerable.Range(0, 570).Select(i => "Id==1"));

        Assert.True(RuleExpression.Compile<Order>(fits).Evaluate(RuleSamples.Full()));
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<Order>(tooMany));
        Assert.Equal("too many nodes", error.Construct);
    }
}
