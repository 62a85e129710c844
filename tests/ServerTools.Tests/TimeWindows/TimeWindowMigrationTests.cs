using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Internal;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update.Internal;
using ServerTools.Sample.Data;
using ServerTools.Tests.Infrastructure;

// EF Core's differ (MigrationsModelDiffer) is internal API; applications that replace the differ derive from it all the same.
#pragma warning disable EF1001

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// The migration of a table that gets <c>[TimeWindowed]</c> while it has rows, computed as <c>dotnet ef migrations add</c>
/// computes it (the context's <see cref="IMigrationsModelDiffer"/> over the design-time models) and applied with the
/// context's <see cref="IMigrationsSqlGenerator"/>: the rows get empty lists, not the JSON object EF Core 10 writes.
/// </summary>
public sealed class TimeWindowMigrationTests : IAsyncLifetime
{
    // Monday 2026-11-23 10:00 in Paris (UTC+01:00).
    private static readonly DateTimeOffset s_mondayMorning = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly DatabaseFixture _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Adding_TimeWindowed_to_a_table_with_rows_migrates_them_to_empty_schedules_that_read_back_closed()
    {
        await using (var before = new DepotsBeforeContext(Options<DepotsBeforeContext>()))
        {
            await before.Database.EnsureCreatedAsync();
            before.AddRange(new DepotBefore { Name = "North" }, new DepotBefore { Name = "South" }, new Van { Plate = "AB-123" });
            await before.SaveChangesAsync();
        }

        await using var after = new DepotsAfterContext(Options<DepotsAfterContext>());
        var operations = Differences<DepotsBeforeContext>(after);

        var added = operations.OfType<AddColumnOperation>().Where(o => o.Table == "Depots").ToDictionary(o => o.Name);
        foreach (var json in new[] { "TimeWindows", "SpecialDays" })
        {
            Assert.Equal("jsonb", added[json].ColumnType);
            Assert.False(added[json].IsNullable);
            Assert.Equal("[]", added[json].DefaultValue);
            Assert.Null(added[json].DefaultValueSql);
        }

        // The multirange columns keep the convention's empty multirange; a JSON collection of the application's own keeps
        // what EF Core writes.
        Assert.All(["TimeWindowsWeekly", "TimeWindowsSpecialDates", "TimeWindowsSpecialHours"], name => Assert.Equal("'{}'", added[name].DefaultValueSql));
        Assert.Equal("{}", operations.OfType<AddColumnOperation>().Single(o => o.Table == "Vans" && o.Name == "Stops").DefaultValue);

        await Apply(after, operations);

        var depots = await after.Depots.OrderBy(d => d.Name).ToListAsync();
        Assert.Equal(["North", "South"], depots.Select(d => d.Name));
        Assert.All(depots, d => Assert.Equal((0, 0), (d.TimeWindows.Count, d.SpecialDays.Count)));
        Assert.Empty(await after.Depots.WhereOpenAt(s_mondayMorning).ToListAsync());

        // A migrated row takes windows like any other, and the query then finds it.
        depots[0].TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(8, 0), new TimeOnly(12, 0)));
        await after.SaveChangesAsync();
        Assert.Equal(["North"], await after.Depots.WhereOpenAt(s_mondayMorning).Select(d => d.Name).ToListAsync());
    }

    [Fact]
    public async Task A_nullable_jsonb_column_that_TimeWindowed_takes_over_gets_empty_lists_where_it_was_null()
    {
        await using (var before = new DepotsWithOwnHoursContext(Options<DepotsWithOwnHoursContext>()))
        {
            await before.Database.EnsureCreatedAsync();
            before.AddRange(new DepotBefore { Name = "Unset" }, new DepotBefore { Name = "Set" });
            await before.SaveChangesAsync();
            var monday = """[{"Day":1,"From":"08:00:00","To":"12:00:00"}]""";
            _ = await before.Database.ExecuteSqlAsync($"UPDATE \"Depots\" SET \"TimeWindows\" = {monday}::jsonb WHERE \"Name\" = 'Set'");
        }

        await using var after = new DepotsAfterContext(Options<DepotsAfterContext>());
        var operations = Differences<DepotsWithOwnHoursContext>(after);

        var altered = operations.OfType<AlterColumnOperation>().Single(o => o.Table == "Depots" && o.Name == "TimeWindows");
        Assert.True(altered.OldColumn.IsNullable);
        Assert.False(altered.IsNullable);
        Assert.Equal("[]", altered.DefaultValue);

        await Apply(after, operations);

        var depots = await after.Depots.OrderBy(d => d.Name).ToListAsync();
        Assert.Equal(["Set", "Unset"], depots.Select(d => d.Name));
        Assert.Equal([new TimeWindow(DayOfWeek.Monday, new TimeOnly(8, 0), new TimeOnly(12, 0))], depots[0].TimeWindows);
        Assert.Empty(depots[1].TimeWindows);
    }

    [Fact]
    public void A_new_TimeWindowed_table_is_created_as_EF_Core_creates_it()
    {
        using var after = new DepotsAfterContext(Options<DepotsAfterContext>());

        var created = Differences<DepotsBeforeContext>(after).OfType<CreateTableOperation>().Single(o => o.Name == "Counters");

        // Rows come from EF, which writes both lists; the columns have no default, as without ServerTools.
        Assert.Equal(["SpecialDays", "TimeWindows"], created.Columns.Where(c => c.ColumnType == "jsonb").Select(c => c.Name).Order());
        Assert.All(created.Columns.Where(c => c.ColumnType == "jsonb"), c => Assert.Null(c.DefaultValue));
    }

    [Fact]
    public void The_snapshot_dotnet_ef_wrote_for_a_TimeWindowed_entity_gives_no_operations_on_the_next_migrations_add()
    {
        using var context = new ShopDbContext(ShopDbContextFactory.CreateOptions(connectionString: null));
        IModel snapshot = context.GetService<IMigrationsAssembly>().ModelSnapshot!.Model;
        if (snapshot is IMutableModel mutable)
        {
            snapshot = mutable.FinalizeModel();
        }

        snapshot = context.GetService<IModelRuntimeInitializer>().Initialize(snapshot, designTime: true);

        Assert.Contains(snapshot.GetEntityTypes(), e => e.Name == typeof(ServerTools.Sample.Model.Store).FullName);
        Assert.Empty(context.GetService<IMigrationsModelDiffer>().GetDifferences(snapshot.GetRelationalModel(), RelationalModel(context)));
    }

    [Fact]
    public void A_differ_the_application_puts_in_place_of_EF_Cores_own_is_the_one_ServerTools_wraps()
    {
        using var after = new DepotsAfterContext(Options<DepotsAfterContext>(o => o.ReplaceService<IMigrationsModelDiffer, MigrationsModelDiffer, MarkingDiffer>()));

        var operations = Differences<DepotsBeforeContext>(after);

        Assert.All(operations, o => Assert.Equal(nameof(MarkingDiffer), o[MarkingDiffer.Annotation]));
        Assert.Equal("[]", operations.OfType<AddColumnOperation>().Single(o => o.Table == "Depots" && o.Name == "TimeWindows").DefaultValue);
    }

    [Fact]
    public void A_differ_the_application_puts_in_place_of_any_is_used_as_it_is()
    {
        using var after = new DepotsAfterContext(Options<DepotsAfterContext>(o => o.ReplaceService<IMigrationsModelDiffer, MarkingDiffer>()));

        Assert.IsType<MarkingDiffer>(after.GetService<IMigrationsModelDiffer>());
    }

    [Fact]
    public void UseServerTools_before_the_provider_is_refused_rather_than_left_without_the_wrapped_differ()
    {
        // The provider would register its differ after ServerTools looked for one, so nothing would be wrapped.
        var options = new DbContextOptionsBuilder<DepotsAfterContext>().UseServerTools().UseNpgsql(_database.ConnectionString).Options;

        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            using var after = new DepotsAfterContext(options);
            return after.GetService<IMigrationsModelDiffer>();
        });
        Assert.Contains("Call it after the provider", error.Message, StringComparison.Ordinal);
    }

    private DbContextOptions<TContext> Options<TContext>(Action<DbContextOptionsBuilder<TContext>>? configure = null)
        where TContext : DbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>().UseNpgsql(_database.ConnectionString).UseServerTools();
        configure?.Invoke(builder);
        return builder.Options;
    }

    /// <summary>The operations from the model of <typeparamref name="TSource"/> to the model of <paramref name="target"/>, as <c>dotnet ef migrations add</c> computes them.</summary>
    private IReadOnlyList<MigrationOperation> Differences<TSource>(DbContext target)
        where TSource : DbContext
    {
        using var source = (DbContext)Activator.CreateInstance(typeof(TSource), Options<TSource>())!;
        return target.GetService<IMigrationsModelDiffer>().GetDifferences(RelationalModel(source), RelationalModel(target));
    }

    private static IRelationalModel RelationalModel(DbContext context) => context.GetService<IDesignTimeModel>().Model.GetRelationalModel();

    private static async Task Apply(DbContext context, IReadOnlyList<MigrationOperation> operations)
    {
        var commands = context.GetService<IMigrationsSqlGenerator>().Generate(operations, context.GetService<IDesignTimeModel>().Model);
        await context.GetService<IMigrationCommandExecutor>().ExecuteNonQueryAsync(commands, context.GetService<IRelationalConnection>());
    }
}

/// <summary>An application's own differ: EF Core's, which marks every operation it gives.</summary>
public sealed class MarkingDiffer(
    IRelationalTypeMappingSource typeMappingSource,
    IMigrationsAnnotationProvider migrationsAnnotationProvider,
    IRelationalAnnotationProvider relationalAnnotationProvider,
    IRowIdentityMapFactory rowIdentityMapFactory,
    CommandBatchPreparerDependencies commandBatchPreparerDependencies)
    : MigrationsModelDiffer(typeMappingSource, migrationsAnnotationProvider, relationalAnnotationProvider, rowIdentityMapFactory, commandBatchPreparerDependencies)
{
    public const string Annotation = "Test:Differ";

    public override IReadOnlyList<MigrationOperation> GetDifferences(IRelationalModel? source, IRelationalModel? target)
    {
        var operations = base.GetDifferences(source, target);
        foreach (var operation in operations)
        {
            operation.AddAnnotation(Annotation, nameof(MarkingDiffer));
        }

        return operations;
    }
}

/// <summary>A depot before it had opening hours: the table of <see cref="Depot"/>.</summary>
public class DepotBefore
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

/// <summary>The depot once it has opening hours.</summary>
[TimeWindowed(TimeZone = "Europe/Paris")]
public partial class Depot
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

/// <summary>A counter that has opening hours from its first migration on.</summary>
[TimeWindowed(TimeZone = "Europe/Paris")]
public partial class Counter
{
    public int Id { get; set; }
}

/// <summary>A van whose stops, a JSON collection of the application's own, come in the same migration as the depots' hours.</summary>
public class Van
{
    public int Id { get; set; }

    public string Plate { get; set; } = "";

    public List<VanStop> Stops { get; set; } = [];
}

public class VanStop
{
    public string Place { get; set; } = "";
}

/// <summary>The depots and vans before the depots had opening hours.</summary>
public sealed class DepotsBeforeContext(DbContextOptions<DepotsBeforeContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DepotBefore>().ToTable("Depots");
        modelBuilder.Entity<Van>().ToTable("Vans").Ignore(v => v.Stops);
    }
}

/// <summary>The depots before they had <c>[TimeWindowed]</c>, with their hours in a nullable <c>jsonb</c> column of their own.</summary>
public sealed class DepotsWithOwnHoursContext(DbContextOptions<DepotsWithOwnHoursContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DepotBefore>().ToTable("Depots").Property<string?>("TimeWindows").HasColumnType("jsonb");
        modelBuilder.Entity<Van>().ToTable("Vans").Ignore(v => v.Stops);
    }
}

/// <summary>The depots with opening hours, a new table of counters with opening hours, and the vans with their stops.</summary>
public sealed class DepotsAfterContext(DbContextOptions<DepotsAfterContext> options) : DbContext(options)
{
    public DbSet<Depot> Depots => Set<Depot>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Depot>().ToTable("Depots");
        modelBuilder.Entity<Counter>().ToTable("Counters");
        modelBuilder.Entity<Van>().ToTable("Vans").ComplexCollection(v => v.Stops, stops => stops.ToJson());
    }
}
