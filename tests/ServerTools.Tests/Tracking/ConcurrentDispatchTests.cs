using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Tracking;

/// <summary>Several dispatchers over one outbox: each change delivered, none by two at once.</summary>
public sealed class ConcurrentDispatchTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    [Fact]
    public async Task Two_dispatchers_over_ten_thousand_changes_deliver_every_change_and_never_one_twice_at_a_time()
    {
        const int Count = 10_000;
        await using (var context = database.Create())
        {
            context.SaleOrders.AddRange(Enumerable.Range(0, Count).Select(i => new SaleOrder { Number = $"SO-{i:D5}", Total = i }));
            await context.SaveChangesAsync();
        }

        var deliveries = new Deliveries { Behaviour = static async (_, _) => await Task.Yield() };
        await using var services = database.Services(deliveries, o => o.BatchSize = 50);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        async Task<int> DrainAsync()
        {
            var total = 0;
            while (await dispatcher.DispatchAsync() is var handled and > 0)
            {
                total += handled;
            }

            return total;
        }

        var counts = await Task.WhenAll(Task.Run(DrainAsync), Task.Run(DrainAsync));

        Assert.Equal(Count, counts.Sum());
        Assert.All(counts, count => Assert.True(count > 0, "Both dispatchers took part."));
        Assert.Equal(0, deliveries.Overlaps);
        var received = deliveries.Received.ToArray();
        Assert.Equal(Count, received.Length);
        Assert.Equal(Count, received.Select(c => c.ChangeId).Distinct().Count());
        await using var check = database.Create();
        Assert.Equal(Count, await check.Set<OutboxMessage>().CountAsync(m => m.State == OutboxState.Delivered && m.Attempts == 1));
    }
}
