using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Sample.Data;
using ServerTools.Sample.Model;

namespace ServerTools.Sample.Scenario;

/// <summary>
/// The shop's subscriber to order state changes: when an order is confirmed, the warehouse is asked to pick it.
/// A real one would call the warehouse system with <see cref="TrackedChange{T}.ChangeId"/> as its idempotency key;
/// this one writes what it would send to <see cref="Outbox.Requests"/>, which the report prints.
/// </summary>
internal sealed class WarehouseNotifier(ShopDbContext db, WarehouseNotifier.Outbox outbox) : ITrackedChangeHandler<SaleOrder>
{
    public async Task HandleAsync(TrackedChange<SaleOrder> change, CancellationToken cancellationToken)
    {
        if (!change.TryGet(SaleOrder.TrackedFields.State, out var from, out var to) || to != SaleOrderState.Confirmed)
        {
            return;
        }

        var id = int.Parse(change.EntityKey, System.Globalization.CultureInfo.InvariantCulture);
        var number = await db.SaleOrders.Where(o => o.Id == id).Select(static o => o.Number).SingleAsync(cancellationToken).ConfigureAwait(false);
        outbox.Requests.Enqueue($"pick order {number} ({from} -> {to}, by {change.UserName}, delivery attempt {change.Attempt})");
    }

    /// <summary>What the notifier sent, in order.</summary>
    internal sealed class Outbox
    {
        public ConcurrentQueue<string> Requests { get; } = new();
    }
}
