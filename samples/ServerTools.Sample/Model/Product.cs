using System;

namespace ServerTools.Sample.Model;

/// <summary>Something the shop sells, at a list price in euros.</summary>
public class Product
{
    /// <summary>The database key.</summary>
    public int Id { get; set; }

    /// <summary>The stock keeping unit: the shop's own unique product code, such as <c>BEANS-1KG</c>.</summary>
    public required string Sku { get; set; }

    /// <summary>The name shown to customers.</summary>
    public required string Name { get; set; }

    /// <summary>The list price of one unit, in euros.</summary>
    public decimal UnitPrice { get; set; }

    /// <summary>When the product was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
