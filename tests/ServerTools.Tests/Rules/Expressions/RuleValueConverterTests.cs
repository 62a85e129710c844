using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Tests.Infrastructure;
using ServerTools.Tests.Rules.Engine;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>A row whose properties are stored through value converters: some change how PostgreSQL orders the values, some do not.</summary>
public class Gauge
{
    public int Id { get; set; }

    /// <summary>Stored as text: '10' &lt; '9'.</summary>
    public int Quantity { get; set; }

    /// <summary>Stored as text.</summary>
    public VoucherGrade Grade { get; set; }

    /// <summary>Stored as text ('True', 'False').</summary>
    public bool Sealed { get; set; }

    /// <summary>Stored upper-cased: a text-to-text converter, which may order the stored text otherwise.</summary>
    public string Code { get; set; } = "";

    /// <summary>Stored as a bigint: a converter between numbers, which keeps their order.</summary>
    public int Level { get; set; }

    /// <summary>Stored as an int: "7", "07" and "+7" are all stored as 7.</summary>
    public string Serial { get; set; } = "0";

    /// <summary>Stored as an int: 1.6 and 2.4 are both stored as 2.</summary>
    public decimal Price { get; set; }

    /// <summary>Stored as text: 1.0 and 1.00, equal in .NET, are stored as '1.0' and '1.00'.</summary>
    public decimal Weight { get; set; }

    /// <summary>Stored as a double, which holds every int exactly and in order.</summary>
    public int Depth { get; set; }
}

public sealed class GaugeContext(DbContextOptions<GaugeContext> options) : DbContext(options)
{
    public DbSet<Gauge> Gauges => Set<Gauge>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var gauge = modelBuilder.Entity<Gauge>();
        gauge.Property(g => g.Quantity).HasConversion<string>();
        gauge.Property(g => g.Grade).HasConversion<string>();
        gauge.Property(g => g.Sealed).HasConversion<string>();
        gauge.Property(g => g.Code).HasConversion(v => v.ToUpperInvariant(), v => v);
        gauge.Property(g => g.Level).HasConversion<long>();
        gauge.Property(g => g.Serial).HasConversion<int>();
        gauge.Property(g => g.Price).HasConversion<int>();
        gauge.Property(g => g.Weight).HasConversion<string>();
        gauge.Property(g => g.Depth).HasConversion<double>();
    }
}

/// <summary>A database of its own with the schema of <see cref="GaugeContext"/>.</summary>
public sealed class GaugeFixture() : SchemaFixture<GaugeContext>(static options => new GaugeContext(options));

/// <summary>
/// A data rule on a property stored through a value converter: PostgreSQL compares the stored values, the engine the
/// property's, so only what compares alike in both is allowed (== and != with a literal, which EF Core converts too).
/// </summary>
public sealed class RuleValueConverterTests(GaugeFixture database) : IClassFixture<GaugeFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var context = database.Create();
        if (await context.Gauges.AnyAsync())
        {
            return;
        }

        context.Gauges.AddRange(Enumerable.Range(1, 30).Select(i => new Gauge
        {
            Id = i,
            Quantity = i - 5,
            Grade = (VoucherGrade)(i % 3),
            Sealed = i % 2 == 0,
            Code = $"c-{i}",
            Level = i * 3,
            Serial = $"{i % 10}",
            Price = i / 5m,
            Weight = i % 4 == 0 ? 1.00m : i,
            Depth = i - 10,
        }));
        await context.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static ExceptionRuleDefinition Definition(string id, string expression) => new()
    {
        Id = id,
        EntityType = nameof(Gauge),
        Expression = expression,
        Severity = RuleSeverity.Warning,
        Message = "broken",
    };

    [Theory]
    [InlineData("g.Quantity > 9", "Quantity")]
    [InlineData("g.Quantity + 1 == 11", "Quantity")]
    [InlineData("g.Quantity == 10L", "Quantity")]
    [InlineData("g.Quantity == g.Level", "Quantity")]
    [InlineData("g.Grade > VoucherGrade.Low", "Grade")]
    [InlineData("g.Sealed", "Sealed")]
    [InlineData("!g.Sealed", "Sealed")]
    [InlineData("g.Code.StartsWith(\"C-1\")", "Code")]
    [InlineData("g.Code == \"c-7\"", "Code")]
    [InlineData("g.Serial == \"07\"", "Serial")]
    [InlineData("g.Price > 1.5m", "Price")]
    [InlineData("g.Price == 1.6m", "Price")]
    [InlineData("g.Weight == 1m", "Weight")]
    public async Task A_rule_that_would_compare_a_converted_property_otherwise_than_PostgreSQL_is_refused_with_the_reason(string expression, string property)
    {
        await using var context = database.Create();

        var error = Assert.Throws<RuleExpressionException>(() => context.ValidateDataRule(Definition("converted.refused", expression)));

        Assert.StartsWith($"member '{property}' stored as", error.Construct, StringComparison.Ordinal);
        Assert.Contains("value converter", error.Message, StringComparison.Ordinal);
        Assert.Contains(property is "Quantity" or "Grade" or "Sealed" ? "may only compare it with == or != against a literal" : "may only compare it with null", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("g.Quantity == 10")]
    [InlineData("g.Quantity != 10 && (g.Quantity) == -3 + 5")]
    [InlineData("g.Grade == VoucherGrade.High")]
    [InlineData("g.Grade != VoucherGrade.Low")]
    [InlineData("g.Sealed == true")]
    [InlineData("g.Sealed != false && g.Level > 30")]
    [InlineData("g.Level >= 12 && g.Level < 40")]
    [InlineData("g.Level * 2 > 50 || g.Level == 9")]
    [InlineData("g.Depth > 5 && g.Depth + 1 != 12")]
    [InlineData("g.Serial != null && g.Depth < 0")]
    public async Task The_engine_and_PostgreSQL_find_the_same_entities_for_what_is_allowed(string expression)
    {
        var id = $"converted.{Math.Abs(StringComparer.Ordinal.GetHashCode(expression))}";
        await using (var context = database.Create())
        {
            if (!await context.Set<ExceptionRuleDefinition>().AnyAsync(d => d.Id == id))
            {
                context.Add(Definition(id, expression));
                await context.SaveChangesAsync();
            }
        }

        using var services = RuleServicesFactory.Create(
            options => options.Rules.UseDataRules<GaugeContext>(),
            services => services.AddDbContext<GaugeContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools()));
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var scoped = scope.ServiceProvider.GetRequiredService<GaugeContext>();

        var inSql = (await scoped.EntitiesViolatingRule<Gauge>(id).Select(g => g.Id).ToListAsync()).Order().ToList();
        var inMemory = (await scoped.Gauges.AsNoTracking().ToListAsync())
            .Where(g => engine.Evaluate(g).Violations.Any(v => v.RuleId == id))
            .Select(g => g.Id)
            .Order()
            .ToList();

        Assert.NotEmpty(inMemory);
        Assert.Equal(inMemory, inSql);
    }
}
