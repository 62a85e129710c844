using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage;

namespace ServerTools.Tests.Infrastructure;

/// <summary>A dossier whose reads are logged.</summary>
[Audited(Operations = AuditOperations.All)]
public partial class Dossier
{
    public int Id { get; set; }

    public string Title { get; set; } = "";
}

/// <summary>A folio of a dossier: audited, its reads not.</summary>
[Audited]
public partial class Folio
{
    public int Id { get; set; }

    public int DossierId { get; set; }

    public Dossier? Dossier { get; set; }

    public string Text { get; set; } = "";
}

/// <summary>A plain sticker on a folio, put up in a booth (a relationship of the full model only).</summary>
public sealed class Sticker
{
    public int Id { get; set; }

    public int FolioId { get; set; }

    public Folio? Folio { get; set; }

    public int? BoothId { get; set; }

    public string Text { get; set; } = "";
}

/// <summary>A booth with opening hours.</summary>
[TimeWindowed]
public partial class Booth
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public List<Sticker> Stickers { get; set; } = [];
}

public sealed class ReadPathContext(DbContextOptions<ReadPathContext> options) : DbContext(options)
{
    public DbSet<Booth> Booths => Set<Booth>();

    public DbSet<Sticker> Stickers => Set<Sticker>();

    public DbSet<Folio> Folios => Set<Folio>();

    public DbSet<Dossier> Dossiers => Set<Dossier>();
}

/// <summary>The same tables without the booths, whose opening hours only <c>UseServerTools()</c> maps: a model for a context without ServerTools.</summary>
public sealed class PlainReadPathContext(DbContextOptions<PlainReadPathContext> options) : DbContext(options)
{
    public DbSet<Sticker> Stickers => Set<Sticker>();

    public DbSet<Folio> Folios => Set<Folio>();

    public DbSet<Dossier> Dossiers => Set<Dossier>();
}

/// <summary>
/// EF Core compiles a type's materializer with interception (per entity: a dictionary of the row's values and four calls
/// of the interceptors) when there is any materialization interceptor. ServerTools' two act on read-audited and
/// [TimeWindowed] types only, and only those types pay for them; the application's own interceptors still see every
/// entity of every type, and the read audit and the time-window check act as before, in the same queries.
/// </summary>
public sealed class MaterializationInterceptionTests(MaterializationInterceptionTests.Database database) : IClassFixture<MaterializationInterceptionTests.Database>
{
    // One instance for the class: EF Core builds an internal service provider per set of singleton interceptors.
    private static readonly CreatedEntities s_created = new();

    public sealed class Database() : SchemaFixture<ReadPathContext>(options => new(options));

    [Fact]
    public void Only_read_audited_and_time_windowed_types_are_materialized_through_interception_and_all_are_when_the_application_intercepts()
    {
        using (var context = database.Create())
        {
            // The model's other types, ServerTools' own tables among them, are created as without any interceptor.
            Assert.Equal(["Booth", "Dossier"], InterceptedTypes(context));
            Assert.Contains("AuditLog", context.Model.GetEntityTypes().Select(static t => t.ClrType.Name));
        }

        using (var context = WithApplicationInterceptor())
        {
            Assert.Equal(["Booth", "Dossier", "Folio", "Sticker"], InterceptedTypes(context).Intersect(["Booth", "Dossier", "Folio", "Sticker"]));
        }

    }

    [Fact]
    public void UseServerTools_before_the_provider_is_refused_with_the_order_to_use()
    {
        // Before the provider there is no source (and no migrations differ) to wrap: a clear error rather than a silent cost.
        var options = new DbContextOptionsBuilder<ReadPathContext>().UseServerTools().UseNpgsql(database.ConnectionString).Options;

        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            using var context = new ReadPathContext(options);
            return context.Model;
        });
        Assert.Contains("UseServerTools() is called before the database provider's Use...()", error.Message, StringComparison.Ordinal);
        Assert.Contains("options.UseNpgsql(connectionString).UseServerTools()", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_application_interceptor_sees_every_entity_of_a_query_of_four_kinds_in_which_the_read_of_the_dossier_is_logged(bool tracking)
    {
        var boothId = await Seed($"seen {tracking}");

        await using (var context = WithApplicationInterceptor())
        {
            var query = context.Booths.Include(static b => b.Stickers).ThenInclude(static s => s.Folio!).ThenInclude(static f => f.Dossier).Where(b => b.Id == boothId);
            var booth = Assert.Single(await (tracking ? query : query.AsNoTracking()).ToListAsync());

            // Without tracking, EF creates the folio and the dossier once per sticker.
            Assert.Equal(2, booth.Stickers.Count);
            var read = new object[] { booth }.Concat(booth.Stickers).Concat(booth.Stickers.Select(static s => s.Folio!)).Concat(booth.Stickers.Select(static s => s.Folio!.Dossier!));
            Assert.Equal(tracking ? 5 : 7, s_created.By(context).Count);
            Assert.True(Same(read, s_created.By(context)));
        }

        await using var check = database.Create();
        var dossierId = await check.Stickers.Where(s => s.BoothId == boothId).Select(static s => s.Folio!.DossierId).FirstAsync();
        var logs = await check.Set<AuditLog>().AsNoTracking().Where(static l => l.Operation == AuditOperation.Read).ToListAsync();
        Assert.Single(logs, l => l.EntityType == typeof(Dossier).FullName && l.EntityKey == dossierId.ToString(CultureInfo.InvariantCulture));
        Assert.DoesNotContain(logs, static l => l.EntityType != typeof(Dossier).FullName);
    }

    [Fact]
    public async Task Without_ServerTools_an_application_interceptor_sees_every_entity_of_a_query_as_well()
    {
        var boothId = await Seed("seen without ServerTools");

        await using var context = new PlainReadPathContext(
            new DbContextOptionsBuilder<PlainReadPathContext>().UseNpgsql(database.ConnectionString).AddInterceptors(s_created).Options);
        var stickers = await context.Stickers.Include(static s => s.Folio!).ThenInclude(static f => f.Dossier).Where(s => s.BoothId == boothId).ToListAsync();

        Assert.Equal(2, stickers.Count);
        var read = stickers.Cast<object>().Concat(stickers.Select(static s => s.Folio!)).Concat(stickers.Select(static s => s.Folio!.Dossier!));
        Assert.Equal(4, s_created.By(context).Count);
        Assert.True(Same(read, s_created.By(context)));
    }

    [Fact]
    public async Task A_broken_opening_hour_fails_a_query_that_reads_it_with_plain_and_audited_entities()
    {
        var boothId = await Seed("broken");
        await using (var context = database.Create())
        {
            _ = await context.Database.ExecuteSqlAsync($"UPDATE \"Booths\" SET \"TimeWindows\" = '[{{\"Day\":1,\"From\":\"09:00:00\",\"To\":\"09:00:00\"}}]'::jsonb WHERE \"Id\" = {boothId}");
        }

        await using var reader = WithApplicationInterceptor();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => reader.Booths.Include(static b => b.Stickers).ThenInclude(static s => s.Folio!).ThenInclude(static f => f.Dossier).Where(b => b.Id == boothId).ToListAsync());

        Assert.StartsWith("Booth read from the database (its key is in the exception's Data[", error.Message, StringComparison.Ordinal);
        Assert.Equal($"Id = {boothId}", error.Data["ServerTools.EntityKey"]);
        Assert.Contains(s_created.By(reader), static e => e is Sticker);
    }

    /// <summary>A booth open on Mondays, two stickers in it on one folio of one dossier; the booth's id.</summary>
    private async Task<int> Seed(string name)
    {
        await using var context = database.Create();
        var folio = new Folio { Dossier = new Dossier { Title = name }, Text = name };
        var booth = new Booth { Name = name };
        booth.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        booth.Stickers.Add(new Sticker { Folio = folio, Text = "first" });
        booth.Stickers.Add(new Sticker { Folio = folio, Text = "second" });
        context.Booths.Add(booth);
        await context.SaveChangesAsync();
        return booth.Id;
    }

    private ReadPathContext WithApplicationInterceptor()
        => new(new DbContextOptionsBuilder<ReadPathContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(s_created).Options);

    /// <summary>The names of the model's entity types whose materializer, as the context compiles it, goes through the interceptors.</summary>
    private static List<string> InterceptedTypes(DbContext context)
    {
        var source = context.GetService<IStructuralTypeMaterializerSource>();
        var materializationContext = Expression.Parameter(typeof(MaterializationContext), "materializationContext");
        return [.. context.Model.GetEntityTypes()
            .Where(static t => !t.IsAbstract())
            .Where(t => InterceptionFinder.Finds(source.CreateMaterializeExpression(
                new StructuralTypeMaterializerSourceParameters(t, "instance", t.ClrType, IsNullable: false, QueryTrackingBehavior.TrackAll), materializationContext)))
            .Select(static t => t.ClrType.Name)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether the two hold the same instances.</summary>
    private static bool Same(IEnumerable<object> expected, IEnumerable<object> actual)
        => new HashSet<object>(expected, ReferenceEqualityComparer.Instance).SetEquals(actual);

    /// <summary>Finds EF Core's interception in a materializer: the <see cref="MaterializationInterceptionData"/> it builds per entity.</summary>
    private sealed class InterceptionFinder : ExpressionVisitor
    {
        private bool _found;

        public static bool Finds(Expression expression)
        {
            var finder = new InterceptionFinder();
            finder.Visit(expression);
            return finder._found;
        }

        protected override Expression VisitNew(NewExpression node)
        {
            _found |= node.Type == typeof(MaterializationInterceptionData);
            return base.VisitNew(node);
        }
    }

    /// <summary>An application's materialization interceptor: the entities EF created, by context.</summary>
    private sealed class CreatedEntities : IMaterializationInterceptor
    {
        private readonly ConcurrentQueue<(DbContext Context, object Entity)> _created = new();

        public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
        {
            _created.Enqueue((materializationData.Context, entity));
            return entity;
        }

        public List<object> By(DbContext context) => [.. _created.Where(c => ReferenceEquals(c.Context, context)).Select(static c => c.Entity)];
    }
}
