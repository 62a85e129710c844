using System;
using System.Linq;
using ServerTools.Auditing;

namespace ServerTools.Tests.Auditing;

/// <summary>Log ids: UUID version 7, consecutive within a save, increasing across saves whatever the clock does.</summary>
public sealed class AuditIdsTests
{
    [Fact]
    public void The_ids_of_one_call_are_consecutive_version_7_uuids_of_the_timestamp()
    {
        var timestamp = new DateTimeOffset(2026, 11, 21, 17, 30, 0, 123, TimeSpan.Zero);
        var ids = new Guid[300];

        new AuditIds().Fill(timestamp, ids);

        var values = ids.Select(static id => UInt128.Parse(id.ToString("N"), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (var i = 1; i < values.Length; i++)
        {
            Assert.Equal(values[i - 1] + 1, values[i]);
        }

        Assert.All(ids, static id => Assert.Equal(7, id.Version));
        Assert.All(ids, static id => Assert.Equal(0b10, id.Variant >> 2));
        Assert.All(ids, id => Assert.Equal(timestamp.ToUnixTimeMilliseconds(), Milliseconds(id)));
    }

    [Fact]
    public void Later_calls_give_greater_ids_even_when_the_clock_steps_back()
    {
        var now = new DateTimeOffset(2026, 11, 21, 17, 31, 0, TimeSpan.Zero);
        var first = new Guid[2];
        var second = new Guid[2];
        var third = new Guid[1];

        var sequence = new AuditIds();
        sequence.Fill(now, first);
        sequence.Fill(now.AddMinutes(-5), second);
        sequence.Fill(now, third);

        // Guid.CompareTo orders by its little-endian fields; PostgreSQL compares the bytes in order, as the text does.
        var all = first.Concat(second).Concat(third).Select(static id => id.ToString("N")).ToArray();
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    private static long Milliseconds(Guid id) => Convert.ToInt64(id.ToString("N")[..12], 16);
}
