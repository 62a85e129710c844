// The 50 rules of the business rule benchmarks as data: the metadata the code rules' attributes carry and each
// condition as C# text, the expression of the data rule. CodeRules.cs, HandWrittenRules.Check and this table were
// written from one list, and every suite's setup checks that they find the same violations.

namespace ServerTools.Benchmarks.Rules;

/// <summary>One of the 50 rules: what the code rule's attribute says, and its condition as C# text (a data rule's expression).</summary>
internal sealed record CatalogRule(string Name, RuleSeverity Severity, int Sequence, string Message, string[] RuleSets, string Expression);

/// <summary>The 50 rules, in sequence order.</summary>
internal static class RuleCatalog
{
    public static readonly CatalogRule[] Rules =
    [
        new("amount_negative", RuleSeverity.Blocking, 1, "The amount is negative", ["confirm"], "order.Amount < 0m"),
        new("amount_zero", RuleSeverity.Warning, 2, "The order is free", ["confirm"], "order.Amount == 0m"),
        new("amount_huge", RuleSeverity.Blocking, 3, "Orders above 100,000 need a director's approval", ["confirm", "invoice"], "order.Amount > 100000m"),
        new("credit_over_limit", RuleSeverity.Blocking, 4, "The amount is above the customer's credit limit", ["invoice"], "order.CreditLimit != null && order.Amount > order.CreditLimit"),
        new("credit_negative", RuleSeverity.Warning, 5, "The credit limit is negative", ["confirm"], "order.CreditLimit < 0m"),
        new("discount_negative", RuleSeverity.Blocking, 6, "The discount is negative", ["confirm"], "order.Discount < 0m"),
        new("discount_above_half", RuleSeverity.Blocking, 7, "A discount above 50% is not allowed", ["confirm"], "order.Discount > 0.5m"),
        new("discount_big_order", RuleSeverity.Warning, 8, "A discount above 30% on an order above 10,000 is reviewed", ["confirm"], "order.Discount > 0.3m && order.Amount > 10000m"),
        new("discount_full", RuleSeverity.Blocking, 9, "A discount of 100% or more is not allowed", ["confirm"], "order.Discount >= 1m"),
        new("quantity_zero", RuleSeverity.Blocking, 10, "The quantity is zero", ["confirm"], "order.Quantity == 0"),
        new("quantity_negative", RuleSeverity.Blocking, 11, "The quantity is negative", ["confirm"], "order.Quantity < 0"),
        new("quantity_huge", RuleSeverity.Warning, 12, "Quantities above 10,000 are checked by the warehouse", ["confirm"], "order.Quantity > 10000"),
        new("quantity_express_bulk", RuleSeverity.Warning, 13, "Express delivery of more than 1,000 units is not guaranteed", ["confirm"], "order.Express && order.Quantity > 1000"),
        new("customer_name_empty", RuleSeverity.Blocking, 14, "The customer has no name", ["confirm"], "order.CustomerName == \"\""),
        new("customer_name_long", RuleSeverity.Warning, 15, "The customer's name is longer than 100 characters", ["confirm"], "order.CustomerName.Length > 100"),
        new("customer_name_test", RuleSeverity.Warning, 16, "The customer looks like test data", ["confirm"], "order.CustomerName == \"TEST\""),
        new("country_embargo_kp", RuleSeverity.Blocking, 17, "Deliveries to North Korea are embargoed", ["confirm", "invoice"], "order.Country == \"KP\""),
        new("country_embargo_ir", RuleSeverity.Blocking, 18, "Deliveries to Iran are embargoed", ["confirm"], "order.Country == \"IR\""),
        new("country_empty", RuleSeverity.Blocking, 19, "The country is missing", ["confirm"], "order.Country == \"\""),
        new("country_length", RuleSeverity.Warning, 20, "The country is not a two-letter ISO code", ["confirm"], "order.Country.Length != 2"),
        new("country_unknown", RuleSeverity.Warning, 21, "The country is the placeholder XX", ["confirm"], "order.Country == \"XX\""),
        new("number_empty", RuleSeverity.Blocking, 22, "The order has no number", ["confirm"], "order.Number == \"\""),
        new("number_long", RuleSeverity.Warning, 23, "The order number is longer than 20 characters", ["confirm"], "order.Number.Length > 20"),
        new("shipped_before_ordered", RuleSeverity.Blocking, 24, "The order was shipped before it was ordered", ["confirm"], "order.ShippedAt < order.OrderedAt"),
        new("shipped_draft", RuleSeverity.Warning, 25, "A draft order is marked shipped", ["confirm"], "order.Status == OrderStatus.Draft && order.ShippedAt != null"),
        new("shipped_missing", RuleSeverity.Warning, 26, "A shipped order has no shipping date", ["invoice"], "(order.Status == OrderStatus.Shipped || order.Status == OrderStatus.Invoiced) && order.ShippedAt == null"),
        new("shipped_cancelled", RuleSeverity.Blocking, 27, "A cancelled order was shipped", ["confirm"], "order.Status == OrderStatus.Cancelled && order.ShippedAt != null"),
        new("invoiced_free", RuleSeverity.Warning, 28, "A free order was invoiced", ["confirm"], "order.Status == OrderStatus.Invoiced && order.Amount == 0m"),
        new("express_tiny_amount", RuleSeverity.Warning, 29, "Express delivery of an order below 5 costs more than the order", ["confirm"], "order.Express && order.Amount < 5m"),
        new("discount_without_credit", RuleSeverity.Warning, 30, "A discount above 40% needs a credit limit", ["confirm"], "order.CreditLimit == null && order.Discount > 0.4m"),
        new("unit_price_tiny", RuleSeverity.Warning, 31, "The unit price is below 0.01", ["confirm"], "order.Quantity > 0 && order.Amount / order.Quantity < 0.01m"),
        new("unit_price_huge", RuleSeverity.Warning, 32, "The unit price is above 50,000", ["confirm"], "order.Quantity > 0 && order.Amount / order.Quantity > 50000m"),
        new("customer_name_blank", RuleSeverity.Warning, 33, "The customer's name is a space", ["confirm"], "order.CustomerName == \" \""),
        new("customer_name_short", RuleSeverity.Warning, 34, "The customer's name has one character", ["confirm"], "order.CustomerName.Length == 1"),
        new("country_lowercase_fr", RuleSeverity.Warning, 35, "The country code is in lower case", ["confirm"], "order.Country == \"fr\""),
        new("country_lowercase_de", RuleSeverity.Warning, 36, "The country code is in lower case", ["confirm"], "order.Country == \"de\""),
        new("draft_huge", RuleSeverity.Warning, 37, "A draft above 50,000 should be confirmed or removed", ["confirm"], "order.Status == OrderStatus.Draft && order.Amount > 50000m"),
        new("confirmed_without_customer", RuleSeverity.Blocking, 38, "A confirmed order needs a customer name", ["confirm"], "order.Status == OrderStatus.Confirmed && order.CustomerName == \"\""),
        new("credit_zero", RuleSeverity.Warning, 39, "The credit limit is zero", ["confirm"], "order.CreditLimit == 0m"),
        new("cancelled_discount", RuleSeverity.Warning, 40, "A cancelled order had a discount above 25%", ["confirm"], "order.Status == OrderStatus.Cancelled && order.Discount > 0.25m"),
        new("draft_bulk", RuleSeverity.Warning, 41, "A draft of more than 5,000 units blocks stock", ["confirm"], "order.Status == OrderStatus.Draft && order.Quantity > 5000"),
        new("invoiced_negative", RuleSeverity.Blocking, 42, "An invoiced order has a negative amount", ["invoice"], "order.Status == OrderStatus.Invoiced && order.Amount < 0m"),
        new("number_short", RuleSeverity.Warning, 43, "The order number is shorter than 3 characters", ["confirm"], "order.Number.Length < 3 && order.Number != \"\""),
        new("express_not_shipped", RuleSeverity.Warning, 44, "An express order marked shipped has no shipping date", ["confirm"], "order.Express && order.Status == OrderStatus.Shipped && order.ShippedAt == null"),
        new("customer_name_is_country", RuleSeverity.Warning, 45, "The customer's name is the country code", ["confirm"], "order.CustomerName == order.Country"),
        new("discount_above_20000", RuleSeverity.Warning, 46, "A discount above 10% on an order above 20,000 is reviewed", ["confirm"], "order.Amount > 20000m && order.Discount > 0.1m"),
        new("express_no_quantity", RuleSeverity.Warning, 47, "An express order has no quantity", ["confirm"], "order.Express && order.Quantity <= 0"),
        new("credit_tiny", RuleSeverity.Warning, 48, "The credit limit is below 100", ["confirm"], "order.CreditLimit != null && order.CreditLimit < 100m"),
        new("country_embargo_sy", RuleSeverity.Blocking, 49, "Deliveries to Syria are embargoed", ["confirm", "invoice"], "order.Country == \"SY\""),
        new("invoiced_unshipped", RuleSeverity.Blocking, 50, "An invoiced order was never shipped", ["invoice"], "order.Status == OrderStatus.Invoiced && order.ShippedAt == null"),
    ];
}
