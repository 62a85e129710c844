using System;
using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Sample.Model;

/// <summary>
/// A customer's order: lines of products, a total in euros, and a state from draft to done. Its
/// <see cref="State"/> is <c>[Tracked]</c>: the warehouse hears of every committed state change
/// (<see cref="Scenario.WarehouseNotifier"/>), through the outbox.
/// </summary>
public partial class SaleOrder
{
    /// <summary>The database key.</summary>
    public int Id { get; set; }

    /// <summary>The order number people quote, such as <c>SO-2026-0001</c>; unique.</summary>
    public required string Number { get; set; }

    /// <summary>The key of the customer.</summary>
    public int PartnerId { get; set; }

    /// <summary>The customer.</summary>
    public Partner Partner { get; set; } = null!;

    /// <summary>Where the order is in its life; changes are delivered to <see cref="ITrackedChangeHandler{T}"/> services.</summary>
    [Tracked]
    public SaleOrderState State { get; set; }

    /// <summary>The sum of the lines' subtotals, in euros.</summary>
    public decimal AmountTotal { get; set; }

    /// <summary>When the order was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the order was confirmed; <see langword="null"/> while it is a draft.</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>The order's lines, by position.</summary>
    public ICollection<SaleOrderLine> Lines { get; } = new List<SaleOrderLine>();

    /// <summary>Adds a line for <paramref name="quantity"/> units of <paramref name="product"/> at its current price.</summary>
    /// <exception cref="InvalidOperationException">The order is no longer a draft.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The quantity is not positive.</exception>
    public SaleOrderLine AddLine(Product product, decimal quantity)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        EnsureDraft("add a line to");

        var line = new SaleOrderLine
        {
            Position = Lines.Count + 1,
            Product = product,
            Description = product.Name,
            Quantity = quantity,
            UnitPrice = product.UnitPrice,
            Subtotal = Math.Round(quantity * product.UnitPrice, 2, MidpointRounding.AwayFromZero),
        };
        Lines.Add(line);
        AmountTotal = Lines.Sum(static l => l.Subtotal);
        return line;
    }

    /// <summary>Confirms a draft order with at least one line.</summary>
    /// <param name="at">The time of confirmation.</param>
    /// <exception cref="InvalidOperationException">The order is not a draft, or has no lines.</exception>
    public void Confirm(DateTimeOffset at)
    {
        EnsureDraft("confirm");
        if (Lines.Count == 0)
        {
            throw new InvalidOperationException($"Sale order {Number} has no lines: add at least one before confirming it.");
        }

        State = SaleOrderState.Confirmed;
        ConfirmedAt = at;
    }

    private void EnsureDraft(string action)
    {
        if (State != SaleOrderState.Draft)
        {
            throw new InvalidOperationException($"Cannot {action} sale order {Number}: it is {State}, not {SaleOrderState.Draft}.");
        }
    }
}
