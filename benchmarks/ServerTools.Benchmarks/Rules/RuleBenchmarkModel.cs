using System;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Benchmarks.Rules;

/// <summary>Where an order is in its life.</summary>
public enum OrderStatus
{
    Draft,
    Confirmed,
    Shipped,
    Invoiced,
    Cancelled,
}

/// <summary>
/// The fields of a sale order that the 50 rules read: decimals, an int, strings, a date, a nullable date, a bool, an
/// enum and a nullable decimal. Two entity types share them, because code rules are global per process (the engine
/// runs every registered rule of a type): <see cref="CodeRuleOrder"/> has the code rules and no data rules,
/// <see cref="RuleOrder"/> the data rules (it is the mapped entity) and no code rules.
/// </summary>
public abstract class RuleOrderFields
{
    public int Id { get; set; }

    public string Number { get; set; } = "";

    public string CustomerName { get; set; } = "";

    public string Country { get; set; } = "";

    public decimal Amount { get; set; }

    public decimal Discount { get; set; }

    public int Quantity { get; set; }

    public DateTime OrderedAt { get; set; }

    public DateTime? ShippedAt { get; set; }

    public bool Express { get; set; }

    public OrderStatus Status { get; set; }

    public decimal? CreditLimit { get; set; }
}

/// <summary>The order the 50 code rules of <c>CodeRules.cs</c> check; not mapped.</summary>
public sealed class CodeRuleOrder : RuleOrderFields;

/// <summary>The order of the data rule benchmarks: mapped, with the 50 rules as rows of ExceptionRuleDefinition.</summary>
public sealed class RuleOrder : RuleOrderFields;

/// <summary>The orders, in a context with UseServerTools(), which maps the rule definitions table.</summary>
public sealed class RuleBenchmarkContext(DbContextOptions<RuleBenchmarkContext> options) : DbContext(options)
{
    public DbSet<RuleOrder> Orders => Set<RuleOrder>();
}

/// <summary>
/// Deterministic orders. Each is consistent with every rule (amounts 20 to 20,000, discounts up to 20%, quantities 1 to
/// 200, credit limits of 25,000 or more or none, a shipping date exactly when shipped or invoiced, ten EU countries),
/// except one in 20, which gets one of 45 anomalies (a negative amount, an embargoed country, a shipping date before
/// the order date, ...), each breaking one to four rules.
/// </summary>
internal static class RuleOrders
{
    /// <summary>One order in <see cref="AnomalyEvery"/> breaks some rule.</summary>
    public const int AnomalyEvery = 20;

    private static readonly DateTime s_yearStart = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly string[] s_countries = ["FR", "DE", "ES", "IT", "BE", "NL", "PT", "AT", "PL", "SE"];

    private static readonly string[] s_firstNames = ["Ada", "Bruno", "Chloé", "Dmitri", "Elif", "Felix", "Giulia", "Hannah", "Ivan", "Jonas", "Karin", "Lucas", "Marta", "Noah", "Olga", "Pablo"];

    private static readonly string[] s_lastNames = ["Martin", "Müller", "García", "Rossi", "Peeters", "de Jong", "Silva", "Gruber", "Nowak", "Andersson", "Dubois", "Schmidt"];

    /// <summary>Orders 1 to <paramref name="count"/>: the same values for a given count prefix, whatever the type.</summary>
    public static T[] Create<T>(int count)
        where T : RuleOrderFields, new()
    {
        var random = new Random(20261121);
        var orders = new T[count];
        for (var i = 0; i < count; i++)
        {
            var order = new T();
            Fill(order, i + 1, random);
            orders[i] = order;
        }

        return orders;
    }

    private static void Fill(RuleOrderFields order, int id, Random random)
    {
        order.Id = id;
        order.Number = "SO" + id.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        order.CustomerName = s_firstNames[random.Next(s_firstNames.Length)] + " " + s_lastNames[random.Next(s_lastNames.Length)];
        order.Country = s_countries[random.Next(s_countries.Length)];
        order.Amount = random.Next(2_000, 2_000_001) / 100m;
        order.Discount = random.Next(21) / 100m;
        order.Quantity = random.Next(1, 201);
        order.OrderedAt = s_yearStart.AddMinutes(random.Next(365 * 24 * 60));
        order.Express = random.Next(5) == 0;
        var status = random.Next(100);
        order.Status = status switch
        {
            < 10 => OrderStatus.Draft,
            < 40 => OrderStatus.Confirmed,
            < 70 => OrderStatus.Shipped,
            < 95 => OrderStatus.Invoiced,
            _ => OrderStatus.Cancelled,
        };
        order.ShippedAt = order.Status is OrderStatus.Shipped or OrderStatus.Invoiced ? order.OrderedAt.AddHours(random.Next(1, 241)) : null;
        order.CreditLimit = random.Next(10) < 3 ? null : random.Next(25, 201) * 1_000m;
        if (random.Next(AnomalyEvery) == 0)
        {
            s_anomalies[random.Next(s_anomalies.Length)](order);
        }
    }

    /// <summary>What makes an order break rules; the comment names the rules each breaks (always the first, the others depending on the order).</summary>
    private static readonly Action<RuleOrderFields>[] s_anomalies =
    [
        o => o.Amount = -50m, // amount_negative, invoiced_negative
        o => o.Amount = 0m, // amount_zero, invoiced_free, unit_price_tiny
        o => o.Amount = 250_000m, // amount_huge, credit_over_limit, discount_above_20000, unit_price_huge
        o => (o.CreditLimit, o.Amount) = (1_000m, 5_000m), // credit_over_limit
        o => o.CreditLimit = -1m, // credit_negative, credit_over_limit, credit_tiny
        o => o.CreditLimit = 0m, // credit_zero, credit_over_limit, credit_tiny
        o => o.CreditLimit = 50m, // credit_tiny, credit_over_limit
        o => o.Discount = -0.05m, // discount_negative
        o => (o.Discount, o.Amount) = (0.6m, 15_000m), // discount_above_half, discount_big_order, discount_without_credit, cancelled_discount
        o => (o.Discount, o.Amount) = (0.35m, 15_000m), // discount_big_order, cancelled_discount
        o => o.Discount = 1m, // discount_full, discount_above_half, discount_without_credit
        o => (o.CreditLimit, o.Discount) = (null, 0.45m), // discount_without_credit
        o => (o.Amount, o.Discount) = (25_000m, 0.15m), // discount_above_20000
        o => o.Quantity = 0, // quantity_zero, express_no_quantity
        o => o.Quantity = -3, // quantity_negative, express_no_quantity
        o => o.Quantity = 20_000, // quantity_huge, quantity_express_bulk, draft_bulk
        o => (o.Express, o.Quantity) = (true, 2_000), // quantity_express_bulk
        o => (o.Status, o.ShippedAt, o.Quantity) = (OrderStatus.Draft, null, 6_000), // draft_bulk
        o => (o.Amount, o.Quantity) = (1m, 200), // unit_price_tiny
        o => (o.Amount, o.Quantity) = (75_000m, 1), // unit_price_huge
        o => o.CustomerName = "", // customer_name_empty, confirmed_without_customer
        o => o.CustomerName = new string('x', 120), // customer_name_long
        o => o.CustomerName = "TEST", // customer_name_test
        o => o.CustomerName = " ", // customer_name_blank
        o => o.CustomerName = "X", // customer_name_short
        o => o.CustomerName = o.Country, // customer_name_is_country
        o => o.Country = "KP", // country_embargo_kp
        o => o.Country = "IR", // country_embargo_ir
        o => o.Country = "SY", // country_embargo_sy
        o => o.Country = "", // country_empty, country_length
        o => o.Country = "FRA", // country_length
        o => o.Country = "XX", // country_unknown
        o => o.Country = "fr", // country_lowercase_fr
        o => o.Country = "de", // country_lowercase_de
        o => o.Number = "", // number_empty
        o => o.Number = "SO-2026-ABCDEFGHIJKLMNOP", // number_long
        o => o.Number = "S1", // number_short
        o => o.ShippedAt = o.OrderedAt.AddDays(-1), // shipped_before_ordered, shipped_draft or shipped_cancelled
        o => (o.Status, o.ShippedAt) = (OrderStatus.Shipped, null), // shipped_missing, express_not_shipped
        o => (o.Status, o.ShippedAt) = (OrderStatus.Invoiced, null), // shipped_missing, invoiced_unshipped
        o => (o.Status, o.ShippedAt) = (OrderStatus.Draft, o.OrderedAt.AddDays(1)), // shipped_draft
        o => (o.Status, o.ShippedAt) = (OrderStatus.Cancelled, o.OrderedAt.AddDays(1)), // shipped_cancelled
        o => (o.Status, o.ShippedAt, o.Amount) = (OrderStatus.Draft, null, 60_000m), // draft_huge
        o => (o.Status, o.ShippedAt, o.Discount) = (OrderStatus.Cancelled, null, 0.3m), // cancelled_discount
        o => (o.Express, o.Amount) = (true, 2m), // express_tiny_amount
    ];
}
