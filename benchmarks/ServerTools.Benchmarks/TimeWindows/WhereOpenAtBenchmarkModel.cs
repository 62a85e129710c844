using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.TimeWindows;

/// <summary>A store with opening hours in its own time zone.</summary>
[TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
public partial class Store
{
    public int Id { get; set; }

    public string TimeZoneId { get; set; } = "UTC";
}

/// <summary>The stores, in a context with UseServerTools(): EnsureCreated adds the multirange columns WhereOpenAt reads.</summary>
public sealed class WhereOpenAtBenchmarkContext(DbContextOptions<WhereOpenAtBenchmarkContext> options) : DbContext(options)
{
    public DbSet<Store> Stores => Set<Store>();
}

/// <summary>
/// The data of the WhereOpenAt benchmark, loaded once per process, on first use: 100,000 stores with random schedules in
/// 20 IANA time zones, saved with SaveChanges and UseServerTools() on a private PostgreSQL (so the columns WhereOpenAt
/// reads are written as an application writes them), then VACUUM ANALYZEd.
/// </summary>
internal static class WhereOpenAtBenchmarkData
{
    public const int Count = 100_000;

    private const int Batch = 2_000;

    private static readonly string[] s_zones =
    [
        "Europe/Paris", "Europe/London", "Europe/Berlin", "Europe/Madrid", "Europe/Lisbon", "Europe/Helsinki", "Europe/Istanbul",
        "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "America/Mexico_City",
        "Asia/Tokyo", "Asia/Kolkata", "Asia/Shanghai", "Asia/Dubai", "Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg",
    ];

    private static readonly DateOnly s_firstSpecialDate = new(2026, 10, 1);

    private static readonly Lazy<PostgresServer> s_server = new(() => Step("PostgreSQL started", Start));
    private static readonly Lazy<DbContextOptions<WhereOpenAtBenchmarkContext>> s_options = new(Load);

    /// <summary>Options of a context with UseServerTools() on the filled database. The server stops when the process exits.</summary>
    public static DbContextOptions<WhereOpenAtBenchmarkContext> Options => s_options.Value;

    /// <summary>
    /// A private server. Autovacuum is off so that it never starts inside a measured query (the load runs VACUUM ANALYZE
    /// itself); the buffers hold the table.
    /// </summary>
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

    private static DbContextOptions<WhereOpenAtBenchmarkContext> Load()
    {
        var connectionString = s_server.Value.CreateDatabaseAsync("timewindows").GetAwaiter().GetResult();
        var options = new DbContextOptionsBuilder<WhereOpenAtBenchmarkContext>().UseNpgsql(connectionString).UseServerTools().Options;
        using (var context = new WhereOpenAtBenchmarkContext(options))
        {
            context.Database.EnsureCreated();
        }

        Step($"SaveChanges of {Count:N0} stores in batches of {Batch:N0}", () =>
        {
            var random = new Random(20261121);
            for (var saved = 0; saved < Count; saved += Batch)
            {
                using var context = new WhereOpenAtBenchmarkContext(options);
                for (var i = 0; i < Batch; i++)
                {
                    context.Stores.Add(NewStore(random));
                }

                context.SaveChanges();
            }
        });

        Step("VACUUM ANALYZE", () =>
        {
            using var context = new WhereOpenAtBenchmarkContext(options);
            context.Database.ExecuteSqlRaw("VACUUM ANALYZE");
        });
        return options;
    }

    /// <summary>
    /// A store in one of the 20 zones, with 5 to 14 windows (on random days, at random quarter hours, 1 to 12 hours long,
    /// so some run past midnight and some overlap) and 0 to 5 special days on distinct dates from October 2026 to January
    /// 2027, each closed or open at random hours.
    /// </summary>
    private static Store NewStore(Random random)
    {
        var store = new Store { TimeZoneId = s_zones[random.Next(s_zones.Length)] };
        for (var count = random.Next(5, 15); count > 0; count--)
        {
            var (from, to) = Hours(random);
            store.TimeWindows.Add(new TimeWindow((DayOfWeek)random.Next(7), from, to));
        }

        var dates = new HashSet<DateOnly>();
        for (var count = random.Next(0, 6); count > 0; count--)
        {
            var date = s_firstSpecialDate.AddDays(random.Next(123));
            if (!dates.Add(date))
            {
                continue;
            }

            if (random.Next(2) == 0)
            {
                store.SpecialDays.Add(SpecialDay.Closed(date));
            }
            else
            {
                var (from, to) = Hours(random);
                store.SpecialDays.Add(SpecialDay.Open(date, from, to));
            }
        }

        return store;
    }

    private static (TimeOnly From, TimeOnly To) Hours(Random random)
    {
        var from = new TimeOnly(0, 0).AddMinutes(15 * random.Next(96));
        return (from, from.AddMinutes(60 + (15 * random.Next(45))));
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
