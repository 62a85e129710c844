using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// What reaches the database and comes back from it: values written around ServerTools, values it cannot store, and the
/// agreement of <c>WhereOpenAt</c> on PostgreSQL with the schedule in memory where the two could part.
/// </summary>
public sealed class TimeWindowStorageTests(TimeWindowFixture database) : IClassFixture<TimeWindowFixture>
{
    [Theory]
    [InlineData("TimeWindows", """[{"Day":1,"From":"09:00:00","To":"09:00:00"}]""", "entry 0 of column \"TimeWindows\" of table \"Stores\" (Day 1, From 09:00:00, To 09:00:00)", "empty or a whole day")]
    [InlineData("TimeWindows", """[{"Day":1,"From":"09:00:30","To":"17:00:00"}]""", "(Day 1, From 09:00:30, To 17:00:00)", "09:00:30 is not")]
    [InlineData("TimeWindows", """[{"Day":1,"From":"09:00:00","To":"17:00:00"},{"Day":9,"From":"09:00:00","To":"17:00:00"}]""", "entry 1 of", "9 is none")]
    [InlineData("SpecialDays", """[{"Date":"2026-03-30","From":"09:00:00","To":"09:00:00"}]""", "entry 0 of column \"SpecialDays\" of table \"Stores\" (Date 2026-03-30, From 09:00:00, To 09:00:00)", "empty or a whole day")]
    [InlineData("SpecialDays", """[{"Date":"2026-03-30","From":"09:00:30","To":"17:00:00"}]""", "(Date 2026-03-30, From 09:00:30, To 17:00:00)", "09:00:30 is not")]
    [InlineData("SpecialDays", """[{"Date":"2026-03-30","From":"09:00:00","To":null}]""", "(Date 2026-03-30, From 09:00:00, To null)", "has only an opening time")]
    [InlineData("SpecialDays", """[{"Date":"9999-12-31","From":null,"To":null}]""", "(Date 9999-12-31, From null, To null)", "outside the years")]
    public async Task An_entry_broken_in_the_database_fails_the_read_naming_the_row_the_column_the_value_and_the_fix(string column, string json, string entry, string fault)
    {
        int id;
        await using (var context = database.Create())
        {
            var store = new Store { Name = $"Edited {column} {json}", TimeZoneId = "Europe/Berlin" };
            store.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
            context.Stores.Add(store);
            await context.SaveChangesAsync();
            id = store.Id;
            _ = column == "TimeWindows"
                ? await context.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"TimeWindows\" = {json}::jsonb WHERE \"Id\" = {id}")
                : await context.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"SpecialDays\" = {json}::jsonb WHERE \"Id\" = {id}");
        }

        await using var reader = database.Create();
        var tracked = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.Stores.SingleAsync(s => s.Id == id));
        var untracked = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.Stores.AsNoTracking().Where(s => s.Id == id).ToListAsync());

        var synchronous = Assert.Throws<InvalidOperationException>(() => reader.Stores.Where(s => s.Id == id).ToList());

        foreach (var message in new[] { tracked.Message, untracked.Message, synchronous.Message })
        {
            Assert.Contains($"Store read from the database, the row with Id = {id}:", message, StringComparison.Ordinal);
            Assert.Contains(entry, message, StringComparison.Ordinal);
            Assert.Contains(fault, message, StringComparison.Ordinal);
            Assert.Contains("Correct or remove it in the database", message, StringComparison.Ordinal);
        }

        Assert.Equal(id, await reader.Stores.Where(s => s.Id == id).Select(s => s.Id).SingleAsync());
    }

    [Fact]
    public void A_special_day_outside_the_years_a_schedule_answers_for_is_refused_when_made()
    {
        var last = Assert.Throws<ArgumentException>(() => SpecialDay.Closed(DateOnly.MaxValue));
        var first = Assert.Throws<ArgumentException>(() => SpecialDay.Open(DateOnly.MinValue, new TimeOnly(9, 0), new TimeOnly(17, 0)));

        Assert.Contains("9999-12-31 lies outside the years a schedule answers for (0002-01-01 to 9998-12-31)", last.Message, StringComparison.Ordinal);
        Assert.Contains("0001-01-01", first.Message, StringComparison.Ordinal);
        Assert.Equal("date", last.ParamName);
        Assert.Equal(new DateOnly(9998, 12, 31), SpecialDay.Closed(new DateOnly(9998, 12, 31)).Date);
    }
}
