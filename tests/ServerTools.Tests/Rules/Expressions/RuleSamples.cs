using System;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>Hand-built orders the rule expression tests evaluate: one with everything set, one with every nullable part empty.</summary>
internal static class RuleSamples
{
    /// <summary>An urgent confirmed order from France (a Friday, delivered on a Monday), with two lines.</summary>
    public static Order Full() => new()
    {
        Id = 7,
        Number = "SO-0042",
        Discount = 0.35m,
        Amount = 1200.50m,
        Quantity = 12,
        State = OrderState.Confirmed,
        OrderedAt = new DateTime(2024, 3, 15, 10, 30, 0, DateTimeKind.Utc),
        DeliveryDate = new DateOnly(2024, 3, 18),
        Note = "Handle with care",
        Urgent = true,
        CustomerId = 3,
        Customer = new Customer { Id = 3, Name = "Dupont", Country = "FR", CreditLimit = 1000m, Blocked = false, Email = null },
        Lines =
        [
            new OrderLine { Id = 1, OrderId = 7, Product = "Chair", Quantity = 4, Price = 50m },
            new OrderLine { Id = 2, OrderId = 7, Product = "Table", Quantity = 1, Price = 1000.50m },
        ],
    };

    /// <summary>A draft order with no customer, no note, no delivery date and no lines.</summary>
    public static Order Bare() => new()
    {
        Id = 8,
        Number = "SO-0043",
        Discount = 0m,
        Amount = 10m,
        Quantity = 1,
        State = OrderState.Draft,
        OrderedAt = new DateTime(2023, 12, 31, 23, 0, 0, DateTimeKind.Utc),
        DeliveryDate = null,
        Note = null,
        Urgent = false,
        CustomerId = null,
        Customer = null,
        Lines = [],
    };
}
