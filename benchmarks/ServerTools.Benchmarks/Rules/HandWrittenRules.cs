using System.Collections.Generic;

namespace ServerTools.Benchmarks.Rules;

/// <summary>A broken rule found by <see cref="HandWrittenRules"/>: what a <see cref="RuleViolation"/> holds, without the engine.</summary>
internal sealed class HandViolation(CatalogRule rule)
{
    public CatalogRule Rule { get; } = rule;

    public RuleSeverity Severity { get; } = rule.Severity;

    public string Message { get; } = rule.Message;
}

/// <summary>
/// The baseline of the rule benchmarks: the 50 checks as a chain of <c>if</c> statements, the way one would write them
/// without an engine, collecting the broken rules in sequence order in a list that is allocated only when some rule is
/// broken.
/// </summary>
internal static class HandWrittenRules
{
    private static readonly CatalogRule[] s_rules = RuleCatalog.Rules;

    /// <summary>The measured work of the baselines: <see cref="Check"/> on every order; the violations found.</summary>
    public static int CountViolations(RuleOrderFields[] orders)
    {
        var violations = 0;
        foreach (var order in orders)
        {
            if (Check(order) is { } found)
            {
                violations += found.Count;
            }
        }

        return violations;
    }

    /// <summary>The rules <paramref name="order"/> breaks, in sequence order; <see langword="null"/> when it breaks none.</summary>
    public static List<HandViolation>? Check(RuleOrderFields order)
    {
        var rules = s_rules;
        List<HandViolation>? violations = null;
        if (order.Amount < 0m)
        {
            (violations ??= []).Add(new HandViolation(rules[0]));
        }

        if (order.Amount == 0m)
        {
            (violations ??= []).Add(new HandViolation(rules[1]));
        }

        if (order.Amount > 100000m)
        {
            (violations ??= []).Add(new HandViolation(rules[2]));
        }

        if (order.CreditLimit != null && order.Amount > order.CreditLimit)
        {
            (violations ??= []).Add(new HandViolation(rules[3]));
        }

        if (order.CreditLimit < 0m)
        {
            (violations ??= []).Add(new HandViolation(rules[4]));
        }

        if (order.Discount < 0m)
        {
            (violations ??= []).Add(new HandViolation(rules[5]));
        }

        if (order.Discount > 0.5m)
        {
            (violations ??= []).Add(new HandViolation(rules[6]));
        }

        if (order.Discount > 0.3m && order.Amount > 10000m)
        {
            (violations ??= []).Add(new HandViolation(rules[7]));
        }

        if (order.Discount >= 1m)
        {
            (violations ??= []).Add(new HandViolation(rules[8]));
        }

        if (order.Quantity == 0)
        {
            (violations ??= []).Add(new HandViolation(rules[9]));
        }

        if (order.Quantity < 0)
        {
            (violations ??= []).Add(new HandViolation(rules[10]));
        }

        if (order.Quantity > 10000)
        {
            (violations ??= []).Add(new HandViolation(rules[11]));
        }

        if (order.Express && order.Quantity > 1000)
        {
            (violations ??= []).Add(new HandViolation(rules[12]));
        }

        if (order.CustomerName == "")
        {
            (violations ??= []).Add(new HandViolation(rules[13]));
        }

        if (order.CustomerName.Length > 100)
        {
            (violations ??= []).Add(new HandViolation(rules[14]));
        }

        if (order.CustomerName == "TEST")
        {
            (violations ??= []).Add(new HandViolation(rules[15]));
        }

        if (order.Country == "KP")
        {
            (violations ??= []).Add(new HandViolation(rules[16]));
        }

        if (order.Country == "IR")
        {
            (violations ??= []).Add(new HandViolation(rules[17]));
        }

        if (order.Country == "")
        {
            (violations ??= []).Add(new HandViolation(rules[18]));
        }

        if (order.Country.Length != 2)
        {
            (violations ??= []).Add(new HandViolation(rules[19]));
        }

        if (order.Country == "XX")
        {
            (violations ??= []).Add(new HandViolation(rules[20]));
        }

        if (order.Number == "")
        {
            (violations ??= []).Add(new HandViolation(rules[21]));
        }

        if (order.Number.Length > 20)
        {
            (violations ??= []).Add(new HandViolation(rules[22]));
        }

        if (order.ShippedAt < order.OrderedAt)
        {
            (violations ??= []).Add(new HandViolation(rules[23]));
        }

        if (order.Status == OrderStatus.Draft && order.ShippedAt != null)
        {
            (violations ??= []).Add(new HandViolation(rules[24]));
        }

        if ((order.Status == OrderStatus.Shipped || order.Status == OrderStatus.Invoiced) && order.ShippedAt == null)
        {
            (violations ??= []).Add(new HandViolation(rules[25]));
        }

        if (order.Status == OrderStatus.Cancelled && order.ShippedAt != null)
        {
            (violations ??= []).Add(new HandViolation(rules[26]));
        }

        if (order.Status == OrderStatus.Invoiced && order.Amount == 0m)
        {
            (violations ??= []).Add(new HandViolation(rules[27]));
        }

        if (order.Express && order.Amount < 5m)
        {
            (violations ??= []).Add(new HandViolation(rules[28]));
        }

        if (order.CreditLimit == null && order.Discount > 0.4m)
        {
            (violations ??= []).Add(new HandViolation(rules[29]));
        }

        if (order.Quantity > 0 && order.Amount / order.Quantity < 0.01m)
        {
            (violations ??= []).Add(new HandViolation(rules[30]));
        }

        if (order.Quantity > 0 && order.Amount / order.Quantity > 50000m)
        {
            (violations ??= []).Add(new HandViolation(rules[31]));
        }

        if (order.CustomerName == " ")
        {
            (violations ??= []).Add(new HandViolation(rules[32]));
        }

        if (order.CustomerName.Length == 1)
        {
            (violations ??= []).Add(new HandViolation(rules[33]));
        }

        if (order.Country == "fr")
        {
            (violations ??= []).Add(new HandViolation(rules[34]));
        }

        if (order.Country == "de")
        {
            (violations ??= []).Add(new HandViolation(rules[35]));
        }

        if (order.Status == OrderStatus.Draft && order.Amount > 50000m)
        {
            (violations ??= []).Add(new HandViolation(rules[36]));
        }

        if (order.Status == OrderStatus.Confirmed && order.CustomerName == "")
        {
            (violations ??= []).Add(new HandViolation(rules[37]));
        }

        if (order.CreditLimit == 0m)
        {
            (violations ??= []).Add(new HandViolation(rules[38]));
        }

        if (order.Status == OrderStatus.Cancelled && order.Discount > 0.25m)
        {
            (violations ??= []).Add(new HandViolation(rules[39]));
        }

        if (order.Status == OrderStatus.Draft && order.Quantity > 5000)
        {
            (violations ??= []).Add(new HandViolation(rules[40]));
        }

        if (order.Status == OrderStatus.Invoiced && order.Amount < 0m)
        {
            (violations ??= []).Add(new HandViolation(rules[41]));
        }

        if (order.Number.Length < 3 && order.Number != "")
        {
            (violations ??= []).Add(new HandViolation(rules[42]));
        }

        if (order.Express && order.Status == OrderStatus.Shipped && order.ShippedAt == null)
        {
            (violations ??= []).Add(new HandViolation(rules[43]));
        }

        if (order.CustomerName == order.Country)
        {
            (violations ??= []).Add(new HandViolation(rules[44]));
        }

        if (order.Amount > 20000m && order.Discount > 0.1m)
        {
            (violations ??= []).Add(new HandViolation(rules[45]));
        }

        if (order.Express && order.Quantity <= 0)
        {
            (violations ??= []).Add(new HandViolation(rules[46]));
        }

        if (order.CreditLimit != null && order.CreditLimit < 100m)
        {
            (violations ??= []).Add(new HandViolation(rules[47]));
        }

        if (order.Country == "SY")
        {
            (violations ??= []).Add(new HandViolation(rules[48]));
        }

        if (order.Status == OrderStatus.Invoiced && order.ShippedAt == null)
        {
            (violations ??= []).Add(new HandViolation(rules[49]));
        }
        return violations;
    }
}
