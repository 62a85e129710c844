using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.TimeWindows;

/// <summary>A store in its own time zone, read from a column.</summary>
[TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
public partial class Store
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public string TimeZoneId { get; set; } = "UTC";
}

/// <summary>A kiosk in a time zone fixed by the attribute.</summary>
[TimeWindowed(TimeZone = "Asia/Kolkata")]
public partial class Kiosk
{
    public int Id { get; set; }
}

/// <summary>A kiosk in a mall: a derived entity (one table with Kiosk) that has the opening hours of Kiosk.</summary>
public partial class MallKiosk : Kiosk
{
    public string Mall { get; set; } = "";
}

/// <summary>A venue in its own time zone, read from a column.</summary>
[TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
public partial class Venue
{
    public int Id { get; set; }

    public string TimeZoneId { get; set; } = "UTC";
}

/// <summary>A stage: a derived entity (one table with Venue) that has the opening hours and the zone column of Venue.</summary>
public class Stage : Venue
{
    public string Act { get; set; } = "";
}

public sealed class TimeWindowContext(DbContextOptions<TimeWindowContext> options) : DbContext(options)
{
    public DbSet<Store> Stores => Set<Store>();

    public DbSet<Kiosk> Kiosks => Set<Kiosk>();

    public DbSet<MallKiosk> MallKiosks => Set<MallKiosk>();

    public DbSet<Venue> Venues => Set<Venue>();

    public DbSet<Stage> Stages => Set<Stage>();
}

/// <summary>A database with the time window model.</summary>
public sealed class TimeWindowFixture() : SchemaFixture<TimeWindowContext>(options => new(options));

/// <summary>Random stores, in zones with unusual rules, whose schedules cross midnight and DST changes.</summary>
public static class RandomStores
{
    public static readonly string[] Zones =
    [
        "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago", "UTC",
    ];

    // The local times where clocks change in those zones, so that windows begin and end inside skipped and repeated hours.
    private static readonly int[] s_likelyMinutes = [0, 30, 60, 90, 105, 120, 135, 150, 165, 180, 210, 1380, 1410];

    public static List<Store> Create(int count, int seed, IReadOnlyList<DateOnly> around)
    {
        var random = new Random(seed);
        var stores = new List<Store>(count);
        for (var i = 0; i < count; i++)
        {
            var store = new Store { Name = $"Store {i}", TimeZoneId = Zones[random.Next(Zones.Length)] };
            for (var w = random.Next(0, 15); w > 0; w--)
            {
                var from = Minute(random);
                var to = Minute(random);
                if (from != to)
                {
                    store.TimeWindows.Add(new TimeWindow((DayOfWeek)random.Next(7), from, to));
                }
            }

            for (var d = random.Next(0, 6); d > 0; d--)
            {
                var date = around[random.Next(around.Count)].AddDays(random.Next(-3, 4));
                if (store.SpecialDays.Exists(s => s.Date == date))
                {
                    continue;
                }

                var from = Minute(random);
                var to = Minute(random);
                store.SpecialDays.Add(random.Next(3) == 0 || from == to ? SpecialDay.Closed(date) : SpecialDay.Open(date, from, to));
            }

            stores.Add(store);
        }

        return stores;
    }

    private static TimeOnly Minute(Random random)
        => TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(random.Next(2) == 0 ? s_likelyMinutes[random.Next(s_likelyMinutes.Length)] : random.Next(96) * 15));
}
