using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ServerTools.Rules;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>
/// Each place where .NET and PostgreSQL differ, checked on the real database: the in-memory form and the SQL form
/// both give the documented answer on rows built to tell the two behaviours apart, or both fail.
/// </summary>
public sealed class RuleExpressionSemanticsTests(RulesFixture database) : IClassFixture<RulesFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var context = database.Create();
        if (await context.Orders.AnyAsync())
        {
            return;
        }

        var fr = new Customer { Name = "Zoë😀", Country = "FR", CreditLimit = 1500.5m, Blocked = true, Email = null };
        var de = new Customer { Name = "Müller", Country = "DE", CreditLimit = 0m, Blocked = false, Email = "m@x.de" };
        var lower = new Customer { Name = "Petit", Country = "fr", CreditLimit = 999.99m, Blocked = false, Email = "" };
        context.Orders.AddRange(
            new Order
            {
                Number = "N1", Customer = fr, Note = "a😀b", Amount = 1m, Discount = 0.25m, Quantity = 3, State = OrderState.Confirmed, Urgent = true, Ratio = 2.5,
                OrderedAt = new DateTime(2024, 6, 30, 23, 30, 10, 600, DateTimeKind.Utc), DeliveryDate = new DateOnly(2024, 7, 1),
                Lines = [new OrderLine { Product = "Chair", Quantity = 2, Price = 10.5m }, new OrderLine { Product = "Desk", Quantity = 1, Price = 100m }],
            },
            new Order
            {
                Number = "N2", Customer = null, Note = null, Amount = 2.5m, Discount = 0.35m, Quantity = 0, State = OrderState.Draft,
                OrderedAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), DeliveryDate = null,
            },
            new Order
            {
                Number = "N3", Customer = de, Note = "\u00A0care\t", Amount = 10m, Discount = 0.5m, Quantity = -7, State = OrderState.Invoiced, Ratio = double.NaN,
                OrderedAt = new DateTime(2023, 5, 5, 12, 0, 0, DateTimeKind.Utc), DeliveryDate = new DateOnly(2023, 5, 6), LocalAt = new DateTime(2023, 5, 5, 8, 15, 30, 750),
                Lines = [new OrderLine { Product = "Lamp", Quantity = 0, Price = 0m }],
            },
            new Order
            {
                Number = "N4", Customer = lower, Note = "100%_sure\\", Amount = 7.77m, Discount = 0.125m, Quantity = int.MinValue, State = OrderState.Cancelled,
                OrderedAt = new DateTime(2022, 2, 2, 2, 2, 0, DateTimeKind.Utc), DeliveryDate = null,
            },
            new Order
            {
                Number = "N5", Customer = null, Note = " care \n", Amount = 0.125m, Discount = 0m, Quantity = int.MaxValue, State = OrderState.Draft,
                OrderedAt = new DateTime(2021, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), DeliveryDate = new DateOnly(2022, 1, 4),
                Lines = [new OrderLine { Product = "Chair", Quantity = 5, Price = 1m }],
            });
        await context.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string> Claims => new()
    {
        // PostgreSQL's length() counts code points; .NET's Length counts UTF-16 units (4 for "a😀b").
        { "order.Note.Length == 3", "N1" },
        { "order.Customer.Name.Length == 4", "N1" },
        { "(order.Note + order.Customer.Country).Length == 5", "N1" },
        // Npgsql's Trim() is btrim(s, E' \t\n\r'): a no-break space stays, where .NET's Trim() removes it.
        { "order.Note.Trim() == \"care\"", "N5" },
        // A null navigation reads as null: == is false, != is true, as EF Core translates C#'s null semantics.
        { "order.Customer.Country != \"FR\"", "N2 N3 N4 N5" },
        { "order.Customer.Country == \"fr\"", "N4" },
        { "!order.Customer.Blocked", "N2 N3 N4 N5" },
        { "!(order.Customer.CreditLimit > 1000m)", "N2 N3 N4 N5" },
        { "order.Customer.CreditLimit == null", "N2 N5" },
        { "order.Customer.Email == order.Note", "N2" },
        { "string.IsNullOrEmpty(order.Customer.Email)", "N1 N2 N4 N5" },
        { "order.Lines.Any(l => l.Price > order.Customer.CreditLimit / 20m)", "N1" },
        // Contains is ordinal and escapes LIKE's wildcards; on a null string it is false, so its negation is true.
        { "order.Note.Contains(\"%_\")", "N4" },
        { "!order.Note.Contains(\"care\")", "N1 N2 N4" },
        // round() is half away from zero, where .NET's Math.Round is half to even.
        { "Math.Round(order.Discount * 10m) == 3m", "N1" },
        { "Math.Round(order.Amount / 8m, 2) == 0.13m", "N1" },
        // numeric division keeps 20 significant digits here, where .NET keeps 28.
        { "order.Amount / 3m == 0.33333333333333333333m", "N1" },
        // int4 % -1 is 0 in PostgreSQL, even for int.MinValue, where .NET overflows.
        { "order.Quantity % -1 == 0", "N1 N2 N3 N4 N5" },
        // Date parts are read in UTC whatever the session's time zone.
        { "order.OrderedAt.DayOfWeek == DayOfWeek.Sunday && order.OrderedAt.Hour == 23", "N1" },
        { "order.OrderedAt.Year == 2021 && order.OrderedAt.Date < order.OrderedAt", "N5" },
        { "order.DeliveryDate.Value.DayOfWeek == DayOfWeek.Monday", "N1" },
        // Second drops the fraction, as .NET does (date_part('second', x)::int would round 59.999 to 60).
        { "order.OrderedAt.Second == 59", "N5" },
        { "order.OrderedAt.Second == 10 && order.OrderedAt.Minute == 30", "N1" },
        { "order.LocalAt.Value.Second == 30", "N3" },
        // Sums of no rows are 0 (COALESCE), and All of no rows is true.
        { "order.Lines.Sum(l => l.Quantity) == 0", "N2 N3 N4" },
        { "order.Lines.Sum(l => l.Price) / 3m > 36m", "N1" },
        { "order.Lines.All(l => l.Price > 50m)", "N2 N4" },
        // PostgreSQL's float8 order: NaN equals NaN and is above every other number (.NET says false to both).
        { "order.Ratio > 1000d", "N3" },
        { "order.Ratio == order.Ratio", "N1 N2 N3 N4 N5" },
        { "order.Ratio != 2.5d && order.Ratio >= 0d", "N3" },
        { "order.Lines.Any(l => order.Ratio > l.Quantity)", "N1 N3" },
        // A sum of nullable numbers is nullable, as in C#, but never null: nulls are skipped, and no rows sum to 0.
        { "order.Lines.Sum(l => l.Quantity > 1 ? l.Quantity : null) == 2", "N1" },
        { "order.Lines.Sum(l => l.Quantity > 1 ? l.Price : null) > 5m", "N1" },
        { "order.Lines.Sum(l => l.Quantity > 100 ? l.Quantity : null) == 0 && order.Lines.Sum(l => l.Quantity > 100 ? 1L : null) != null", "N1 N2 N3 N4 N5" },
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public async Task Sql_and_memory_give_the_documented_answer(string expression, string expected)
    {
        var rule = RuleExpression.Compile<Order>(expression);
        await using var context = database.Create();
        var orders = await Load(context);

        var inMemory = orders.Where(rule.Evaluate).Select(o => o.Number).Order(StringComparer.Ordinal).ToList();
        await context.Database.OpenConnectionAsync();
        await context.Database.ExecuteSqlRawAsync("SET TIME ZONE 'Pacific/Kiritimati'");
        var inSql = (await context.Orders.Where(rule.Expression).Select(o => o.Number).ToListAsync())
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected.Split(' '), inMemory);
        Assert.Equal(expected.Split(' '), inSql);
    }

    public static TheoryData<string, string, Type, string> Failures => new()
    {
        { "order.Quantity * 2 > 0", "N4", typeof(OverflowException), PostgresErrorCodes.NumericValueOutOfRange },
        { "-order.Quantity > 0", "N4", typeof(OverflowException), PostgresErrorCodes.NumericValueOutOfRange },
        { "Math.Abs(order.Quantity) > 0", "N4", typeof(OverflowException), PostgresErrorCodes.NumericValueOutOfRange },
        { "order.Quantity / -1 > 0", "N4", typeof(OverflowException), PostgresErrorCodes.NumericValueOutOfRange },
        { "order.Quantity + 1 > 0", "N5", typeof(OverflowException), PostgresErrorCodes.NumericValueOutOfRange },
        { "order.Quantity * 1e308d > 0", "N3", typeof(OverflowException), PostgresErrorCodes.NumericValueOutOfRange },
        { "order.Amount / order.Quantity > 0", "N2", typeof(DivideByZeroException), PostgresErrorCodes.DivisionByZero },
        { "order.Amount % order.Quantity > 0", "N2", typeof(DivideByZeroException), PostgresErrorCodes.DivisionByZero },
        { "order.Quantity / (order.Quantity * 0d) > 0", "N1", typeof(DivideByZeroException), PostgresErrorCodes.DivisionByZero },
        { "order.Lines.Sum(l => l.Quantity * 1000000000) > 0", "N5", typeof(OverflowException), PostgresErrorCodes.NumericValueOutOfRange },
        { "order.Quantity * 1e-320d * 1e-10d > 0", "N1", typeof(OverflowException), PostgresErrorCodes.NumericValueOutOfRange },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Where_PostgreSQL_raises_an_error_memory_throws_an_arithmetic_exception(string expression, string number, Type exception, string sqlState)
    {
        var rule = RuleExpression.Compile<Order>(expression);
        await using var context = database.Create();
        var order = (await Load(context)).Single(o => o.Number == number);

        var thrown = Record.Exception(() => rule.Evaluate(order));
        var failure = await Assert.ThrowsAsync<PostgresException>(() => context.Orders.Where(rule.Expression).Select(o => o.Id).ToListAsync());

        Assert.IsType(exception, thrown);
        Assert.IsAssignableFrom<ArithmeticException>(thrown);
        Assert.Equal(sqlState, failure.SqlState);
    }

    [Theory]
    [InlineData("order.Ratio * 1e308d == null", "N2 N4 N5")]
    [InlineData("-(order.Ratio * 1e308d) != null", "N1 N3")]
    [InlineData("(order.Ratio * 1e308d ?? order.Ratio / (order.Quantity * 0d)) == null", "N2 N4 N5")]
    [InlineData("order.Quantity * 2 + order.CustomerId == null", "N2 N5")]
    [InlineData("(order.Quantity + 1 + order.CustomerId).HasValue", "N1 N3 N4")]
    [InlineData("Math.Abs(order.Quantity + order.CustomerId * 0) is null", "N2 N5")]
    [InlineData("order.Customer.CreditLimit * 1e28m * 1e28m != null", "N1 N3 N4")]
    public async Task Nullable_arithmetic_compared_with_null_is_computed_in_neither_form(string expression, string expected)
    {
        // Each operation here fails on some row (N1's ratio times 1e308, N4's and N5's quantities, the credit limits
        // times 1e56), but EF Core tests it for null through its operands, so PostgreSQL never computes it: nor does memory.
        var rule = RuleExpression.Compile<Order>(expression);
        await using var context = database.Create();
        var orders = await Load(context);

        var sql = context.Orders.Where(rule.Expression).ToQueryString();
        var inSql = (await context.Orders.Where(rule.Expression).Select(o => o.Number).ToListAsync()).Order(StringComparer.Ordinal);
        var inMemory = orders.Where(rule.Evaluate).Select(o => o.Number).Order(StringComparer.Ordinal);

        Assert.DoesNotContain(" * ", sql, StringComparison.Ordinal);
        Assert.DoesNotContain(" + ", sql, StringComparison.Ordinal);
        Assert.Equal(expected.Split(' '), inSql);
        Assert.Equal(expected.Split(' '), inMemory);
    }

    [Fact]
    public async Task Decimal_division_has_PostgreSQL_scale_and_rounding()
    {
        var random = new Random(20261121);
        var pairs = new List<(decimal A, decimal B)>();
        while (pairs.Count < 2000)
        {
            var a = RandomDecimal(random);
            var b = RandomDecimal(random);
            if (b != 0m)
            {
                pairs.Add((a, b));
            }
        }

        var results = await QueryAsync(
            "SELECT (a / b)::text, scale(a / b) FROM unnest(@a::numeric[], @b::numeric[]) WITH ORDINALITY AS t(a, b, n) ORDER BY n",
            pairs.Select(p => p.A).ToArray(),
            pairs.Select(p => p.B).ToArray(),
            reader => (Scale: reader.GetInt32(1), Text: reader.GetFieldValue<string>(0)));

        var compared = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            if (results[i].Scale > 28)
            {
                continue; // documented: below about 1e-12, PostgreSQL keeps more decimals than a decimal can hold
            }

            var mine = InMemoryRuleFunctions.Divide(pairs[i].A, pairs[i].B);
            Assert.True(
                results[i].Text == mine.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{pairs[i].A} / {pairs[i].B}: PostgreSQL {results[i].Text}, in memory {mine}");
            compared++;
        }

        Assert.True(compared > 1800, $"only {compared} quotients compared");
    }

    [Fact]
    public async Task Round_has_PostgreSQL_midpoints_and_scale()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 1000).Select(_ => Math.Round(RandomDecimal(random), random.Next(0, 6)) + (random.Next(2) == 0 ? 0.005m : 0m)).ToArray();
        var digits = Enumerable.Range(0, 1000).Select(_ => (decimal)random.Next(0, 5)).ToArray();

        var results = await QueryAsync(
            "SELECT round(a, b::int)::text, round(a)::text FROM unnest(@a::numeric[], @b::numeric[]) WITH ORDINALITY AS t(a, b, n) ORDER BY n",
            values,
            digits,
            reader => (WithDigits: reader.GetString(0), Whole: reader.GetString(1)));

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(results[i].WithDigits, InMemoryRuleFunctions.Round(values[i], (int)digits[i]).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(results[i].Whole, InMemoryRuleFunctions.Round(values[i]).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Doubles_compare_as_in_PostgreSQL_NaN_and_infinities_included_and_NaN_divides_by_zero()
    {
        double[] values = [double.NaN, double.NegativeInfinity, -1, -0.0, 0, 2.5, double.PositiveInfinity];
        var pairs = values.SelectMany(a => values.Select(b => (A: a, B: b))).ToList();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT a = b, a <> b, a < b, a <= b, a > b, a >= b FROM unnest(@a::float8[], @b::float8[]) WITH ORDINALITY AS t(a, b, n) ORDER BY n", connection);
        command.Parameters.AddWithValue("a", pairs.Select(p => p.A).ToArray());
        command.Parameters.AddWithValue("b", pairs.Select(p => p.B).ToArray());
        await using (var reader = await command.ExecuteReaderAsync())
        {
            foreach (var (a, b) in pairs)
            {
                Assert.True(await reader.ReadAsync());
                bool[] memory =
                [
                    InMemoryRuleFunctions.EqualDouble(a, b), InMemoryRuleFunctions.NotEqualDouble(a, b), InMemoryRuleFunctions.LessThanDouble(a, b),
                    InMemoryRuleFunctions.LessThanOrEqualDouble(a, b), InMemoryRuleFunctions.GreaterThanDouble(a, b), InMemoryRuleFunctions.GreaterThanOrEqualDouble(a, b),
                ];
                Assert.True(Enumerable.Range(0, 6).Select(reader.GetBoolean).SequenceEqual(memory), $"{a} and {b}: PostgreSQL and memory compare differently");
            }
        }

        await using var divide = new NpgsqlCommand("SELECT 'NaN'::float8 / 0", connection);
        Assert.Equal((double)(await divide.ExecuteScalarAsync())!, InMemoryRuleFunctions.Divide(double.NaN, 0));
        Assert.True(double.IsNaN(InMemoryRuleFunctions.Divide(double.NaN, 0)));
    }

    [Fact]
    public async Task Int_sums_overflow_only_when_the_total_does_not_fit_as_in_PostgreSQL()
    {
        int?[][] sets = [[int.MaxValue, int.MaxValue, -int.MaxValue], [int.MaxValue, 1], [null, -5, null], []];
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();

        foreach (var set in sets)
        {
            await using var command = new NpgsqlCommand("SELECT COALESCE(sum(x), 0)::int FROM unnest(@x::int[]) AS t(x)", connection);
            command.Parameters.AddWithValue("x", set);
            var sql = await Record.ExceptionAsync(command.ExecuteScalarAsync) is PostgresException { SqlState: PostgresErrorCodes.NumericValueOutOfRange }
                ? null
                : (int?)await command.ExecuteScalarAsync();
            var memory = Record.Exception(() => InMemoryRuleFunctions.SumInt32(set, static x => x)) is OverflowException
                ? null
                : (int?)InMemoryRuleFunctions.SumInt32(set, static x => x);

            Assert.Equal(sql, memory);
        }
    }

    private static Task<List<Order>> Load(RulesContext context)
        => context.Orders.Include(o => o.Customer).Include(o => o.Lines).AsNoTracking().ToListAsync();

    private async Task<List<T>> QueryAsync<T>(string sql, decimal[] a, decimal[] b, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("a", a);
        command.Parameters.AddWithValue("b", b);
        await using var reader = await command.ExecuteReaderAsync();
        var results = new List<T>();
        while (await reader.ReadAsync())
        {
            results.Add(read(reader));
        }

        return results;
    }

    /// <summary>A decimal of 1 to 12 digits, scaled by 0 to 10 decimals, of either sign: the shapes money and rates take.</summary>
    private static decimal RandomDecimal(Random random)
    {
        var digits = random.Next(1, 13);
        var unscaled = (long)(random.NextDouble() * Math.Pow(10, digits));
        var value = new decimal(unscaled) / (decimal)Math.Pow(10, random.Next(0, 11));
        return random.Next(3) == 0 ? -value : value;
    }
}
