using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Rules;

/// <summary>The state of an <see cref="Order"/>.</summary>
public enum OrderState
{
    Draft,
    Confirmed,
    Invoiced,
    Cancelled,
}

/// <summary>What rules of the tests check by interface: every discounted document.</summary>
public interface IDiscounted
{
    decimal Discount { get; }
}

/// <summary>A customer, reached from an order by navigation in data rules.</summary>
public class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public string Country { get; set; } = "";

    public decimal CreditLimit { get; set; }

    public bool Blocked { get; set; }

    public string? Email { get; set; }
}

/// <summary>An order line, reached from an order through a collection in data rules.</summary>
public class OrderLine
{
    public int Id { get; set; }

    public int OrderId { get; set; }

    public string Product { get; set; } = "";

    public int Quantity { get; set; }

    public decimal Price { get; set; }
}

/// <summary>The entity most rule tests check: scalars of the usual kinds, a navigation and a collection.</summary>
public class Order : IDiscounted
{
    public int Id { get; set; }

    public string Number { get; set; } = "";

    public decimal Discount { get; set; }

    public decimal Amount { get; set; }

    public int Quantity { get; set; }

    public OrderState State { get; set; }

    public DateTime OrderedAt { get; set; }

    public DateOnly? DeliveryDate { get; set; }

    /// <summary>A local time, in a <c>timestamp without time zone</c> column.</summary>
    [System.ComponentModel.DataAnnotations.Schema.Column(TypeName = "timestamp without time zone")]
    public DateTime? LocalAt { get; set; }

    public string? Note { get; set; }

    public bool Urgent { get; set; }

    /// <summary>A double precision number, which may be NaN.</summary>
    public double? Ratio { get; set; }

    public int? CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

/// <summary>An order type derived from <see cref="Order"/> (one table): rules on <see cref="Order"/> apply to it too.</summary>
public class RushOrder : Order
{
    public DateTime Deadline { get; set; }
}

public sealed class RulesContext(DbContextOptions<RulesContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public DbSet<RushOrder> RushOrders => Set<RushOrder>();

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
}

/// <summary>A database of its own with the schema of <see cref="RulesContext"/> (ServerTools' rule tables included).</summary>
public class RulesFixture() : SchemaFixture<RulesContext>(static options => new RulesContext(options))
{
    /// <summary>
    /// A context whose connections have <c>standard_conforming_strings</c> off, as a role, a database or
    /// <c>ALTER SYSTEM</c> can set it: PostgreSQL then reads a backslash in a quoted literal as an escape.
    /// </summary>
    public RulesContext CreateWithoutStandardConformingStrings() => new(
        new DbContextOptionsBuilder<RulesContext>()
            .UseNpgsql(WithoutStandardConformingStrings(ConnectionString))
            .UseServerTools()
            .Options);

    /// <summary><paramref name="connectionString"/> with <c>standard_conforming_strings</c> off for every connection.</summary>
    public static string WithoutStandardConformingStrings(string connectionString)
        => new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c standard_conforming_strings=off" }.ConnectionString;

    /// <summary>The connection's <c>standard_conforming_strings</c>, to show that a test runs with the setting it means.</summary>
    public static async Task<string> StandardConformingStringsAsync(DbContext context)
    {
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SHOW standard_conforming_strings";
            return (string)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }
}
