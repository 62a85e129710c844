using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Rules.Archive
{
    /// <summary>An archived order: a second entity class named Order, such as a later version of an application maps.</summary>
    public class Order
    {
        public int Id { get; set; }

        public string Number { get; set; } = "";
    }
}

namespace ServerTools.Tests.Rules.Engine
{
    /// <summary>The orders of <see cref="RulesContext"/> and archived orders, whose class is also called Order.</summary>
    public sealed class ArchiveRulesContext(DbContextOptions<ArchiveRulesContext> options) : DbContext(options)
    {
        public DbSet<Order> Orders => Set<Order>();

        public DbSet<Customer> Customers => Set<Customer>();

        public DbSet<Archive.Order> ArchivedOrders => Set<Archive.Order>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Archive.Order>().ToTable("archived_orders");
    }

    /// <summary>A database of its own with the schema of <see cref="ArchiveRulesContext"/>.</summary>
    public sealed class ArchiveRulesFixture() : SchemaFixture<ArchiveRulesContext>(static options => new ArchiveRulesContext(options));

    /// <summary>A stored rule whose entity type names a class the model no longer has (renamed); in a database of its own.</summary>
    public sealed class RenamedEntityTypeTests(RulesFixture database) : IClassFixture<RulesFixture>
    {
        [Fact]
        public async Task A_stored_rule_whose_entity_type_was_renamed_fails_on_every_entity_of_the_model_and_names_what_to_write()
        {
            await using (var context = database.Create())
            {
                await DefinitionRows.InsertAsync(context, "sql.renamed", "SaleOrder", "order.Discount > 0.3m", "Blocking");
            }

            using var services = DataRuleTests.Services(database, TimeSpan.Zero);
            using var scope = services.CreateScope();
            var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
            var order = DataRuleTests.Order(o => o.Discount = 0.5m);

            var onOrder = engine.Evaluate(order).Violations.Single(v => v.RuleId == "sql.renamed");
            var onLine = engine.Evaluate(new OrderLine { Id = 1, Product = "Desk" }).Violations.Single(v => v.RuleId == "sql.renamed");
            var enforced = Assert.Throws<BusinessRuleException>(() => engine.Enforce(order));
            await using var query = database.Create();
            var inSql = Assert.Throws<ArgumentException>(() => query.EntitiesViolatingRuleSet<Order>(null));

            Assert.True(onOrder.IsFailure);
            Assert.Equal(RuleSeverity.Blocking, onOrder.Severity);
            var error = Assert.IsType<ArgumentException>(onOrder.Exception);
            Assert.StartsWith("Data rule 'sql.renamed': the model has no entity type 'SaleOrder' (was its class renamed or removed?).", error.Message, StringComparison.Ordinal);
            Assert.Contains("the class name of one of: Customer, Order, OrderLine, RushOrder.", error.Message, StringComparison.Ordinal);
            Assert.True(onLine.IsFailure);
            Assert.Contains("sql.renamed", enforced.Violations.Select(v => v.RuleId));
            Assert.Contains("sql.renamed", engine.RulesFor(typeof(RushOrder)).Select(r => r.Id));
            Assert.Equal(error.Message, inSql.Message);
        }
    }

    /// <summary>
    /// A stored rule whose entity type names a class two entity types share (stored when only one had it): it fails on
    /// the entities of both, with their full names, instead of checking nothing.
    /// </summary>
    public sealed class UnresolvedEntityTypeTests(ArchiveRulesFixture database) : IClassFixture<ArchiveRulesFixture>
    {
        private const string ArchivedOrder = "ServerTools.Tests.Rules.Archive.Order";

        private const string SaleOrder = "ServerTools.Tests.Rules.Order";

        private ServiceProvider Services() => RuleServicesFactory.Create(
            options =>
            {
                options.Rules.UseDataRules<ArchiveRulesContext>();
                options.Rules.DataRuleRefreshInterval = TimeSpan.Zero;
            },
            services => services.AddDbContext<ArchiveRulesContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools()));

        [Fact]
        public async Task A_stored_rule_whose_class_name_became_ambiguous_fails_on_the_entities_of_both_types_until_it_names_one()
        {
            await using (var context = database.Create())
            {
                await DefinitionRows.InsertAsync(context, "sale.discount", "Order", "order.Discount > 0.3m", "Blocking");
            }

            using var services = Services();
            using var scope = services.CreateScope();
            var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
            var order = DataRuleTests.Order(o => o.Discount = 0.5m);

            var onOrder = engine.Evaluate(order).Violations.Single(v => v.RuleId == "sale.discount");
            var onArchived = engine.Evaluate(new Archive.Order { Id = 1 }).Violations.Single(v => v.RuleId == "sale.discount");
            await using (var context = database.Create())
            {
                var byId = Assert.Throws<ArgumentException>(() => context.EntitiesViolatingRule<Order>("sale.discount"));
                Assert.Contains($"is ambiguous: 2 entity types of the model have that class name ({ArchivedOrder}, {SaleOrder})", byId.Message, StringComparison.Ordinal);
            }

            Assert.True(onOrder.IsFailure);
            Assert.Equal(RuleSeverity.Blocking, onOrder.Severity);
            Assert.Equal(
                $"Data rule 'sale.discount': the entity type 'Order' is ambiguous: 2 entity types of the model have that class name ({ArchivedOrder}, {SaleOrder}). Set EntityType to the full name of the one the rule checks.",
                Assert.IsType<ArgumentException>(onOrder.Exception).Message);
            Assert.True(onArchived.IsFailure);
            Assert.Contains("sale.discount", Assert.Throws<BusinessRuleException>(() => engine.Enforce(order)).Violations.Select(v => v.RuleId));
            Assert.DoesNotContain("sale.discount", engine.RulesFor(typeof(OrderLine)).Select(r => r.Id));

            await using (var context = database.Create())
            {
                await context.Database.ExecuteSqlRawAsync($"UPDATE servertools_rule_definitions SET \"EntityType\" = '{SaleOrder}' WHERE \"Id\" = 'sale.discount'");
            }

            var fixedRule = engine.Evaluate(order).Violations.Single(v => v.RuleId == "sale.discount");
            Assert.False(fixedRule.IsFailure);
            Assert.DoesNotContain("sale.discount", engine.Evaluate(new Archive.Order { Id = 1 }).Violations.Select(v => v.RuleId));
        }

        [Fact]
        public async Task A_definition_naming_a_shared_class_name_or_an_unknown_type_is_refused_with_the_full_names_to_use()
        {
            await using var context = database.Create();
            var ambiguous = new ExceptionRuleDefinition { Id = "refused.ambiguous", EntityType = "Order", Expression = "order.Quantity > 1" };
            var unknown = new ExceptionRuleDefinition { Id = "refused.unknown", EntityType = "Ordre", Expression = "order.Quantity > 1" };

            context.Add(ambiguous);
            var saved = await Assert.ThrowsAsync<ArgumentException>(() => context.SaveChangesAsync());
            var validated = Assert.Throws<ArgumentException>(() => context.ValidateDataRule(unknown));

            Assert.Contains($"the entity type 'Order' is ambiguous: 2 entity types of the model have that class name ({ArchivedOrder}, {SaleOrder})", saved.Message, StringComparison.Ordinal);
            Assert.Equal(
                $"Data rule 'refused.unknown': the model has no entity type 'Ordre' (was its class renamed or removed?). Set EntityType to the full name (such as ServerTools.Tests.Rules.Customer) or the class name of one of: Customer, {ArchivedOrder}, {SaleOrder}, OrderLine. (Parameter 'definition')",
                validated.Message);
        }
    }
}
