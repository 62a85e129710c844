using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>
/// The SQL form and the in-memory form agree on seeded random data (null customers, missing lines, nulls in every
/// nullable field, awkward strings and decimals): <c>Where(rule.Expression)</c> finds exactly the orders
/// <c>rule.Evaluate</c> is true for.
/// </summary>
public sealed class RuleExpressionSqlAgreementTests(RulesFixture database) : IClassFixture<RulesFixture>, IAsyncLifetime
{
    private const int OrderCount = 400;

    private static readonly string[] s_countries = ["FR", "DE", "fr", "BE", " FR", ""];
    private static readonly string[] s_names = ["Dupont", "Zoë😀", "Müller", "Ünal", "O'Neil", "李", "Chair & Co", ""];
    private static readonly string?[] s_notes =
    [
        null, null, "", "Handle with care", "care", " care ", "\tcare\n", "\u00A0care", "CARE", "100%_sure\\", "a😀b", "😀😀", "x", "Chair", "ends with x",
    ];

    private static readonly string[] s_products = ["Chair", "Chaise", "Desk", "Lamp", "chair", "Ch", ""];

    public async Task InitializeAsync()
    {
        await using var context = database.Create();
        if (await context.Orders.AnyAsync())
        {
            return;
        }

        var random = new Random(424242);
        var customers = Enumerable.Range(0, 30).Select(_ => new Customer
        {
            Name = Pick(random, s_names),
            Country = Pick(random, s_countries),
            CreditLimit = Money(random, 3000m),
            Blocked = random.Next(3) == 0,
            Email = random.Next(3) switch { 0 => null, 1 => "", _ => "x@example.org" },
        }).ToList();
        for (var i = 0; i < OrderCount - 4; i++)
        {
            var lines = Enumerable.Range(0, random.Next(4) == 0 ? 0 : random.Next(1, 5)).Select(_ => new OrderLine
            {
                Product = Pick(random, s_products),
                Quantity = random.Next(0, 11),
                Price = Money(random, 300m),
            }).ToList();
            context.Orders.Add(new Order
            {
                Number = $"SO-{i:D4}",
                Discount = Math.Round((decimal)random.NextDouble(), random.Next(1, 4)),
                Amount = Money(random, 2000m) - (random.Next(10) == 0 ? 1000m : 0m),
                Quantity = random.Next(-5, 40),
                State = (OrderState)random.Next(4),
                OrderedAt = new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(0, 3 * 365 * 24 * 60 / 15) * 15),
                DeliveryDate = random.Next(3) == 0 ? null : new DateOnly(2022, 1, 1).AddDays(random.Next(0, 3 * 365)),
                LocalAt = i % 3 == 0 ? null : new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMinutes(i * 397),
                Note = Pick(random, s_notes),
                Urgent = random.Next(2) == 0,
                Customer = random.Next(4) == 0 ? null : Pick(random, customers),
                Lines = lines,
            });
        }

        // The ends of time: Npgsql stores MinValue and MaxValue as -infinity and infinity (an unset DateTime is MinValue).
        context.Orders.AddRange(
            new Order { Number = "SO-min", OrderedAt = default, DeliveryDate = DateOnly.MinValue, LocalAt = DateTime.MinValue },
            new Order { Number = "SO-max", OrderedAt = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), DeliveryDate = DateOnly.MaxValue, LocalAt = DateTime.MaxValue },
            new Order { Number = "SO-min2", OrderedAt = default, Urgent = true },
            new Order { Number = "SO-max2", OrderedAt = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), Quantity = 3 });
        await context.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> Rules =>
    [
        "order.Discount > 0.3m && order.Customer.Country == \"FR\"",
        "order.Customer.Country != \"FR\"",
        "order.Customer == null || order.Customer.Blocked",
        "!order.Customer.Blocked",
        "order.Customer.Blocked == false",
        "!(order.Customer.CreditLimit > 1000m)",
        "(order.Customer.CreditLimit ?? 0m) < 500m",
        "order.Customer.CreditLimit == null || order.CustomerId > 20",
        "!(order.CustomerId > 10)",
        "order.Customer.Email == order.Note",
        "string.IsNullOrEmpty(order.Customer.Email) && !string.IsNullOrEmpty(order.Note)",
        "order.Note == null || order.Note == \"\"",
        "order.Note.Contains(\"care\")",
        "!order.Note.Contains(\"%_\")",
        "order.Number.StartsWith(order.Customer.Country) || order.Note.StartsWith(\" \")",
        "order.Note.EndsWith(\"x\") != order.Urgent",
        "order.Note.Length % 3 == 0",
        "order.Customer.Name.Length < 4",
        "order.Note.Trim() == \"care\"",
        "(order.Note + order.Customer.Country).Length > 6",
        "order.Amount / 7m * 7m == order.Amount",
        "order.Amount / 3m > Math.Round(order.Amount / 3m, 2)",
        "order.Quantity / 4 == 2 || order.Quantity % 4 == -1",
        "order.Quantity * 0.1d > 1.5d",
        "Math.Abs(order.Quantity) > 3 && Math.Abs(order.Discount - 0.5m) < 0.25m",
        "Math.Round(order.Discount * 10m) == 3m || Math.Round(order.Discount, 1) == 0.5m",
        "-order.Amount < -500m && order.Quantity + 10000000000 > 10000000020",
        "order.State == OrderState.Confirmed || order.State == OrderState.Invoiced",
        "order.OrderedAt.Year == 2024 && order.OrderedAt.Month > 6",
        "order.OrderedAt.DayOfWeek == DayOfWeek.Sunday || order.OrderedAt.Hour >= 22",
        "order.OrderedAt.Date == order.OrderedAt || order.OrderedAt.Minute == 45",
        "order.DeliveryDate.Year == 2023 || order.DeliveryDate.Value.DayOfWeek == DayOfWeek.Monday",
        "order.DeliveryDate == null && order.Urgent",
        "order.Lines.Count > 2 || order.Lines.Count() == 0",
        "order.Lines.Any(l => l.Price > 250m)",
        "order.Lines.All(l => l.Quantity > 2)",
        "!order.Lines.All(l => l.Price > order.Customer.CreditLimit / 100m)",
        "order.Lines.Count(l => l.Product.StartsWith(\"Ch\")) >= 2",
        "order.Lines.Sum(l => l.Price * l.Quantity) > order.Amount",
        "order.Lines.Sum(l => l.Quantity) == 0",
        "order.Lines.Sum(l => l.Price) / 3m > 100m",
        "order.Lines.Any(l => l.Quantity * l.Price > order.Amount / 2m && l.Product != \"Desk\")",
        "order.Urgent ? order.Amount > 500m : order.Discount > 0.5m",
        "!(order.Urgent ? order.Customer.Blocked : !order.Urgent)",
        "(order.Urgent ? order.Customer.CreditLimit : order.Amount) > 1000m",
        "(order.Note ?? order.Customer.Name ?? \"none\") == \"none\"",
        "order.Note.Contains(order.Customer.Country)",
        "order.Number.EndsWith('7') || order.Note.Contains('x')",
        "order.Lines.Sum(l => l.Quantity + 10000000000) > 10000000000 * order.Lines.Count + 12",
        "order.Lines.Sum(l => l.Price * order.Customer.CreditLimit) > 100000m",
        "order.DeliveryDate.HasValue != order.Urgent",
        "order.DeliveryDate.Month == 2 || order.DeliveryDate.Day == 31",
        "order.Note is not null && order.Customer is null",
        "(order.CustomerId ?? -1) < 5",
        "Math.Abs(order.Quantity * 0.25d) > 2.5d",
        "order.State != OrderState.Draft && order.OrderedAt.Second == 0 && order.OrderedAt.Minute < 30",
        "order.Lines.Any(line => order.Lines.Count(other => other.Price < line.Price) == 1)",
        "order.Amount % 7m > 3m",
        "order.Quantity * 100000000000 % 7 == 3",
        "order.OrderedAt.Year < 2000 || order.OrderedAt.Year > 9000",
        "order.OrderedAt.Hour == 0 && order.OrderedAt.Month == 1",
        "order.OrderedAt.DayOfWeek == DayOfWeek.Monday || order.OrderedAt.Second == 59",
        "order.OrderedAt.Date < order.OrderedAt.Date.Date || order.OrderedAt.Day == 31",
        "order.DeliveryDate.Year < 2000 || order.DeliveryDate.Day == 31",
        "order.DeliveryDate.Value.DayOfWeek == DayOfWeek.Friday && order.DeliveryDate.Month == 12",
        "order.LocalAt.Date < order.LocalAt || order.LocalAt.Hour == 0",
        "order.LocalAt.Year > 9000 || order.LocalAt.Date.Year < 2000 || order.LocalAt.Date.Hour == 1",
        "order.OrderedAt.Date.DayOfWeek == DayOfWeek.Friday && order.OrderedAt.Date.Hour == 0",
        "(order.Quantity / (order.Quantity - order.Quantity) > 1 || true) && order.Urgent",
        "!(order.Amount / (order.Amount - order.Amount) > 1m && false) && order.Quantity > 20",
    ];

    /// <summary>
    /// Rules whose literals hold a backslash or a quote, which PostgreSQL reads differently in a quoted literal when
    /// <c>standard_conforming_strings</c> is off (the last one would end the literal early and comment out the rest).
    /// </summary>
    public static TheoryData<string> QuotedRules =>
    [
        "order.Note == \"100%_sure\\\\\"",
        "order.Note.EndsWith(\"\\\\\") || order.Customer.Name == \"O'Neil\"",
        "order.Note.Contains(@\"\\\") || order.Note.EndsWith('\\\\')",
        "order.Note.StartsWith(\"100%_\") && order.Number != \"\\\\'\"",
        "order.Urgent && order.Note != \"\\\\' OR 1=1 --\"",
    ];

    [Theory]
    [MemberData(nameof(Rules))]
    [MemberData(nameof(QuotedRules))]
    public async Task Sql_finds_exactly_the_orders_memory_finds(string expression)
    {
        await using var context = database.Create();

        var found = await AssertSqlFindsWhatMemoryFindsAsync(context, expression);

        Assert.InRange(found, 1, OrderCount - 1); // the rule tells orders apart, so agreement says something
    }

    [Theory]
    [MemberData(nameof(Rules))]
    [MemberData(nameof(QuotedRules))]
    public async Task Sql_finds_the_same_orders_with_standard_conforming_strings_off(string expression)
    {
        // The rule's literals are parameters, which PostgreSQL never parses as text: the setting changes nothing.
        await using var context = database.CreateWithoutStandardConformingStrings();

        await AssertSqlFindsWhatMemoryFindsAsync(context, expression);

        Assert.Equal("off", await RulesFixture.StandardConformingStringsAsync(context));
        Assert.Equal(OrderCount, await context.Orders.CountAsync());
    }

    [Fact]
    public async Task The_data_has_the_awkward_cases()
    {
        await using var context = database.Create();
        var orders = await context.Orders.Include(o => o.Lines).AsNoTracking().ToListAsync();

        Assert.Equal(OrderCount, orders.Count);
        Assert.Contains(orders, o => o.CustomerId is null);
        Assert.Contains(orders, o => o.Lines.Count == 0);
        Assert.Contains(orders, o => o.Note is null);
        Assert.Contains(orders, o => o.DeliveryDate is null);
        Assert.Contains(orders, o => o.Note is not null && o.Note.Contains("😀", StringComparison.Ordinal));
        Assert.Contains(orders, o => o.OrderedAt == DateTime.MinValue && o.DeliveryDate == DateOnly.MinValue);
        Assert.Contains(orders, o => o.OrderedAt == DateTime.MaxValue && o.DeliveryDate == DateOnly.MaxValue);
        Assert.Contains(orders, o => o.LocalAt == DateTime.MaxValue);
        Assert.Contains(orders, o => o.LocalAt == DateTime.MinValue);
    }

    /// <summary>Asserts that <c>Where(rule.Expression)</c> finds exactly the orders <c>rule.Evaluate</c> is true for; returns how many.</summary>
    private static async Task<int> AssertSqlFindsWhatMemoryFindsAsync(RulesContext context, string expression)
    {
        var rule = RuleExpression.Compile<Order>(expression);
        var orders = await context.Orders.Include(o => o.Customer).Include(o => o.Lines).AsNoTracking().ToListAsync();

        var inMemory = orders.Where(rule.Evaluate).Select(o => o.Id).Order().ToList();
        var inSql = (await context.Orders.Where(rule.Expression).Select(o => o.Id).ToListAsync()).Order().ToList();

        Assert.Equal(inMemory, inSql);
        return inMemory.Count;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A non-negative amount below <paramref name="max"/> with 0 to 4 decimals.</summary>
    private static decimal Money(Random random, decimal max) => Math.Round((decimal)random.NextDouble() * max, random.Next(0, 5));
}
