using System;
using ServerTools.Sample.Model;

namespace ServerTools.Sample.Rules;

/// <summary>
/// Blocks confirming an order whose total is above the customer's credit limit. The limit comes from
/// <see cref="ICreditPolicy"/>, which the engine takes from DI when it creates the rule (the generated registry calls
/// this constructor; nothing is found by reflection). Reads <see cref="SaleOrder.Partner"/>: load it with the order.
/// </summary>
[ExceptionRule(
    "sale.credit_limit",
    Severity = RuleSeverity.Blocking,
    Sequence = 10,
    Name = "Credit limit",
    Message = "The order total is above the customer's credit limit: ask for prepayment or a higher limit",
    Description = "Orders are delivered on account only up to the credit limit of ICreditPolicy.",
    RuleSets = [SaleOrderRuleSets.Confirm])]
public sealed class CreditLimitRule(ICreditPolicy policy) : IExceptionRule<SaleOrder>
{
    /// <inheritdoc />
    public bool Applies(SaleOrder entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.AmountTotal > policy.LimitFor(entity.Partner);
    }
}
