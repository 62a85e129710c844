using System;
using System.Linq;
using ServerTools.Sample.Model;

namespace ServerTools.Sample.Rules;

/// <summary>
/// Warns when a line of the order is for more than <see cref="MaxQuantity"/> units: the warehouse may not hold that many.
/// A sales manager may ignore the warning and confirm. Reads <see cref="SaleOrder.Lines"/>: load them with the order.
/// </summary>
[ExceptionRule(
    "sale.large_quantity",
    Severity = RuleSeverity.Warning,
    Sequence = 20,
    Name = "Large quantity",
    Message = "A line is for more than 50 units: check the stock with the warehouse",
    RuleSets = [SaleOrderRuleSets.Confirm])]
public sealed class LargeQuantityRule : IExceptionRule<SaleOrder>
{
    /// <summary>The most units a line may have without a warning (the message says the same).</summary>
    public const decimal MaxQuantity = 50m;

    /// <inheritdoc />
    public bool Applies(SaleOrder entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.Lines.Any(static line => line.Quantity > MaxQuantity);
    }
}
