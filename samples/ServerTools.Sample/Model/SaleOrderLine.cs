namespace ServerTools.Sample.Model;

/// <summary>One product on a sale order, with the price agreed when it was added.</summary>
public class SaleOrderLine
{
    /// <summary>The database key.</summary>
    public int Id { get; set; }

    /// <summary>The key of the order this line belongs to.</summary>
    public int SaleOrderId { get; set; }

    /// <summary>The order this line belongs to.</summary>
    public SaleOrder SaleOrder { get; set; } = null!;

    /// <summary>The line's place on the order, from 1.</summary>
    public int Position { get; set; }

    /// <summary>The key of the product sold.</summary>
    public int ProductId { get; set; }

    /// <summary>The product sold.</summary>
    public Product Product { get; set; } = null!;

    /// <summary>The text printed on the order: the product's name when the line was added.</summary>
    public required string Description { get; set; }

    /// <summary>How many units, up to three decimals (kilograms, metres).</summary>
    public decimal Quantity { get; set; }

    /// <summary>The price of one unit in euros, copied from the product when the line was added.</summary>
    public decimal UnitPrice { get; set; }

    /// <summary>Quantity times unit price, rounded to the cent.</summary>
    public decimal Subtotal { get; set; }
}
