namespace ServerTools.Sample.Model;

/// <summary>Where a sale order is in its life. Stored by name, so the column reads well in SQL.</summary>
public enum SaleOrderState
{
    /// <summary>Being prepared: lines can still change.</summary>
    Draft,

    /// <summary>Agreed with the customer: lines are fixed.</summary>
    Confirmed,

    /// <summary>Delivered and invoiced.</summary>
    Done,

    /// <summary>Called off before it was done.</summary>
    Cancelled,
}
