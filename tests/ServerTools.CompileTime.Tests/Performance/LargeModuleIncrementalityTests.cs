using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.CompileTime.Tests.Rules;
using ServerTools.Generators.Rules;
using Xunit.Sdk;

namespace ServerTools.CompileTime.Tests.Performance;

/// <summary>
/// Incrementality at the size of a real module (issue 8, "Speed"): a project of 500 entities that use every feature,
/// the one <c>benchmarks/CompileCost/run.sh</c> builds, in memory. A keystroke-sized edit must re-run no step and
/// change no output of any ServerTools generator; and the generated code compiles without a diagnostic.
/// </summary>
public sealed class LargeModuleIncrementalityTests(LargeModuleIncrementalityTests.LargeModule module)
    : IClassFixture<LargeModuleIncrementalityTests.LargeModule>
{
    /// <summary>An entity with every feature: audited, tracked on the class, fuzzy-searchable, time-windowed, with two rules.</summary>
    private const string EditedEntity = "Modules/Purchase/Meter.cs";

    [Fact]
    public void The_project_uses_every_generator()
    {
        var ran = module.FirstRun.GetRunResult().Results
            .Where(static result => !result.TrackedSteps.IsEmpty)
            .Select(static result => result.Generator.GetGeneratorType().Name)
            .ToHashSet(StringComparer.Ordinal);
        var idle = GeneratorHarness.ServerToolsGenerators
            .Select(static generator => generator.GetType().Name)
            .Where(name => !ran.Contains(name))
            .ToList();

        Assert.True(idle.Count == 0, "These generators ran no step: " + string.Join(", ", idle));
        Assert.True(module.FirstRun.GetRunResult().GeneratedTrees.Length > 500, "expected an output file per entity and feature");
        Assert.Contains(module.FirstRun.GetRunResult().GeneratedTrees, static tree => tree.FilePath.EndsWith(ExceptionRuleGenerator.ReferencedRulesHintName, StringComparison.Ordinal));
        Assert.Empty(module.GeneratorDiagnostics);
    }

    [Fact]
    public void A_character_changed_in_a_method_body_reruns_no_generator_step()
        => AssertQuietAfter(EditedEntity, "Math.Round(Amount * Quantity, 2,", "Math.Round(Amount * Quantity, 3,");

    [Fact]
    public void A_blank_line_and_a_comment_in_another_file_rerun_no_generator_step()
        => AssertQuietAfter("Modules/Accounting/Employee.cs", "    /// <summary>How many units.</summary>", "\n    // Units as ordered.\n    /// <summary>How many units.</summary>");

    [Fact]
    public void A_character_changed_in_the_model_configuration_reruns_no_generator_step()
        => AssertQuietAfter("Data/CompileCostDbContext.Model.cs", "HasMaxLength(200)", "HasMaxLength(201)");

    /// <summary>
    /// The first 50 entities (one module, every feature) rather than all 500: binding the whole project and its generated
    /// code takes about a minute on the 2-core build machine, and the generated code of an entity does not depend on the
    /// number of entities beside it (the rule registry, the one file they share, is compiled here with the rules of those 50).
    /// </summary>
    [Fact]
    public void The_generated_code_of_a_50_entity_module_compiles_without_diagnostics()
    {
        var compilation = CSharpCompilation.Create(
            "CompileCost",
            LargeModuleSources.All(entities: 50).Select(static file => TestCompilation.Parse(file.Text, file.Path)),
            TestCompilation.References,
            TestCompilation.Options);

        GeneratorHarness.Run(compilation).CompilesWithoutDiagnostics();
    }

    private void AssertQuietAfter(string path, string find, string replacement)
    {
        var tree = module.Input.SyntaxTrees.Single(tree => tree.FilePath == path);
        var text = tree.GetText();
        var start = text.ToString().IndexOf(find, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{find}' is not in {path}");
        var edited = module.Input.ReplaceSyntaxTree(
            tree,
            tree.WithChangedText(text.WithChanges(new TextChange(new TextSpan(start, find.Length), replacement))));

        var second = module.FirstRun.RunGenerators(edited);

        Incrementality.AssertQuiet(second.GetRunResult(), module.StepNames);
        Assert.Equal(Sources(module.FirstRun), Sources(second));
    }

    private static List<(string HintName, string Text)> Sources(GeneratorDriver driver) => driver.GetRunResult().Results
        .SelectMany(static result => result.GeneratedSources)
        .Select(static source => (source.HintName, source.SourceText.ToString()))
        .OrderBy(static source => source.HintName, StringComparer.Ordinal)
        .ToList();

    /// <summary>The 500-entity project, compiled and run through the generators once for all tests of the class.</summary>
    public sealed class LargeModule
    {
        public LargeModule()
        {
            // With a reference to a rules-only assembly, as an application references its Shop.Rules project: the step that
            // finds the rules of referenced assemblies has an output, and the loader of their rules is generated.
            var rules = TestCompilation.Reference(ReferencedRulesTests.Library("Shop.Rules", ReferencedRulesTests.PublicRules), emitted: true);
            Input = CSharpCompilation.Create(
                "CompileCost",
                LargeModuleSources.All().Select(static file => TestCompilation.Parse(file.Text, file.Path)),
                TestCompilation.References.Add(rules),
                TestCompilation.Options);
            FirstRun = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(Input, out _, out var diagnostics);
            GeneratorDiagnostics = diagnostics;
            StepNames = GeneratorHarness.ServerToolsGenerators
                .SelectMany(static generator => Incrementality.StepNames(generator.GetType()))
                .ToHashSet(StringComparer.Ordinal);
            if (StepNames.Count == 0)
            {
                throw new XunitException("The generators declare no tracked step names.");
            }
        }

        public Compilation Input { get; }

        public GeneratorDriver FirstRun { get; }

        public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

        /// <summary>Every tracked step of every ServerTools generator: all must run again, Cached or Unchanged.</summary>
        public IReadOnlyCollection<string> StepNames { get; }
    }
}

/// <summary>
/// The sources of the 500-entity project: the entities, rules, services and DbContext <c>benchmarks/CompileCost/run.sh</c>
/// writes (entity <c>i</c> is noun <c>i % 50</c> of module <c>i / 50</c>, its features follow from <c>i</c>; see the
/// script's header), with the shared types in one file.
/// </summary>
internal static class LargeModuleSources
{
    private static readonly string[] s_modules = ["Sales", "Purchase", "Stock", "Accounting", "Projects", "Maintenance", "Fleet", "Hr", "Crm", "Quality"];

    private static readonly string[] s_nouns =
    [
        "Order", "Quote", "Invoice", "Payment", "Refund", "Contract", "Lead", "Visit", "Ticket", "Shipment",
        "Parcel", "Carrier", "Route", "Vehicle", "Driver", "Warehouse", "Location", "Bin", "Lot", "Serial",
        "Asset", "Part", "Meter", "Inspection", "Defect", "Claim", "Budget", "Ledger", "Journal", "Voucher",
        "Employee", "Shift", "Leave", "Expense", "Course", "Skill", "Project", "Assignment", "Milestone", "Timesheet",
        "Campaign", "Segment", "Survey", "Answer", "Subscription", "Plan", "Coupon", "Reward", "Batch", "Recall",
    ];

    public static IEnumerable<(string Path, string Text)> All(int entities = 500)
    {
        yield return ("Common/Common.cs", Common);
        for (var m = 0; m * 50 < entities; m++)
        {
            yield return ($"Modules/{s_modules[m]}/{s_modules[m]}Document.cs", ModuleDocument(s_modules[m]));
        }

        for (var i = 0; i < entities; i++)
        {
            foreach (var file in Entity(i))
            {
                yield return file;
            }
        }

        for (var m = 0; m * 50 < entities; m++)
        {
            yield return ($"Modules/{s_modules[m]}/{s_modules[m]}Services.cs", Services(m, entities));
        }

        yield return ("Data/CompileCostDbContext.cs", Context(entities));
        yield return ("Data/CompileCostDbContext.Model.cs", Model(entities));
    }

    private static string Lower(string name) => name.ToLowerInvariant();

    private static IEnumerable<(string Path, string Text)> Entity(int i)
    {
        var module = s_modules[i / 50];
        var n = i % 50;
        var noun = s_nouns[n];
        var audited = i % 5 < 3;
        var trackedClass = i % 4 == 0;
        var trackedProperties = i % 4 == 1;

        var attributes = new StringBuilder();
        if (audited)
        {
            attributes.Append(i % 10 == 0 ? "\n[Audited(Mode = AuditMode.Full)]" : "\n[Audited]");
        }

        if (trackedClass)
        {
            attributes.Append("\n[Tracked(Operations = TrackedOperations.Update | TrackedOperations.Create)]");
        }

        if (i % 3 == 0)
        {
            attributes.Append("\n[FuzzySearchable(nameof(Name), nameof(Email))]");
        }

        if (i % 10 == 2)
        {
            attributes.Append("\n[TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]");
        }

        if (i % 10 == 7)
        {
            attributes.Append("\n[TimeWindowed(TimeZone = \"Europe/Berlin\")]");
        }

        var bases = new List<string>();
        if (i % 3 == 1)
        {
            bases.Add("DocumentBase");
        }

        if (i % 4 == 2)
        {
            bases.Add("IHasCode");
        }

        if (i % 7 == 0)
        {
            bases.Add($"I{module}Document");
        }

        var baseList = bases.Count > 0 ? " : " + string.Join(", ", bases) : "";
        var tracked = trackedProperties ? "\n    [Tracked]" : "";
        var mask = audited ? "\n    [AuditMask]" : "";
        var ignore = audited ? "\n    [AuditIgnore]" : "";
        var notes = i % 6 is 0 or 1 ? "\n    [FuzzySearchable(Mode = TrigramMatch.WordSimilarity, Weight = 0.5)]" : "";

        var members = new StringBuilder();
        if (i % 10 == 2)
        {
            members.Append("\n\n    /// <summary>The IANA id of the time zone its hours are read in.</summary>\n    public string TimeZoneId { get; set; } = \"UTC\";");
        }

        if (n > 0)
        {
            var previous = s_nouns[n - 1];
            members.Append(CultureInfo.InvariantCulture, $$"""


                    /// <summary>The key of the related {{previous}}.</summary>
                    public int? {{previous}}Id { get; set; }

                    /// <summary>The related {{previous}}.</summary>
                    public {{previous}}? {{previous}} { get; set; }
                """);
        }

        if (trackedClass || trackedProperties)
        {
            members.Append("\n\n    /// <summary>How often it was closed since it was loaded.</summary>\n    [System.ComponentModel.DataAnnotations.Schema.NotMapped]\n    public int ClosedCount { get; private set; }");
        }

        var hooks = new StringBuilder();
        if (trackedClass || trackedProperties)
        {
            hooks.Append("""


                    partial void OnStatusChanged(Lifecycle oldValue, Lifecycle newValue)
                    {
                        if (newValue == Lifecycle.Closed && oldValue != Lifecycle.Closed)
                        {
                            ClosedCount++;
                        }
                    }
                """);
        }

        if (trackedClass)
        {
            hooks.Append("""


                    partial void OnAmountChanged(decimal oldValue, decimal newValue)
                        => Priority = newValue > oldValue * 2m ? Priority + 1 : Priority;
                """);
        }

        yield return ($"Modules/{module}/{noun}.cs", $$"""
            using System;
            using System.Globalization;
            using CompileCost.Common;
            using ServerTools;

            namespace CompileCost.{{module}};

            /// <summary>A {{noun}} of the {{module}} module (entity {{i}} of the compile-cost project).</summary>{{attributes}}
            public partial class {{noun}}{{baseList}}
            {
                /// <summary>The database key.</summary>
                public int Id { get; set; }

                /// <summary>The code people quote, such as <c>{{module}}-{{i}}</c>.</summary>
                public string Code { get; set; } = "";

                /// <summary>The name shown in lists.</summary>
                public required string Name { get; set; }

                /// <summary>Where messages about it are sent.</summary>
                public string? Email { get; set; }

                /// <summary>Where it is in its life.</summary>{{tracked}}
                public Lifecycle Status { get; set; }

                /// <summary>Its amount, in euros.</summary>{{tracked}}
                public decimal Amount { get; set; }

                /// <summary>How many units.</summary>
                public decimal Quantity { get; set; }

                /// <summary>Higher first.</summary>
                public int Priority { get; set; }

                /// <summary>Whether it is in use.</summary>
                public bool IsActive { get; set; }

                /// <summary>When it was created.</summary>
                public DateTimeOffset CreatedAt { get; set; }

                /// <summary>When it was last changed.</summary>{{ignore}}
                public DateTimeOffset UpdatedAt { get; set; }

                /// <summary>The bank account payments go to.</summary>{{mask}}
                public string? Iban { get; set; }

                /// <summary>The last day it is valid.</summary>
                public DateOnly? ValidUntil { get; set; }

                /// <summary>Its id in the system it came from.</summary>
                public Guid ExternalId { get; set; }

                /// <summary>Free text.</summary>{{notes}}
                public string? Notes { get; set; }{{members}}

                /// <summary>Puts a draft in use.</summary>
                /// <param name="at">When.</param>
                /// <exception cref="InvalidOperationException">It is not a draft.</exception>
                public void Activate(DateTimeOffset at)
                {
                    if (Status != Lifecycle.Draft)
                    {
                        throw new InvalidOperationException($"Cannot activate {{noun}} {Code}: it is {Status}.");
                    }

                    Status = Lifecycle.Active;
                    IsActive = true;
                    UpdatedAt = at;
                }

                /// <summary>Closes it.</summary>
                /// <param name="at">When.</param>
                public void Close(DateTimeOffset at)
                {
                    Status = Lifecycle.Closed;
                    IsActive = false;
                    UpdatedAt = at;
                }

                /// <summary>Amount times quantity, rounded to the cent.</summary>
                public decimal Total() => Math.Round(Amount * Quantity, 2, MidpointRounding.AwayFromZero);

                /// <summary>A line for lists and logs.</summary>
                public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Code} {Name} ({Status}, {Total():0.00} EUR)");{{hooks}}
            }
            """);

        if (i % 2 == 0)
        {
            yield return ($"Modules/{module}/Rules/{noun}AmountLimitRule.cs", $$"""
                using System;
                using ServerTools;

                namespace CompileCost.{{module}}.Rules;

                /// <summary>A {{noun}} above EUR 10,000 is blocked.</summary>
                [ExceptionRule("{{Lower(module)}}.{{Lower(noun)}}.amount_limit", Severity = RuleSeverity.Blocking, Sequence = 10,
                    Name = "{{noun}} amount limit", Message = "The amount is above EUR 10,000: ask for approval", RuleSets = ["confirm"])]
                public sealed class {{noun}}AmountLimitRule : IExceptionRule<{{noun}}>
                {
                    /// <inheritdoc />
                    public bool Applies({{noun}} entity)
                    {
                        ArgumentNullException.ThrowIfNull(entity);
                        return entity.Amount > 10_000m;
                    }
                }
                """);
        }

        if (i % 6 == 0)
        {
            yield return ($"Modules/{module}/Rules/{noun}PolicyLimitRule.cs", $$"""
                using System;
                using CompileCost.Common;
                using ServerTools;

                namespace CompileCost.{{module}}.Rules;

                /// <summary>A {{noun}} whose total is above the policy's limit gets a warning.</summary>
                [ExceptionRule("{{Lower(module)}}.{{Lower(noun)}}.policy_limit", Severity = RuleSeverity.Warning, Sequence = 20,
                    Message = "The total is above the limit of the policy", RuleSets = ["confirm", "review"])]
                public sealed class {{noun}}PolicyLimitRule(ILimitPolicy policy) : IExceptionRule<{{noun}}>
                {
                    /// <inheritdoc />
                    public bool Applies({{noun}} entity)
                    {
                        ArgumentNullException.ThrowIfNull(entity);
                        return entity.Total() > policy.LimitFor(entity.Code);
                    }
                }
                """);
        }
    }

    private static string ModuleDocument(string module) => $$"""
        using System;
        using ServerTools;

        namespace CompileCost.{{module}};

        /// <summary>A document of the {{module}} module that a person approves.</summary>
        public interface I{{module}}Document
        {
            /// <summary>The amount that needs approval.</summary>
            decimal Amount { get; }

            /// <summary>When it was created.</summary>
            DateTimeOffset CreatedAt { get; }
        }

        /// <summary>A {{module}} document older than a year with an amount is reported.</summary>
        [ExceptionRule("{{Lower(module)}}.stale_document", Severity = RuleSeverity.Warning, Sequence = 50, RuleSets = ["review"])]
        public sealed class Stale{{module}}DocumentRule(TimeProvider? clock = null) : IExceptionRule<I{{module}}Document>
        {
            /// <inheritdoc />
            public bool Applies(I{{module}}Document entity)
            {
                ArgumentNullException.ThrowIfNull(entity);
                var now = (clock ?? TimeProvider.System).GetUtcNow();
                return entity.Amount > 0m && entity.CreatedAt < now.AddYears(-1);
            }
        }
        """;

    private static string Services(int m, int entities)
    {
        var module = s_modules[m];
        var handlers = new StringBuilder();
        var queries = new StringBuilder();
        for (var i = m * 50; i < Math.Min(m * 50 + 50, entities); i++)
        {
            var noun = s_nouns[i % 50];
            if (i % 4 == 0)
            {
                handlers.Append(CultureInfo.InvariantCulture, $$"""

                    /// <summary>Counts the committed changes of {{noun}}s.</summary>
                    public sealed class {{noun}}ChangeHandler(ChangeCounter counter) : ITrackedChangeHandler<{{noun}}>
                    {
                        /// <inheritdoc />
                        public Task HandleAsync(TrackedChange<{{noun}}> change, CancellationToken cancellationToken)
                        {
                            ArgumentNullException.ThrowIfNull(change);
                            counter.Add(change.EntityType);
                            return Task.CompletedTask;
                        }
                    }

                    """);
            }

            if (i % 3 == 0)
            {
                queries.Append(CultureInfo.InvariantCulture, $$"""

                        /// <summary>The ten {{noun}}s whose name or e-mail is nearest to <paramref name="term"/>.</summary>
                        public static Task<List<{{noun}}>> Find{{noun}}sAsync(CompileCostDbContext db, string term, CancellationToken cancellationToken)
                            => db.{{module}}{{noun}}s.AsNoTracking().FuzzySearch(term).Take(10).ToListAsync(cancellationToken);

                    """);
            }

            if (i % 10 is 2 or 7)
            {
                queries.Append(CultureInfo.InvariantCulture, $$"""

                        /// <summary>The {{noun}}s open at <paramref name="at"/>.</summary>
                        public static Task<List<{{noun}}>> Open{{noun}}sAsync(CompileCostDbContext db, DateTimeOffset at, CancellationToken cancellationToken)
                            => db.{{module}}{{noun}}s.AsNoTracking().WhereOpenAt(at).OrderBy(static e => e.Name).ToListAsync(cancellationToken);

                    """);
            }
        }

        return $$"""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using CompileCost.Data;
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace CompileCost.{{module}};

            /// <summary>Counts changes by entity type.</summary>
            public sealed class ChangeCounter
            {
                private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

                /// <summary>Counts one change of <paramref name="entityType"/>.</summary>
                public void Add(string entityType) => _counts.AddOrUpdate(entityType, 1, static (_, count) => count + 1);

                /// <summary>The changes counted for <paramref name="entityType"/>.</summary>
                public int Of(string entityType) => _counts.TryGetValue(entityType, out var count) ? count : 0;
            }
            {{handlers}}
            /// <summary>Queries of the {{module}} module.</summary>
            public static class {{module}}Queries
            {{{queries}}}
            """;
    }

    private static string Context(int entities)
    {
        var sets = new StringBuilder();
        for (var i = 0; i < entities; i++)
        {
            var (module, noun) = (s_modules[i / 50], s_nouns[i % 50]);
            sets.Append(CultureInfo.InvariantCulture, $$"""

                    /// <summary>The {{noun}}s of the {{module}} module.</summary>
                    public DbSet<{{module}}.{{noun}}> {{module}}{{noun}}s => Set<{{module}}.{{noun}}>();

                """);
        }

        return $$"""
            using System;
            using Microsoft.EntityFrameworkCore;

            namespace CompileCost.Data;

            /// <summary>The database of the compile-cost project: 500 entities in 10 modules.</summary>
            /// <param name="options">The options, with the PostgreSQL provider and ServerTools.</param>
            public sealed partial class CompileCostDbContext(DbContextOptions<CompileCostDbContext> options) : DbContext(options)
            {{{sets}}}
            """;
    }

    private static string Model(int entities)
    {
        var calls = new StringBuilder();
        var configure = new StringBuilder();
        for (var m = 0; m * 50 < entities; m++)
        {
            var module = s_modules[m];
            calls.Append(CultureInfo.InvariantCulture, $"\n        Configure{module}(modelBuilder);");
            configure.Append(CultureInfo.InvariantCulture, $"\n    private static void Configure{module}(ModelBuilder modelBuilder)\n    {{");
            for (var i = m * 50; i < Math.Min(m * 50 + 50, entities); i++)
            {
                var noun = s_nouns[i % 50];
                configure.Append(CultureInfo.InvariantCulture, $$"""

                            modelBuilder.Entity<{{module}}.{{noun}}>(entity =>
                            {
                                entity.ToTable("{{Lower(module)}}_{{Lower(noun)}}");
                                entity.Property(e => e.Name).HasMaxLength(200);
                                entity.Property(e => e.Amount).HasPrecision(14, 2);
                                entity.HasIndex(e => e.Code).IsUnique();
                            });
                    """);
            }

            configure.Append("\n    }\n");
        }

        return $$"""
            using System;
            using Microsoft.EntityFrameworkCore;

            namespace CompileCost.Data;

            public sealed partial class CompileCostDbContext
            {
                /// <inheritdoc />
                protected override void OnModelCreating(ModelBuilder modelBuilder)
                {
                    ArgumentNullException.ThrowIfNull(modelBuilder);{{calls}}
                }
            {{configure}}}
            """;
    }

    private const string Common = """
        using System;
        using ServerTools;

        namespace CompileCost.Common;

        /// <summary>Where a record is in its life.</summary>
        public enum Lifecycle
        {
            /// <summary>Being prepared.</summary>
            Draft,

            /// <summary>In use.</summary>
            Active,

            /// <summary>Finished.</summary>
            Closed,

            /// <summary>Called off.</summary>
            Cancelled,
        }

        /// <summary>A record with a business code.</summary>
        public interface IHasCode
        {
            /// <summary>The code people quote.</summary>
            string Code { get; }
        }

        /// <summary>The fields every business document shares.</summary>
        public abstract class DocumentBase
        {
            /// <summary>The customer's or supplier's reference.</summary>
            public string? Reference { get; set; }

            /// <summary>The discount granted, as a fraction.</summary>
            public decimal Discount { get; set; }

            /// <summary>Whether the discount needs approval.</summary>
            public bool NeedsApproval() => Discount > 0.25m;
        }

        /// <summary>The amount a record may reach before someone has to look at it.</summary>
        public interface ILimitPolicy
        {
            /// <summary>The limit for <paramref name="code"/>.</summary>
            decimal LimitFor(string code);
        }

        /// <summary>A discount above 40% is refused on every document.</summary>
        [ExceptionRule("common.discount_limit", Severity = RuleSeverity.Blocking, Sequence = 5,
            Message = "A discount above 40% is not allowed", RuleSets = ["confirm"])]
        public sealed class DiscountLimitRule : IExceptionRule<DocumentBase>
        {
            /// <inheritdoc />
            public bool Applies(DocumentBase entity)
            {
                ArgumentNullException.ThrowIfNull(entity);
                return entity.Discount > 0.40m;
            }
        }

        /// <summary>A record without a code is reported.</summary>
        [ExceptionRule("common.code_missing", Severity = RuleSeverity.Warning, Sequence = 1, Tags = ["data-quality"])]
        public sealed class CodeMissingRule : IExceptionRule<IHasCode>
        {
            /// <inheritdoc />
            public bool Applies(IHasCode entity)
            {
                ArgumentNullException.ThrowIfNull(entity);
                return string.IsNullOrWhiteSpace(entity.Code);
            }
        }
        """;
}
