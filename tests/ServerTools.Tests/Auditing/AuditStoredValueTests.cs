using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>Values whose column keeps less than the CLR value: a numeric scale, microseconds.</summary>
[Audited]
public partial class Reading
{
    public int Id { get; set; }
    public decimal Amount { get; set; }
    public decimal Exact { get; set; }
    public DateTime At { get; set; }
    public DateTime Wall { get; set; }
    public DateTimeOffset Early { get; set; }
    public TimeSpan Span { get; set; }
    public TimeOnly Time { get; set; }
}

public sealed class StoredValueContext(DbContextOptions<StoredValueContext> options) : DbContext(options)
{
    public DbSet<Reading> Readings => Set<Reading>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Reading>(reading =>
        {
            reading.Property(r => r.Amount).HasPrecision(10, 2);
            reading.Property(r => r.Wall).HasColumnType("timestamp without time zone");
        });
}

/// <summary>Values are logged as their column stores them, so the trail agrees with the database and a change it does not keep is not logged.</summary>
public sealed class AuditStoredValueTests(AuditStoredValueTests.Database database) : IClassFixture<AuditStoredValueTests.Database>
{
    public sealed class Database() : SchemaFixture<StoredValueContext>(options => new(options));

    [Fact]
    public async Task Values_are_logged_as_stored_and_a_change_the_column_does_not_keep_is_not_logged()
    {
        var reading = new Reading
        {
            Amount = 1.5m,
            Exact = 1.5m,
            At = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567),
            Wall = new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified).AddTicks(9999999),
            Early = new DateTimeOffset(1969, 7, 20, 20, 17, 40, TimeSpan.Zero).AddTicks(-3),
            Span = TimeSpan.MinValue,
            Time = TimeOnly.MaxValue,
        };
        await using (var context = database.Create())
        {
            context.Readings.Add(reading);
            await context.SaveChangesAsync();

            reading.Amount = 1.235m;
            reading.At = reading.At.AddTicks(1);
            await context.SaveChangesAsync();

            reading.Amount = 2m;
            await context.SaveChangesAsync();

            reading.At = reading.At.AddTicks(1);
            reading.Span = reading.Span.Add(TimeSpan.FromTicks(1));
            await context.SaveChangesAsync();
        }

        Reading stored;
        await using (var context = database.Create())
        {
            stored = await context.Readings.AsNoTracking().SingleAsync(r => r.Id == reading.Id);
        }

        var logs = await Logs<Reading>(() => database.Create(), reading.Id);
        Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Update], logs.Select(l => l.Operation));
        Assert.Equal(
            [
                ("Id", null, Key(reading.Id)), ("Amount", null, "1.50"), ("Exact", null, "1.5"), ("At", null, AuditValueFormatter.Format(stored.At)),
                ("Wall", null, AuditValueFormatter.Format(stored.Wall)), ("Early", null, AuditValueFormatter.Format(stored.Early)),
                ("Span", null, AuditValueFormatter.Format(stored.Span)), ("Time", null, AuditValueFormatter.Format(stored.Time)),
            ],
            Lines(logs[0]));
        Assert.Equal(
            new List<string?> { "2026-01-02T03:04:05.1234560Z", "2000-01-01T00:00:00.0000000", "23:59:59.9999990", "-10675199.02:48:05.4775800" },
            new List<string?> { AuditValueFormatter.Format(stored.At), AuditValueFormatter.Format(stored.Wall), AuditValueFormatter.Format(stored.Time), AuditValueFormatter.Format(stored.Span) });
        Assert.Equal([("Amount", "1.50", "1.24")], Lines(logs[1]));
        Assert.Equal([("Amount", "1.24", "2.00")], Lines(logs[2]));
        Assert.Equal(2.00m, stored.Amount);
    }
}
