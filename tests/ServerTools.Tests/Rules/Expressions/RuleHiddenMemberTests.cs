using System;
using System.Linq;
using System.Linq.Expressions;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Tests.Infrastructure;
using ServerTools.Tests.Rules.Engine;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>
/// A data rule cannot read a property marked [AuditIgnore] or [AuditMask]: whoever may edit rules could read a secret
/// through the rule's violations, a prefix at a time (<c>p.PasswordHash.StartsWith("$2a$10$Z")</c>). The attributes
/// count on the property, on what it overrides, on the mapped classes derived from the rule's type and on a navigation
/// whose foreign key the property is; [RuleReadable] lets rules read one.
/// </summary>
public sealed class RuleHiddenMemberTests(RuleHiddenMemberTests.SecretsFixture database) : IClassFixture<RuleHiddenMemberTests.SecretsFixture>
{
    /// <summary>A rule, the entity type it checks, the member it is refused at, the attribute and where it is.</summary>
    public static TheoryData<string, string, string, string, string> Refused => new()
    {
        // The review's probe: an [AuditIgnore] on an override of an unmarked base property.
        { "p.PasswordHash.StartsWith(\"$2a$10$Z\")", nameof(SecretAccount), "PasswordHash", "[AuditIgnore]", "on SecretAccount.PasswordHash" },
        { "TaxNumber == \"DE-1\"", nameof(SecretAccount), "TaxNumber", "[AuditMask]", "on SecretAccount.TaxNumber" },
        // [AuditMask] on the base declaration, none on the override.
        { "account.Phone.Length > 3", nameof(SecretAccount), "Phone", "[AuditMask]", "on SecretAccountBase.Phone" },
        { "account.Manager.Name == \"Ada\"", nameof(SecretAccount), "Manager", "[AuditMask]", "on SecretAccount.Manager" },
        // [AuditMask] on the interface's property, none on the class's.
        { "account.Bic == \"DEUTDEFF\"", nameof(SecretAccount), "Bic", "[AuditMask]", "on ISecretBanking.Bic" },
        // The foreign key of a masked navigation, which auditing masks with it.
        { "account.ManagerId == 3", nameof(SecretAccount), "ManagerId", "[AuditMask]", "on its navigation SecretAccount.Manager" },
        { "account.Manager.Reports.Any(r => r.PasswordHash == null)", nameof(SecretAccount), "Manager", "[AuditMask]", "on SecretAccount.Manager" },
        { "account.Reports.Any(r => r.PasswordHash == null)", nameof(SecretAccount), "PasswordHash", "[AuditIgnore]", "on SecretAccount.PasswordHash" },
        // A rule on a base entity type reads the rows of the derived one, which hides the property.
        { "person.PasswordHash == null", nameof(SecretPerson), "PasswordHash", "[AuditIgnore]", "on SecretEmployee.PasswordHash" },
        { "employee.PasswordHash == null", nameof(SecretEmployee), "PasswordHash", "[AuditIgnore]", "on SecretEmployee.PasswordHash" },
        // [RuleReadable] on the base, [AuditMask] again on the override: the later protection wins.
        { "person.Pin == \"0000\"", nameof(SecretPerson), "Pin", "[AuditMask]", "on SecretEmployee.Pin" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_rule_that_reads_a_member_marked_AuditIgnore_or_AuditMask_is_refused_when_saved(string expression, string entityType, string member, string attribute, string where)
    {
        await using var context = database.Create();
        var definition = new ExceptionRuleDefinition { Id = "secret.probe", EntityType = entityType, Expression = expression, Active = false };
        context.Add(definition);

        var error = await Assert.ThrowsAsync<RuleExpressionException>(() => context.SaveChangesAsync());
        var validated = Assert.Throws<RuleExpressionException>(() => context.ValidateDataRule(definition));

        Assert.Equal($"member '{member}' marked {attribute}", error.Construct);
        Assert.Equal(expression.IndexOf(member, StringComparison.Ordinal), error.Position);
        Assert.Equal(member.Length, error.Length);
        Assert.Contains($"'{member}' is marked {attribute} ({where}), and a data rule cannot read a property marked [AuditIgnore] or [AuditMask]", error.Message, StringComparison.Ordinal);
        Assert.Contains("marks the property [RuleReadable]", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, validated.Message);
        await using var check = database.Create();
        Assert.False(await check.Set<ExceptionRuleDefinition>().AnyAsync(d => d.Id == "secret.probe"));
    }

    [Fact]
    public async Task A_rule_stored_past_SaveChanges_that_reads_a_secret_never_runs()
    {
        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "secret.stored", nameof(SecretAccount), "p.PasswordHash.StartsWith(\"$2a$10$Z\")");
        }

        try
        {
            await using var query = database.Create();
            var inSql = Assert.Throws<RuleExpressionException>(() => query.EntitiesViolatingRule<SecretAccount>("secret.stored"));
            var inSetSql = Assert.Throws<RuleExpressionException>(() => query.EntitiesViolatingRuleSet<SecretAccount>(null));
            using var services = RuleServicesFactory.Create(
                options => options.Rules.UseDataRules<SecretsContext>(),
                services => services.AddDbContext<SecretsContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools()));
            using var scope = services.CreateScope();
            var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

            var violation = engine.Evaluate(new SecretAccount { Id = 1, PasswordHash = "$2a$10$Zsecret" }).Violations.Single(v => v.RuleId == "secret.stored");

            Assert.Equal("member 'PasswordHash' marked [AuditIgnore]", inSql.Construct);
            Assert.Equal(inSql.Message, inSetSql.Message);
            Assert.True(violation.IsFailure);
            Assert.Equal(inSql.Message, Assert.IsType<RuleExpressionException>(violation.Exception).Message);
        }
        finally
        {
            await using var cleanup = database.Create();
            await cleanup.Set<ExceptionRuleDefinition>().Where(d => d.Id == "secret.stored").ExecuteDeleteAsync();
        }
    }

    [Theory]
    [InlineData(nameof(SecretAccount), "account.Iban != null", "B")] // [AuditMask] on the base, [RuleReadable] on the override
    [InlineData(nameof(SecretAccount), "account.Vat == null", "A")] // [AuditMask, RuleReadable] on one declaration
    [InlineData(nameof(SecretAccount), "account.Name == \"B\" || account.Reports.Any(r => r.Name == \"B\")", "A B")] // unmarked members
    [InlineData(nameof(SecretPerson), "person.Nickname == \"Bo\"", "Bo")] // [RuleReadable] alone changes nothing
    public async Task Members_not_marked_or_marked_RuleReadable_are_read_in_memory_and_in_SQL(string entityType, string expression, string expected)
    {
        var id = "readable." + expected.Replace(' ', '_');
        await using (var context = database.Create())
        {
            context.Add(new ExceptionRuleDefinition { Id = id, EntityType = entityType, Expression = expression, Active = false });
            await context.SaveChangesAsync();
        }

        await using var query = database.Create();
        var (inSql, inMemory) = entityType == nameof(SecretPerson)
            ? await FindAsync(query, id, expression, query.People, static p => p.Name)
            : await FindAsync(query, id, expression, query.Accounts.Include(a => a.Reports), static a => a.Name);

        Assert.Equal(expected.Split(' '), inSql);
        Assert.Equal(expected.Split(' '), inMemory);
    }

    [Fact]
    public void RuleExpression_Compile_hides_them_too()
    {
        var error = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<SecretAccount>("account.PasswordHash == \"x\""));
        var onBase = Assert.Throws<RuleExpressionException>(() => RuleExpression.Compile<SecretAccount>("account.Phone == \"x\""));

        Assert.Equal("member 'PasswordHash' marked [AuditIgnore]", error.Construct);
        Assert.Equal("member 'Phone' marked [AuditMask]", onBase.Construct);
        Assert.NotNull(RuleExpression.Compile<SecretAccount>("account.Iban == \"x\" && account.Vat == \"y\""));
    }

    [Fact]
    public async Task A_misspelled_name_is_not_answered_with_a_hidden_member()
    {
        await using var context = database.Create();

        var error = Assert.Throws<RuleExpressionException>(() => context.ValidateDataRule(
            new ExceptionRuleDefinition { Id = "secret.typo", EntityType = nameof(SecretAccount), Expression = "account.PasswordHsh == null" }));

        Assert.Equal("unknown name 'PasswordHsh'", error.Construct);
        Assert.DoesNotContain("PasswordHash", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The names of the entities that break the stored rule <paramref name="id"/>, in SQL and in memory.</summary>
    private static async Task<(string[] InSql, string[] InMemory)> FindAsync<T>(SecretsContext context, string id, string expression, IQueryable<T> rows, Expression<Func<T, string>> name)
        where T : class
    {
        var rule = RuleExpression.Compile<T>(expression);
        var inSql = await context.EntitiesViolatingRule<T>(id).Select(name).ToListAsync();
        var inMemory = (await rows.AsNoTracking().ToListAsync()).Where(rule.Evaluate).Select(name.Compile());
        return ([.. inSql.Order(StringComparer.Ordinal)], [.. inMemory.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Accounts A (a manager, with an IBAN) and B (reporting to A, without a VAT number); people Bo and Cy, Cy an employee.</summary>
    public sealed class SecretsFixture() : SchemaFixture<SecretsContext>(static options => new SecretsContext(options)), IAsyncLifetime
    {
        public new async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await using var context = Create();
            var manager = new SecretAccount { Name = "A", PasswordHash = "$2a$10$Zsecret", TaxNumber = "DE-1", Phone = "0123", Vat = null };
            context.Accounts.AddRange(manager, new SecretAccount { Name = "B", Manager = manager, Iban = "DE89", Vat = "V-2" });
            context.People.AddRange(new SecretPerson { Name = "Bo", Nickname = "Bo" }, new SecretEmployee { Name = "Cy", PasswordHash = "h", Pin = "0000" });
            await context.SaveChangesAsync();
        }
    }
}

/// <summary>A base class EF Core does not map: its properties' attributes count for the classes derived from it.</summary>
public abstract class SecretAccountBase
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public virtual string? PasswordHash { get; set; }

    public virtual string? TaxNumber { get; set; }

    [AuditMask]
    public virtual string? Iban { get; set; }

    [AuditMask]
    public virtual string? Phone { get; set; }
}

/// <summary>A contract whose property is masked where it is declared, not where the entity implements it.</summary>
public interface ISecretBanking
{
    [AuditMask]
    string? Bic { get; set; }
}

public class SecretAccount : SecretAccountBase, ISecretBanking
{
    public string? Bic { get; set; }

    [AuditIgnore]
    public override string? PasswordHash { get; set; }

    [AuditMask]
    public override string? TaxNumber { get; set; }

    [RuleReadable]
    public override string? Iban { get; set; }

    public override string? Phone { get; set; }

    [AuditMask]
    [RuleReadable]
    public string? Vat { get; set; }

    public int? ManagerId { get; set; }

    [AuditMask]
    public SecretAccount? Manager { get; set; }

    public System.Collections.Generic.List<SecretAccount> Reports { get; set; } = [];
}

/// <summary>An entity type with a derived one in the same table, which marks the properties it overrides.</summary>
public class SecretPerson
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public virtual string? PasswordHash { get; set; }

    [RuleReadable]
    public virtual string? Pin { get; set; }

    [RuleReadable]
    public string? Nickname { get; set; }
}

public class SecretEmployee : SecretPerson
{
    [AuditIgnore]
    public override string? PasswordHash { get; set; }

    [AuditMask]
    public override string? Pin { get; set; }
}


public sealed class SecretsContext(DbContextOptions<SecretsContext> options) : DbContext(options)
{
    public DbSet<SecretAccount> Accounts => Set<SecretAccount>();

    public DbSet<SecretPerson> People => Set<SecretPerson>();

    public DbSet<SecretEmployee> Employees => Set<SecretEmployee>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<SecretAccount>().HasOne(a => a.Manager).WithMany(a => a.Reports).HasForeignKey(a => a.ManagerId);
}
