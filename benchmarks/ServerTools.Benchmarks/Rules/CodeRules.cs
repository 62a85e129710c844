// The 50 rules of the business rule benchmarks as [ExceptionRule] classes, registered by the generator. These classes,
// HandWrittenRules.Check and RuleCatalog.Rules were written from one list, and every suite's setup checks that they
// find the same violations.

namespace ServerTools.Benchmarks.Rules;

[ExceptionRule("code.amount_negative", Severity = RuleSeverity.Blocking, Sequence = 1, Message = "The amount is negative", RuleSets = ["confirm"])]
public sealed class AmountNegative : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Amount < 0m;
}

[ExceptionRule("code.amount_zero", Severity = RuleSeverity.Warning, Sequence = 2, Message = "The order is free", RuleSets = ["confirm"])]
public sealed class AmountZero : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Amount == 0m;
}

[ExceptionRule("code.amount_huge", Severity = RuleSeverity.Blocking, Sequence = 3, Message = "Orders above 100,000 need a director's approval", RuleSets = ["confirm", "invoice"])]
public sealed class AmountHuge : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Amount > 100000m;
}

[ExceptionRule("code.credit_over_limit", Severity = RuleSeverity.Blocking, Sequence = 4, Message = "The amount is above the customer's credit limit", RuleSets = ["invoice"])]
public sealed class CreditOverLimit : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CreditLimit != null && order.Amount > order.CreditLimit;
}

[ExceptionRule("code.credit_negative", Severity = RuleSeverity.Warning, Sequence = 5, Message = "The credit limit is negative", RuleSets = ["confirm"])]
public sealed class CreditNegative : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CreditLimit < 0m;
}

[ExceptionRule("code.discount_negative", Severity = RuleSeverity.Blocking, Sequence = 6, Message = "The discount is negative", RuleSets = ["confirm"])]
public sealed class DiscountNegative : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Discount < 0m;
}

[ExceptionRule("code.discount_above_half", Severity = RuleSeverity.Blocking, Sequence = 7, Message = "A discount above 50% is not allowed", RuleSets = ["confirm"])]
public sealed class DiscountAboveHalf : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Discount > 0.5m;
}

[ExceptionRule("code.discount_big_order", Severity = RuleSeverity.Warning, Sequence = 8, Message = "A discount above 30% on an order above 10,000 is reviewed", RuleSets = ["confirm"])]
public sealed class DiscountBigOrder : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Discount > 0.3m && order.Amount > 10000m;
}

[ExceptionRule("code.discount_full", Severity = RuleSeverity.Blocking, Sequence = 9, Message = "A discount of 100% or more is not allowed", RuleSets = ["confirm"])]
public sealed class DiscountFull : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Discount >= 1m;
}

[ExceptionRule("code.quantity_zero", Severity = RuleSeverity.Blocking, Sequence = 10, Message = "The quantity is zero", RuleSets = ["confirm"])]
public sealed class QuantityZero : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Quantity == 0;
}

[ExceptionRule("code.quantity_negative", Severity = RuleSeverity.Blocking, Sequence = 11, Message = "The quantity is negative", RuleSets = ["confirm"])]
public sealed class QuantityNegative : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Quantity < 0;
}

[ExceptionRule("code.quantity_huge", Severity = RuleSeverity.Warning, Sequence = 12, Message = "Quantities above 10,000 are checked by the warehouse", RuleSets = ["confirm"])]
public sealed class QuantityHuge : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Quantity > 10000;
}

[ExceptionRule("code.quantity_express_bulk", Severity = RuleSeverity.Warning, Sequence = 13, Message = "Express delivery of more than 1,000 units is not guaranteed", RuleSets = ["confirm"])]
public sealed class QuantityExpressBulk : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Express && order.Quantity > 1000;
}

[ExceptionRule("code.customer_name_empty", Severity = RuleSeverity.Blocking, Sequence = 14, Message = "The customer has no name", RuleSets = ["confirm"])]
public sealed class CustomerNameEmpty : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CustomerName == "";
}

[ExceptionRule("code.customer_name_long", Severity = RuleSeverity.Warning, Sequence = 15, Message = "The customer's name is longer than 100 characters", RuleSets = ["confirm"])]
public sealed class CustomerNameLong : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CustomerName.Length > 100;
}

[ExceptionRule("code.customer_name_test", Severity = RuleSeverity.Warning, Sequence = 16, Message = "The customer looks like test data", RuleSets = ["confirm"])]
public sealed class CustomerNameTest : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CustomerName == "TEST";
}

[ExceptionRule("code.country_embargo_kp", Severity = RuleSeverity.Blocking, Sequence = 17, Message = "Deliveries to North Korea are embargoed", RuleSets = ["confirm", "invoice"])]
public sealed class CountryEmbargoKp : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Country == "KP";
}

[ExceptionRule("code.country_embargo_ir", Severity = RuleSeverity.Blocking, Sequence = 18, Message = "Deliveries to Iran are embargoed", RuleSets = ["confirm"])]
public sealed class CountryEmbargoIr : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Country == "IR";
}

[ExceptionRule("code.country_empty", Severity = RuleSeverity.Blocking, Sequence = 19, Message = "The country is missing", RuleSets = ["confirm"])]
public sealed class CountryEmpty : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Country == "";
}

[ExceptionRule("code.country_length", Severity = RuleSeverity.Warning, Sequence = 20, Message = "The country is not a two-letter ISO code", RuleSets = ["confirm"])]
public sealed class CountryLength : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Country.Length != 2;
}

[ExceptionRule("code.country_unknown", Severity = RuleSeverity.Warning, Sequence = 21, Message = "The country is the placeholder XX", RuleSets = ["confirm"])]
public sealed class CountryUnknown : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Country == "XX";
}

[ExceptionRule("code.number_empty", Severity = RuleSeverity.Blocking, Sequence = 22, Message = "The order has no number", RuleSets = ["confirm"])]
public sealed class NumberEmpty : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Number == "";
}

[ExceptionRule("code.number_long", Severity = RuleSeverity.Warning, Sequence = 23, Message = "The order number is longer than 20 characters", RuleSets = ["confirm"])]
public sealed class NumberLong : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Number.Length > 20;
}

[ExceptionRule("code.shipped_before_ordered", Severity = RuleSeverity.Blocking, Sequence = 24, Message = "The order was shipped before it was ordered", RuleSets = ["confirm"])]
public sealed class ShippedBeforeOrdered : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.ShippedAt < order.OrderedAt;
}

[ExceptionRule("code.shipped_draft", Severity = RuleSeverity.Warning, Sequence = 25, Message = "A draft order is marked shipped", RuleSets = ["confirm"])]
public sealed class ShippedDraft : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Draft && order.ShippedAt != null;
}

[ExceptionRule("code.shipped_missing", Severity = RuleSeverity.Warning, Sequence = 26, Message = "A shipped order has no shipping date", RuleSets = ["invoice"])]
public sealed class ShippedMissing : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => (order.Status == OrderStatus.Shipped || order.Status == OrderStatus.Invoiced) && order.ShippedAt == null;
}

[ExceptionRule("code.shipped_cancelled", Severity = RuleSeverity.Blocking, Sequence = 27, Message = "A cancelled order was shipped", RuleSets = ["confirm"])]
public sealed class ShippedCancelled : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Cancelled && order.ShippedAt != null;
}

[ExceptionRule("code.invoiced_free", Severity = RuleSeverity.Warning, Sequence = 28, Message = "A free order was invoiced", RuleSets = ["confirm"])]
public sealed class InvoicedFree : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Invoiced && order.Amount == 0m;
}

[ExceptionRule("code.express_tiny_amount", Severity = RuleSeverity.Warning, Sequence = 29, Message = "Express delivery of an order below 5 costs more than the order", RuleSets = ["confirm"])]
public sealed class ExpressTinyAmount : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Express && order.Amount < 5m;
}

[ExceptionRule("code.discount_without_credit", Severity = RuleSeverity.Warning, Sequence = 30, Message = "A discount above 40% needs a credit limit", RuleSets = ["confirm"])]
public sealed class DiscountWithoutCredit : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CreditLimit == null && order.Discount > 0.4m;
}

[ExceptionRule("code.unit_price_tiny", Severity = RuleSeverity.Warning, Sequence = 31, Message = "The unit price is below 0.01", RuleSets = ["confirm"])]
public sealed class UnitPriceTiny : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Quantity > 0 && order.Amount / order.Quantity < 0.01m;
}

[ExceptionRule("code.unit_price_huge", Severity = RuleSeverity.Warning, Sequence = 32, Message = "The unit price is above 50,000", RuleSets = ["confirm"])]
public sealed class UnitPriceHuge : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Quantity > 0 && order.Amount / order.Quantity > 50000m;
}

[ExceptionRule("code.customer_name_blank", Severity = RuleSeverity.Warning, Sequence = 33, Message = "The customer's name is a space", RuleSets = ["confirm"])]
public sealed class CustomerNameBlank : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CustomerName == " ";
}

[ExceptionRule("code.customer_name_short", Severity = RuleSeverity.Warning, Sequence = 34, Message = "The customer's name has one character", RuleSets = ["confirm"])]
public sealed class CustomerNameShort : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CustomerName.Length == 1;
}

[ExceptionRule("code.country_lowercase_fr", Severity = RuleSeverity.Warning, Sequence = 35, Message = "The country code is in lower case", RuleSets = ["confirm"])]
public sealed class CountryLowercaseFr : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Country == "fr";
}

[ExceptionRule("code.country_lowercase_de", Severity = RuleSeverity.Warning, Sequence = 36, Message = "The country code is in lower case", RuleSets = ["confirm"])]
public sealed class CountryLowercaseDe : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Country == "de";
}

[ExceptionRule("code.draft_huge", Severity = RuleSeverity.Warning, Sequence = 37, Message = "A draft above 50,000 should be confirmed or removed", RuleSets = ["confirm"])]
public sealed class DraftHuge : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Draft && order.Amount > 50000m;
}

[ExceptionRule("code.confirmed_without_customer", Severity = RuleSeverity.Blocking, Sequence = 38, Message = "A confirmed order needs a customer name", RuleSets = ["confirm"])]
public sealed class ConfirmedWithoutCustomer : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Confirmed && order.CustomerName == "";
}

[ExceptionRule("code.credit_zero", Severity = RuleSeverity.Warning, Sequence = 39, Message = "The credit limit is zero", RuleSets = ["confirm"])]
public sealed class CreditZero : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CreditLimit == 0m;
}

[ExceptionRule("code.cancelled_discount", Severity = RuleSeverity.Warning, Sequence = 40, Message = "A cancelled order had a discount above 25%", RuleSets = ["confirm"])]
public sealed class CancelledDiscount : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Cancelled && order.Discount > 0.25m;
}

[ExceptionRule("code.draft_bulk", Severity = RuleSeverity.Warning, Sequence = 41, Message = "A draft of more than 5,000 units blocks stock", RuleSets = ["confirm"])]
public sealed class DraftBulk : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Draft && order.Quantity > 5000;
}

[ExceptionRule("code.invoiced_negative", Severity = RuleSeverity.Blocking, Sequence = 42, Message = "An invoiced order has a negative amount", RuleSets = ["invoice"])]
public sealed class InvoicedNegative : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Invoiced && order.Amount < 0m;
}

[ExceptionRule("code.number_short", Severity = RuleSeverity.Warning, Sequence = 43, Message = "The order number is shorter than 3 characters", RuleSets = ["confirm"])]
public sealed class NumberShort : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Number.Length < 3 && order.Number != "";
}

[ExceptionRule("code.express_not_shipped", Severity = RuleSeverity.Warning, Sequence = 44, Message = "An express order marked shipped has no shipping date", RuleSets = ["confirm"])]
public sealed class ExpressNotShipped : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Express && order.Status == OrderStatus.Shipped && order.ShippedAt == null;
}

[ExceptionRule("code.customer_name_is_country", Severity = RuleSeverity.Warning, Sequence = 45, Message = "The customer's name is the country code", RuleSets = ["confirm"])]
public sealed class CustomerNameIsCountry : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CustomerName == order.Country;
}

[ExceptionRule("code.discount_above_20000", Severity = RuleSeverity.Warning, Sequence = 46, Message = "A discount above 10% on an order above 20,000 is reviewed", RuleSets = ["confirm"])]
public sealed class DiscountAbove20000 : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Amount > 20000m && order.Discount > 0.1m;
}

[ExceptionRule("code.express_no_quantity", Severity = RuleSeverity.Warning, Sequence = 47, Message = "An express order has no quantity", RuleSets = ["confirm"])]
public sealed class ExpressNoQuantity : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Express && order.Quantity <= 0;
}

[ExceptionRule("code.credit_tiny", Severity = RuleSeverity.Warning, Sequence = 48, Message = "The credit limit is below 100", RuleSets = ["confirm"])]
public sealed class CreditTiny : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.CreditLimit != null && order.CreditLimit < 100m;
}

[ExceptionRule("code.country_embargo_sy", Severity = RuleSeverity.Blocking, Sequence = 49, Message = "Deliveries to Syria are embargoed", RuleSets = ["confirm", "invoice"])]
public sealed class CountryEmbargoSy : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Country == "SY";
}

[ExceptionRule("code.invoiced_unshipped", Severity = RuleSeverity.Blocking, Sequence = 50, Message = "An invoiced order was never shipped", RuleSets = ["invoice"])]
public sealed class InvoicedUnshipped : IExceptionRule<CodeRuleOrder>
{
    public bool Applies(CodeRuleOrder order) => order.Status == OrderStatus.Invoiced && order.ShippedAt == null;
}
