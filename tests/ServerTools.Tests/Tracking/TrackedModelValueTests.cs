using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.ComponentModel.DataAnnotations.Schema;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Tests.Infrastructure;
using ServerTools.Tracking;

namespace ServerTools.Tests.Tracking;

/// <summary>A strongly typed id, stored as its Guid (HasConversion).</summary>
public readonly record struct ClientId(Guid Value);

/// <summary>An amount stored as a decimal through a converter configured by convention (ConfigureConventions).</summary>
public readonly record struct Fare(decimal Amount);

public sealed class FareConverter() : ValueConverter<Fare, decimal>(fare => fare.Amount, amount => new Fare(amount));

public sealed class Client
{
    public ClientId Id { get; set; }
    public string Name { get; set; } = "";
}

/// <summary>Values whose text the model decides: a strongly typed foreign key (also optional), a converted value, primitive collections.</summary>
[Tracked(Operations = TrackedOperations.All)]
public partial class Booking
{
    public int Id { get; set; }
    public ClientId ClientId { get; set; }
    public ClientId? ReferrerId { get; set; }
    public Fare Price { get; set; }
    public List<string> Tags { get; set; } = [];
    public int[] Seats { get; set; } = [];
    [AuditMask] public ClientId? Auditor { get; set; }
    [AuditIgnore] public int[] Internal { get; set; } = [];
    public string Note { get; set; } = "";

    [NotMapped]
    public List<string> HookCalls { get; } = [];

    partial void OnClientIdChanged(ClientId oldValue, ClientId newValue) => HookCalls.Add($"ClientId {oldValue.Value} -> {newValue.Value}");

    partial void OnReferrerIdChanged(ClientId? oldValue, ClientId? newValue)
        => HookCalls.Add($"ReferrerId {oldValue?.Value.ToString() ?? "null"} -> {newValue?.Value.ToString() ?? "null"}");

    partial void OnPriceChanged(Fare oldValue, Fare newValue) => HookCalls.Add($"Price {oldValue.Amount} -> {newValue.Amount}");

    partial void OnTagsChanged(List<string> oldValue, List<string> newValue) => HookCalls.Add($"Tags {string.Join(",", oldValue)} -> {string.Join(",", newValue)}");

    partial void OnSeatsChanged(int[] oldValue, int[] newValue) => HookCalls.Add($"Seats {string.Join(",", oldValue)} -> {string.Join(",", newValue)}");
}

public sealed class BookingContext(DbContextOptions<BookingContext> options) : DbContext(options)
{
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Booking> Bookings => Set<Booking>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
        => configurationBuilder.Properties<Fare>().HaveConversion<FareConverter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Client>().Property(c => c.Id).HasConversion(id => id.Value, value => new ClientId(value));
        modelBuilder.Entity<Booking>(booking =>
        {
            booking.Property(b => b.ClientId).HasConversion(id => id.Value, value => new ClientId(value));
            booking.HasOne<Client>().WithMany().HasForeignKey(b => b.ClientId);
            booking.Property(b => b.ReferrerId).HasConversion(id => id!.Value.Value, value => new ClientId(value));
            booking.HasOne<Client>().WithMany().HasForeignKey(b => b.ReferrerId);
            booking.Property(b => b.Auditor).HasConversion(id => id!.Value.Value, value => new ClientId(value));
        });
    }
}

/// <summary>A primitive collection of a type TryGet cannot create (Npgsql reads it back as a List, so only its model is used).</summary>
public sealed class Shelf
{
    public int Id { get; set; }
    public ObservableCollection<string> Labels { get; set; } = [];
}

public sealed class ShelfContext(DbContextOptions<ShelfContext> options) : DbContext(options)
{
    public DbSet<Shelf> Shelves => Set<Shelf>();
}

/// <summary>What the booking handler received.</summary>
public sealed class BookingDeliveries
{
    public ConcurrentQueue<TrackedChange<Booking>> Received { get; } = new();
}

public sealed class BookingHandler(BookingDeliveries deliveries) : ITrackedChangeHandler<Booking>
{
    public Task HandleAsync(TrackedChange<Booking> change, CancellationToken cancellationToken)
    {
        deliveries.Received.Enqueue(change);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Strongly typed ids, converted values and primitive collections are tracked: hooks get typed values, the outbox holds
/// the text the audit trail would log (the converter's stored value, a JSON array of the elements' texts), and TryGet reads
/// them back typed, through the model.
/// </summary>
public sealed class TrackedModelValueTests(TrackedModelValueTests.Database database) : IClassFixture<TrackedModelValueTests.Database>
{
    public sealed class Database() : SchemaFixture<BookingContext>(options => new(options));

    private static readonly ClientId s_ada = new(Guid.Parse("6f1c2a3b-0d4e-4f50-8a61-7b2c3d4e5f60"));
    private static readonly ClientId s_bob = new(Guid.Parse("0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d"));

    private static string Text(ClientId id) => id.Value.ToString("D");

    private ServiceProvider Services(BookingDeliveries deliveries)
    {
        var services = new ServiceCollection();
        services.AddDbContext<BookingContext>(options => options.UseNpgsql(database.ConnectionString).UseServerTools());
        services.AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<Booking>, BookingHandler>();
        services.AddTrackedChangeDispatcher<BookingContext>();
        return services.BuildServiceProvider(validateScopes: true);
    }

    private async Task<Booking> StoreAsync(string note)
    {
        await using var context = database.Create();
        foreach (var client in new[] { s_ada, s_bob })
        {
            if (await context.Clients.FindAsync(client) is null)
            {
                context.Clients.Add(new Client { Id = client, Name = client == s_ada ? "Ada" : "Bob" });
            }
        }

        var booking = new Booking
        {
            ClientId = s_ada,
            Price = new Fare(12.50m),
            Tags = ["rush", "gift \"wrapped\""],
            Seats = [3, 1],
            Auditor = s_bob,
            Internal = [42],
            Note = note,
        };
        context.Bookings.Add(booking);
        await context.SaveChangesAsync();
        return booking;
    }

    private async Task<List<OutboxMessage>> MessagesAsync(int id)
    {
        await using var context = database.Create();
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await context.Set<OutboxMessage>().Where(m => m.EntityType == typeof(Booking).FullName && m.EntityKey == key).OrderBy(m => m.Sequence).ToListAsync();
    }

    private static Dictionary<string, (string? Old, string? New)> ByField(OutboxMessage message)
        => message.Fields.ToDictionary(f => f.Field, f => (f.OldValue, f.NewValue));

    [Fact]
    public async Task A_create_writes_the_converters_stored_values_and_json_arrays_and_leaves_out_ignored_fields()
    {
        var booking = await StoreAsync("create");

        var created = Assert.Single(await MessagesAsync(booking.Id));
        Assert.Equal(
            new Dictionary<string, (string?, string?)>
            {
                ["Id"] = (null, booking.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ["ClientId"] = (null, Text(s_ada)),
                ["ReferrerId"] = (null, null),
                ["Price"] = (null, "12.50"),
                ["Tags"] = (null, "[\"rush\",\"gift \\\"wrapped\\\"\"]"),
                ["Seats"] = (null, "[\"3\",\"1\"]"),
                ["Auditor"] = (null, "***"),
                ["Note"] = (null, "create"),
            },
            ByField(created));
    }

    [Fact]
    public async Task An_update_runs_typed_hooks_writes_the_texts_and_TryGet_reads_them_back_through_the_model()
    {
        var booking = await StoreAsync("update");
        await using (var context = database.Create())
        {
            var stored = await context.Bookings.SingleAsync(b => b.Id == booking.Id);
            stored.ClientId = s_bob;
            stored.ReferrerId = s_ada;                  // set
            stored.Price = new Fare(13.75m);
            stored.Tags.Add("fragile");                 // changed in place
            stored.Seats = [4];
            await context.SaveChangesAsync();

            Assert.Equal(
                [
                    $"ClientId {s_ada.Value} -> {s_bob.Value}",
                    $"ReferrerId null -> {s_ada.Value}",
                    "Price 12.50 -> 13.75",
                    "Tags rush,gift \"wrapped\" -> rush,gift \"wrapped\",fragile",
                    "Seats 3,1 -> 4",
                ],
                stored.HookCalls);
        }

        await using (var context = database.Create())
        {
            var stored = await context.Bookings.SingleAsync(b => b.Id == booking.Id);
            stored.ReferrerId = null;                   // cleared
            stored.Tags.RemoveAt(0);                    // changed in place
            await context.SaveChangesAsync();
            Assert.Equal([$"ReferrerId {s_ada.Value} -> null", "Tags rush,gift \"wrapped\",fragile -> gift \"wrapped\",fragile"], stored.HookCalls);
        }

        var messages = await MessagesAsync(booking.Id);
        Assert.Equal(3, messages.Count);
        Assert.Equal(
            new Dictionary<string, (string?, string?)>
            {
                ["ClientId"] = (Text(s_ada), Text(s_bob)),
                ["ReferrerId"] = (null, Text(s_ada)),
                ["Price"] = ("12.50", "13.75"),
                ["Tags"] = ("[\"rush\",\"gift \\\"wrapped\\\"\"]", "[\"rush\",\"gift \\\"wrapped\\\"\",\"fragile\"]"),
                ["Seats"] = ("[\"3\",\"1\"]", "[\"4\"]"),
            },
            ByField(messages[1]));
        Assert.Equal(
            new Dictionary<string, (string?, string?)>
            {
                ["ReferrerId"] = (Text(s_ada), null),
                ["Tags"] = ("[\"rush\",\"gift \\\"wrapped\\\"\",\"fragile\"]", "[\"gift \\\"wrapped\\\"\",\"fragile\"]"),
            },
            ByField(messages[2]));

        var deliveries = new BookingDeliveries();
        await using var services = Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<BookingContext>>();
        while (await dispatcher.DispatchAsync() > 0)
        {
        }

        var received = deliveries.Received.Where(c => c.EntityKey == booking.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).OrderBy(c => c.Sequence).ToList();
        Assert.Equal(3, received.Count);
        var (update, clear) = (received[1], received[2]);

        Assert.True(update.TryGet(Booking.TrackedFields.ClientId, out var fromClient, out var toClient));
        Assert.Equal((s_ada, s_bob), (fromClient, toClient));
        Assert.True(update.TryGet(Booking.TrackedFields.ReferrerId, out var fromReferrer, out var toReferrer));
        Assert.Equal(((ClientId?)null, (ClientId?)s_ada), (fromReferrer, toReferrer));
        Assert.True(update.TryGet(Booking.TrackedFields.Price, out var fromPrice, out var toPrice));
        Assert.Equal((new Fare(12.50m), new Fare(13.75m)), (fromPrice, toPrice));
        Assert.True(update.TryGet(Booking.TrackedFields.Tags, out var fromTags, out var toTags));
        Assert.Equal(["rush", "gift \"wrapped\""], fromTags);
        Assert.Equal(["rush", "gift \"wrapped\"", "fragile"], toTags);
        Assert.True(update.TryGet(Booking.TrackedFields.Seats, out var fromSeats, out var toSeats));
        Assert.Equal([3, 1], fromSeats);
        Assert.Equal([4], toSeats);

        Assert.True(clear.TryGet(Booking.TrackedFields.ReferrerId, out fromReferrer, out toReferrer));
        Assert.Equal(((ClientId?)s_ada, (ClientId?)null), (fromReferrer, toReferrer));
        Assert.False(clear.TryGet(Booking.TrackedFields.ClientId, out _, out _));

        var create = received[0];
        var masked = Assert.Throws<InvalidOperationException>(() => create.TryGet(Booking.TrackedFields.Auditor, out _, out _));
        Assert.Contains("[AuditMask]", masked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unchanged_collection_and_an_equal_new_list_are_no_change()
    {
        var booking = await StoreAsync("same");
        await using (var context = database.Create())
        {
            var stored = await context.Bookings.SingleAsync(b => b.Id == booking.Id);
            stored.Tags = [.. stored.Tags];             // another list with the same elements: EF's comparer sees no change
            stored.Note = "noted";
            await context.SaveChangesAsync();
            Assert.Empty(stored.HookCalls);
        }

        var update = (await MessagesAsync(booking.Id))[1];
        Assert.Equal(["Note"], update.Fields.Select(f => f.Field));
    }

    [Fact]
    public async Task A_delete_writes_the_old_texts()
    {
        var booking = await StoreAsync("delete");
        await using (var context = database.Create())
        {
            context.Bookings.Remove(await context.Bookings.SingleAsync(b => b.Id == booking.Id));
            await context.SaveChangesAsync();
        }

        var deleted = ByField((await MessagesAsync(booking.Id))[1]);
        Assert.Equal((Text(s_ada), (string?)null), deleted["ClientId"]);
        Assert.Equal(("[\"3\",\"1\"]", (string?)null), deleted["Seats"]);
        Assert.Equal(("***", (string?)null), deleted["Auditor"]);
    }

    [Fact]
    public void A_collection_type_TryGet_cannot_create_is_refused_with_the_types_it_can()
    {
        using var context = new ShelfContext(new DbContextOptionsBuilder<ShelfContext>().UseNpgsql("Host=unused").Options);
        var property = context.Model.FindEntityType(typeof(Shelf))!.FindProperty(nameof(Shelf.Labels))!;
        var format = TrackedValueFormats.Collection<ObservableCollection<string>, string>().For(property);

        Assert.Equal("[\"vip\",null]", format.Format(["vip", null!]));
        var error = Assert.Throws<InvalidOperationException>(() => format.Parse("[\"vip\"]"));
        Assert.Contains("'System.Collections.ObjectModel.ObservableCollection`1[System.String]', which TryGet cannot create", error.Message, StringComparison.Ordinal);
        Assert.Contains("array type, List<T>, IList<T>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_format_used_without_the_model_says_to_read_it_with_TryGet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Booking.TrackedFields.ClientId.Parse(Text(s_ada)));
        Assert.Contains("TryGet", error.Message, StringComparison.Ordinal);
    }
}
