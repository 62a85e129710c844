using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations.Schema;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ServerTools.Tests.Tracking;

public enum OrderState { Draft, Confirmed, Shipped, Cancelled }

/// <summary>Tracked on the class, every operation delivered; hooks on State, Total and Note.</summary>
[Tracked(Operations = TrackedOperations.All)]
public partial class SaleOrder
{
    public int Id { get; set; }
    public string Number { get; set; } = "";
    public OrderState State { get; set; }
    public decimal Total { get; set; }
    public DateTimeOffset? StateChangedAt { get; set; }
    public string? Note { get; set; }

    /// <summary>What the hooks saw, in the order they ran.</summary>
    [NotMapped]
    public List<string> HookCalls { get; } = [];

    partial void OnStateChanged(OrderState oldValue, OrderState newValue)
    {
        HookCalls.Add($"State {oldValue} -> {newValue}");
        StateChangedAt = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    }

    partial void OnTotalChanged(decimal oldValue, decimal newValue) => HookCalls.Add($"Total {oldValue} -> {newValue}");

    partial void OnNoteChanged(string? oldValue, string? newValue)
    {
        HookCalls.Add($"Note {oldValue} -> {newValue}");
        if (newValue == "boom")
        {
            throw new InvalidOperationException("The note hook refused 'boom'.");
        }
    }
}

/// <summary>Tracked on one property only; updates delivered (the default).</summary>
public partial class Shipment
{
    public int Id { get; set; }

    [Tracked]
    public string Carrier { get; set; } = "";

    public string Internal { get; set; } = "";
}

/// <summary>Not marked itself: tracked by its Status only, which asks for every operation, so creations and deletions are delivered.</summary>
public partial class Courier
{
    public int Id { get; set; }

    [Tracked(Operations = TrackedOperations.All)]
    public OrderState Status { get; set; }

    public string Note { get; set; } = "";
}

/// <summary>Audited and tracked: one save writes both its audit logs and its outbox messages.</summary>
[Audited]
[Tracked(Operations = TrackedOperations.All)]
public partial class Parcel
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public decimal Weight { get; set; }

    /// <summary>An optimistic concurrency token, as an application keeps one.</summary>
    [System.ComponentModel.DataAnnotations.ConcurrencyCheck]
    public int Version { get; set; }

    /// <summary>A secret whose changes are delivered without its values.</summary>
    [AuditMask]
    public string? Pin { get; set; }

    /// <summary>Left out of the audit trail, and so of the class's tracking.</summary>
    [AuditIgnore]
    public string? Hash { get; set; }
}

/// <summary>A tracked base class with a hook; <see cref="Van"/> inherits its tracking, <see cref="Truck"/> is tracked itself.</summary>
[Tracked]
public partial class Vehicle
{
    public int Id { get; set; }
    public string Plate { get; set; } = "";

    /// <summary>What the hooks saw, in the order they ran.</summary>
    [NotMapped]
    public List<string> HookCalls { get; } = [];

    partial void OnPlateChanged(string oldValue, string newValue) => HookCalls.Add($"Vehicle.Plate {oldValue} -> {newValue}");
}

/// <summary>Not marked: tracked as a <see cref="Vehicle"/>; its own Seats are not tracked.</summary>
public class Van : Vehicle
{
    public int Seats { get; set; }
}

/// <summary>Tracked itself, with a hook of its own for the inherited Plate.</summary>
[Tracked]
public partial class Truck : Vehicle
{
    public int Axles { get; set; }

    partial void OnPlateChanged(string oldValue, string newValue) => HookCalls.Add($"Truck.Plate {oldValue} -> {newValue}");

    partial void OnAxlesChanged(int oldValue, int newValue) => HookCalls.Add($"Truck.Axles {oldValue} -> {newValue}");
}

public sealed class TrackingContext(DbContextOptions<TrackingContext> options) : DbContext(options)
{
    public DbSet<SaleOrder> SaleOrders => Set<SaleOrder>();
    public DbSet<Shipment> Shipments => Set<Shipment>();
    public DbSet<Courier> Couriers => Set<Courier>();
    public DbSet<Parcel> Parcels => Set<Parcel>();
    public DbSet<Vehicle> Vehicles => Set<Vehicle>();
    public DbSet<Van> Vans => Set<Van>();
    public DbSet<Truck> Trucks => Set<Truck>();

    /// <summary>The order's note compares ignoring case: "rush" and "RUSH" are one value for EF, its hook and the outbox.</summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<SaleOrder>().Property(o => o.Note).Metadata.SetValueComparer(new ValueComparer<string?>(
            static (left, right) => string.Equals(left, right, StringComparison.OrdinalIgnoreCase),
            static value => value == null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(value)));
}

/// <summary>What the handlers received, across DI scopes.</summary>
public sealed class Deliveries
{
    private readonly ConcurrentDictionary<Guid, byte> _inFlight = new();
    private int _overlaps;

    public ConcurrentQueue<TrackedChange<SaleOrder>> Received { get; } = new();

    /// <summary>How many times a change was being handled while another delivery of it was still running.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    /// <summary>When set, the handler calls it first: it may throw, or block.</summary>
    public Func<TrackedChange<SaleOrder>, CancellationToken, Task>? Behaviour { get; set; }

    public async Task HandleAsync(TrackedChange<SaleOrder> change, CancellationToken cancellationToken)
    {
        if (!_inFlight.TryAdd(change.ChangeId, 0))
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            Received.Enqueue(change);
            if (Behaviour is { } behaviour)
            {
                await behaviour(change, cancellationToken);
            }
        }
        finally
        {
            _inFlight.TryRemove(change.ChangeId, out _);
        }
    }
}

/// <summary>A scoped handler that reports to the singleton <see cref="Deliveries"/>.</summary>
public sealed class RecordingHandler(Deliveries deliveries) : ITrackedChangeHandler<SaleOrder>
{
    public Task HandleAsync(TrackedChange<SaleOrder> change, CancellationToken cancellationToken) => deliveries.HandleAsync(change, cancellationToken);
}

/// <summary>A logger that keeps what it was told, for the tests of what the dispatcher logs.</summary>
public sealed class RecordingLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public ConcurrentQueue<(Microsoft.Extensions.Logging.LogLevel Level, int EventId, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
        => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(
        Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
}
