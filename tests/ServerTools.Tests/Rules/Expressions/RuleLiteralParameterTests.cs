using System;
using System.Data.Common;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>
/// A data rule's literals reach PostgreSQL as parameters, never as text in its SQL: with the parameter types of the
/// columns they meet (an enum stored as text or as a PostgreSQL enum, a varchar and a numeric of limited size), the
/// indexes of those columns still used, and the same answers as memory whatever <c>standard_conforming_strings</c> says.
/// </summary>
public sealed class RuleLiteralParameterTests(RuleLiteralParameterTests.VoucherFixture database) : IClassFixture<RuleLiteralParameterTests.VoucherFixture>
{
    /// <summary>A rule, the texts of its literals as PostgreSQL would write them, and the values of its parameters.</summary>
    public static TheoryData<string, string[], object[]> Literals => new()
    {
        { "voucher.Code == \"T-0007\"", ["T-0007"], ["T-0007"] },
        { "voucher.Code.StartsWith(\"T-001\") && voucher.Note != \"it's\"", ["T-001", "it''s"], ["T-001%", "it's"] },
        { "voucher.Note.Contains('\\\\') || voucher.Note.EndsWith(\"\\\\'\")", ["\\"], ["%\\\\%", "%\\\\'"] },
        { "voucher.Grade == VoucherGrade.High", ["High", "2"], ["High"] },
        { "voucher.Mood != VoucherMood.Angry", ["Angry"], [VoucherMood.Angry] },
        { "voucher.Price > 990.5m", ["990.5"], [990.5m] },
        { "voucher.Serial == 10000000007", ["10000000007"], [10000000007L] },
        { "voucher.Serial > 2 * 5000000000", ["10000000000"], [10000000000L] },
        { "Math.Round(voucher.Price, 1) == 12.5m || voucher.Price * 3 == 31.5m", ["12.5", "31.5"], [1, 12.5m, 3.0m, 31.5m] },
    };

    [Theory]
    [MemberData(nameof(Literals))]
    public async Task Every_literal_of_a_rule_reaches_PostgreSQL_as_a_parameter(string expression, string[] literalTexts, object[] parameterValues)
    {
        var rule = RuleExpression.Compile<Voucher>(expression);
        await using var context = database.Create();
        var query = context.Vouchers.Where(rule.Expression);

        await using var command = query.CreateDbCommand();
        var where = command.CommandText[command.CommandText.IndexOf("WHERE", StringComparison.Ordinal)..];
        foreach (var text in literalTexts)
        {
            Assert.DoesNotContain(text, where, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("'", where, StringComparison.Ordinal);
        Assert.Equal(parameterValues, command.Parameters.Cast<DbParameter>().Select(p => p.Value!));
        await AssertAgreesAsync(context, rule);
    }

    [Theory]
    [InlineData("voucher.Code == \"ABCDEFGHIJKLM\"")]
    [InlineData("voucher.Code != \"ABCDEFGHIJKLM\" && voucher.Code.StartsWith(\"ABCDEFGHIJ\")")]
    [InlineData("voucher.Price == 10.005m || voucher.Price == 10.015m")]
    [InlineData("voucher.Code.StartsWith(\"ABCDEFGHIJKLM\")")]
    [InlineData("voucher.Country == \"DEU\" || voucher.Country != \"FRA\" && voucher.Country == \"FR\"")]
    public async Task A_literal_longer_or_finer_than_its_column_is_compared_whole(string expression)
    {
        // EF Core gives the parameter the column's type mapping (varchar(12), char(2), numeric(10,2)); the value must
        // not be cut to the column's length or rounded to its scale, which would find ABCDEFGHIJKL, DE and 10.01.
        var rule = RuleExpression.Compile<Voucher>(expression);
        await using var context = database.Create();

        await AssertAgreesAsync(context, rule);
    }

    [Theory]
    [InlineData("voucher.Code == \"T-0007\"", "IX_Vouchers_Code")]
    [InlineData("voucher.Code.StartsWith(\"T-001\")", "IX_Vouchers_Code")]
    [InlineData("voucher.Grade == VoucherGrade.High", "IX_Vouchers_Grade")]
    [InlineData("voucher.Mood == VoucherMood.Angry", "IX_Vouchers_Mood")]
    [InlineData("voucher.Price > 990.5m", "IX_Vouchers_Price")]
    [InlineData("voucher.Serial == 10000000007", "IX_Vouchers_Serial")]
    [InlineData("voucher.Serial == 7", "IX_Vouchers_Serial")]
    public async Task A_rule_s_query_reads_the_index_of_the_column_it_compares(string expression, string index)
    {
        // With sequential scans priced out, PostgreSQL reads the index whenever the comparison can use it: a parameter of
        // another type than the column (text against an enum, numeric against bigint) could not.
        var rule = RuleExpression.Compile<Voucher>(expression);
        await using var context = database.Create();
        await context.Database.OpenConnectionAsync();
        await context.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");

        await using var command = context.Vouchers.Where(rule.Expression).CreateDbCommand();
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = new StringBuilder();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetString(0));
            }
        }

        Assert.True(plan.ToString().Contains($"Index Scan using \"{index}\"", StringComparison.Ordinal)
            || plan.ToString().Contains($"Index Scan on \"{index}\"", StringComparison.Ordinal), $"The plan does not read {index}:\n{plan}");
    }

    [Fact]
    public async Task A_literal_cannot_run_SQL_when_standard_conforming_strings_is_off()
    {
        // With standard_conforming_strings off, \' in a quoted literal is a quote: written into the SQL, this literal
        // would end there, and the DELETE would run.
        var rule = RuleExpression.Compile<Voucher>("voucher.Code == \"\\\\'; DELETE FROM \\\"Vouchers\\\"; --\"");
        await using var context = database.Create(standardConformingStrings: false);
        await using var transaction = await context.Database.BeginTransactionAsync();

        var found = await context.Vouchers.Where(rule.Expression).CountAsync();
        var left = await context.Vouchers.CountAsync();
        await transaction.RollbackAsync();

        Assert.Equal("off", await RulesFixture.StandardConformingStringsAsync(context));
        Assert.Equal(0, found);
        Assert.Equal(VoucherFixture.Count, left);
    }

    [Fact]
    public async Task The_queries_of_stored_rules_agree_with_memory_when_standard_conforming_strings_is_off()
    {
        string[] expressions =
        [
            "voucher.Note.EndsWith(\"\\\\\")",
            "voucher.Note == \"\\\\' OR 1=1 --\" || voucher.Code == \"T-0003\"",
            "voucher.Note.Contains(\"\\\\'\") && voucher.Grade != VoucherGrade.Low",
        ];
        await using (var setup = database.Create())
        {
            setup.AddRange(expressions.Select((expression, i) => new ExceptionRuleDefinition
            {
                Id = $"quoted.{i}",
                EntityType = nameof(Voucher),
                Expression = expression,
                Message = "quoted",
                RuleSets = ["quoted"],
            }));
            await setup.SaveChangesAsync();
        }

        await using var context = database.Create(standardConformingStrings: false);
        var vouchers = await context.Vouchers.AsNoTracking().ToListAsync();
        var rules = expressions.Select(RuleExpression.Compile<Voucher>).ToList();

        for (var i = 0; i < rules.Count; i++)
        {
            var inSql = await context.EntitiesViolatingRule<Voucher>($"quoted.{i}").Select(t => t.Id).OrderBy(id => id).ToListAsync();
            var inMemory = vouchers.Where(rules[i].Evaluate).Select(t => t.Id).Order().ToList();
            Assert.NotEmpty(inMemory);
            Assert.Equal(inMemory, inSql);
        }

        var setInSql = await context.EntitiesViolatingRuleSet<Voucher>("quoted").Select(t => t.Id).OrderBy(id => id).ToListAsync();
        var setInMemory = vouchers.Where(t => rules.Any(rule => rule.Evaluate(t))).Select(t => t.Id).Order().ToList();
        Assert.Equal(setInMemory, setInSql);
        Assert.Equal("off", await RulesFixture.StandardConformingStringsAsync(context));
    }

    private static async Task AssertAgreesAsync(VoucherContext context, RuleExpression<Voucher> rule)
    {
        var vouchers = await context.Vouchers.AsNoTracking().ToListAsync();
        var inMemory = vouchers.Where(rule.Evaluate).Select(t => t.Id).Order().ToList();
        var inSql = (await context.Vouchers.Where(rule.Expression).Select(t => t.Id).ToListAsync()).Order().ToList();
        Assert.Equal(inMemory, inSql);
    }

    /// <summary>2,000 vouchers with indexes on the columns rules compare, analyzed.</summary>
    public sealed class VoucherFixture : IAsyncLifetime
    {
        public const int Count = 2000;

        private static readonly string?[] s_notes = [null, "", "plain", "it's", "C:\\temp\\", "\\' OR 1=1 --", "a\\'b", "100%_sure\\"];

        private readonly DatabaseFixture _database = new();

        public VoucherContext Create(bool standardConformingStrings = true) => new(
            new DbContextOptionsBuilder<VoucherContext>()
                .UseNpgsql(
                    standardConformingStrings ? _database.ConnectionString : RulesFixture.WithoutStandardConformingStrings(_database.ConnectionString),
                    npgsql => npgsql.MapEnum<VoucherMood>("voucher_mood"))
                .UseServerTools()
                .Options);

        public async Task InitializeAsync()
        {
            await _database.InitializeAsync();
            await using var context = Create();
            await context.Database.EnsureCreatedAsync();
            context.Vouchers.AddRange(Enumerable.Range(0, Count).Select(i => new Voucher
            {
                Code = i == 1 ? "ABCDEFGHIJKL" : $"T-{i:D4}",
                Grade = (VoucherGrade)(i % 3),
                Mood = (VoucherMood)(i % 3),
                Price = i == 2 ? 10.00m : i == 3 ? 10.01m : i == 4 ? 10.02m : i * 0.5m,
                Serial = 10_000_000_000L + (i % 50),
                Note = s_notes[i % s_notes.Length],
                Country = (i % 3) switch { 0 => "DE", 1 => "FR", _ => "F" },
            }));
            await context.SaveChangesAsync();
            await context.Database.ExecuteSqlRawAsync("ANALYZE \"Vouchers\"");
        }

        public Task DisposeAsync() => _database.DisposeAsync();
    }
}

public enum VoucherGrade
{
    Low,
    Medium,
    High,
}

/// <summary>Mapped to a PostgreSQL enum type.</summary>
public enum VoucherMood
{
    Calm,
    Busy,
    Angry,
}

/// <summary>A row with columns of the kinds whose parameter types matter: a varchar, a char(2), enums as text and as a PostgreSQL enum, a numeric(10,2), a bigint.</summary>
public class Voucher
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public VoucherGrade Grade { get; set; }

    public VoucherMood Mood { get; set; }

    public decimal Price { get; set; }

    public long Serial { get; set; }

    public string? Note { get; set; }

    public string Country { get; set; } = "";
}

public sealed class VoucherContext(DbContextOptions<VoucherContext> options) : DbContext(options)
{
    public DbSet<Voucher> Vouchers => Set<Voucher>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var voucher = modelBuilder.Entity<Voucher>();
        voucher.Property(t => t.Code).HasMaxLength(12);
        voucher.Property(t => t.Country).HasMaxLength(2).IsFixedLength();
        voucher.HasIndex(t => t.Code).HasOperators("varchar_pattern_ops");
        voucher.Property(t => t.Grade).HasConversion<string>().HasMaxLength(8);
        voucher.HasIndex(t => t.Grade);
        voucher.HasIndex(t => t.Mood);
        voucher.Property(t => t.Price).HasPrecision(10, 2);
        voucher.HasIndex(t => t.Price);
        voucher.HasIndex(t => t.Serial);
    }
}
