using System;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.Rules;

/// <summary>
/// The database of the data rule benchmarks, set up once per process, on first use, on a private PostgreSQL: the 50
/// rules of <see cref="RuleCatalog"/> saved as <see cref="ExceptionRuleDefinition"/> rows (ids <c>data.*</c>, entity
/// type <see cref="RuleOrder"/>) with SaveChanges, which checks each as the engine will run it; and, for the violation
/// queries only, <see cref="OrderCount"/> orders copied in with binary COPY, then VACUUM ANALYZEd.
/// </summary>
internal static class RuleBenchmarkData
{
    /// <summary>The orders in the table once <see cref="WithOrders"/> has been asked for.</summary>
    public const int OrderCount = 1_000_000;

    /// <summary>The prefix of the data rules' ids (the code rules' are <c>code.</c>: ids are unique among all rules).</summary>
    public const string IdPrefix = "data.";

    private static readonly Lazy<PostgresServer> s_server = new(() => Step("PostgreSQL started", Start));
    private static readonly Lazy<string> s_rules = new(CreateRules);
    private static readonly Lazy<string> s_orders = new(LoadOrders);

    /// <summary>A connection string to the database holding the 50 definitions (and no orders unless <see cref="WithOrders"/> ran). The server stops when the process exits.</summary>
    public static string WithRules => s_rules.Value;

    /// <summary>The same database, with the <see cref="OrderCount"/> orders loaded.</summary>
    public static string WithOrders => s_orders.Value;

    /// <summary>Options of a context with UseServerTools() on <paramref name="connectionString"/>.</summary>
    public static DbContextOptions<RuleBenchmarkContext> Options(string connectionString, IInterceptor? interceptor = null)
    {
        var builder = new DbContextOptionsBuilder<RuleBenchmarkContext>().UseNpgsql(connectionString).UseServerTools();
        return (interceptor is null ? builder : builder.AddInterceptors(interceptor)).Options;
    }

    /// <summary>A private server; autovacuum off so that it never starts inside a measured query (the load runs VACUUM ANALYZE itself).</summary>
    private static PostgresServer Start()
    {
        var options = new PostgresServerOptions
        {
            Settings =
            {
                ["autovacuum"] = "off",
                ["shared_buffers"] = "512MB",
                ["checkpoint_timeout"] = "1d",
                ["max_wal_size"] = "10GB",
            },
        };
        return PostgresServer.StartAsync(options).GetAwaiter().GetResult();
    }

    private static string CreateRules()
    {
        var connectionString = s_server.Value.CreateDatabaseAsync("rules").GetAwaiter().GetResult();
        using var context = new RuleBenchmarkContext(Options(connectionString));
        context.Database.EnsureCreated();
        Step($"SaveChanges of {RuleCatalog.Rules.Length} rule definitions, each checked", () =>
        {
            foreach (var rule in RuleCatalog.Rules)
            {
                context.Add(new ExceptionRuleDefinition
                {
                    Id = IdPrefix + rule.Name,
                    EntityType = nameof(RuleOrder),
                    Expression = rule.Expression,
                    Severity = rule.Severity,
                    Sequence = rule.Sequence,
                    Message = rule.Message,
                    RuleSets = [.. rule.RuleSets],
                });
            }

            context.SaveChanges();
        });
        return connectionString;
    }

    private static string LoadOrders()
    {
        var connectionString = WithRules;
        var orders = Step($"{OrderCount:N0} orders generated", () => RuleOrders.Create<RuleOrder>(OrderCount));
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        Step($"COPY {OrderCount:N0} orders", () => Copy(connection, orders));
        Step("VACUUM ANALYZE", () =>
        {
            using var command = new NpgsqlCommand("VACUUM ANALYZE \"Orders\"", connection) { CommandTimeout = 0 };
            command.ExecuteNonQuery();
        });
        return connectionString;
    }

    private static void Copy(NpgsqlConnection connection, RuleOrder[] orders)
    {
        using var import = connection.BeginBinaryImport(
            "COPY \"Orders\" (\"Id\", \"Number\", \"CustomerName\", \"Country\", \"Amount\", \"Discount\", \"Quantity\", \"OrderedAt\", \"ShippedAt\", \"Express\", \"Status\", \"CreditLimit\") FROM STDIN (FORMAT BINARY)");
        foreach (var order in orders)
        {
            import.StartRow();
            import.Write(order.Id, NpgsqlDbType.Integer);
            import.Write(order.Number, NpgsqlDbType.Text);
            import.Write(order.CustomerName, NpgsqlDbType.Text);
            import.Write(order.Country, NpgsqlDbType.Text);
            import.Write(order.Amount, NpgsqlDbType.Numeric);
            import.Write(order.Discount, NpgsqlDbType.Numeric);
            import.Write(order.Quantity, NpgsqlDbType.Integer);
            import.Write(order.OrderedAt, NpgsqlDbType.TimestampTz);
            if (order.ShippedAt is { } shippedAt)
            {
                import.Write(shippedAt, NpgsqlDbType.TimestampTz);
            }
            else
            {
                import.WriteNull();
            }

            import.Write(order.Express, NpgsqlDbType.Boolean);
            import.Write((int)order.Status, NpgsqlDbType.Integer);
            if (order.CreditLimit is { } creditLimit)
            {
                import.Write(creditLimit, NpgsqlDbType.Numeric);
            }
            else
            {
                import.WriteNull();
            }
        }

        import.Complete();
    }

    private static void Step(string what, Action action) => Step(what, () =>
    {
        action();
        return true;
    });

    private static T Step<T>(string what, Func<T> action)
    {
        var watch = Stopwatch.StartNew();
        var result = action();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Setup: {what}: {watch.Elapsed.TotalSeconds:F1} s"));
        return result;
    }
}

/// <summary>Counts the commands a context sends, to prove that an evaluation reads nothing from the database.</summary>
internal sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }
}
