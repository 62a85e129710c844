using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using System.Xml.Linq;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Packaging;

/// <summary>
/// Packs the ServerTools package and uses it the way a user does: a fresh console project outside the
/// repository with one PackageReference, built and run against the test PostgreSQL, where its [Audited]
/// entity writes an audit trail; its build writes the module report (build/net10.0/ServerTools.targets from the package).
/// A project for an older framework than net10.0 is refused at restore.
/// </summary>
[Collection(RepositoryBuilds.Name)]
public sealed class PackageTests(DatabaseFixture database, PackedServerTools packed) : IClassFixture<DatabaseFixture>, IClassFixture<PackedServerTools>
{
    private static readonly TimeSpan s_commandTimeout = PackedServerTools.CommandTimeout;

    [Fact]
    public async Task Package_holds_the_runtime_and_the_compiler_extensions_and_a_fresh_consumer_builds_and_runs_with_it()
    {
        AssertLayout(packed.Package);

        var consumer = packed.WriteConsumer("Consumer", """
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            """);
        WriteProgram(consumer);

        // First with an [Audited] class that is not partial: the analyzer shipped in the package must stop the build.
        File.WriteAllText(Path.Combine(consumer, "Broken.cs"), "namespace Consumer;\n[ServerTools.Audited]\npublic class Invoice { public int Id { get; set; } }\n");
        var broken = await Command.RunAsync("dotnet", ["build", "-nologo"], consumer, s_commandTimeout);
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("error ST0001: 'Invoice' must be declared partial", broken.Output, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(consumer, "Broken.cs"), "namespace Consumer;\n[ServerTools.Audited]\npublic partial class Invoice { public int Id { get; set; } }\n");
        var build = (await Command.RunAsync("dotnet", ["build", "-nologo"], consumer, s_commandTimeout)).Succeeded();
        AssertModuleReport(consumer, build.Output);
        await AssertCompilerExtensions(consumer);
        // The connection string holds the test server's password: through the environment, not the command line.
        var run = (await Command.RunAsync(
            "dotnet",
            ["run", "--no-build"],
            consumer,
            s_commandTimeout,
            new Dictionary<string, string> { ["CONSUMER_CONNECTION"] = database.ConnectionString })).Succeeded();

        Assert.Contains("descriptor Consumer.Partner: Id, Name, Iban (masked)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Create Consumer.Partner #1 by Grace: Id: - -> 1; Name: - -> Grace; Iban: - -> ***", run.Output, StringComparison.Ordinal);
        Assert.Contains("Update Consumer.Partner #1 by Grace: Name: Grace -> Grace Hopper", run.Output, StringComparison.Ordinal);
        Assert.Contains("code rule: partner.no_iban (Warning): The partner has no bank account", run.Output, StringComparison.Ordinal);
        Assert.Contains("data rule: True; in SQL: 1", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The package's assembly, props and targets are all for net10.0, so NuGet refuses the package for an older
    /// framework at restore (NU1202), here for the net8.0 half of a multi-targeted project, instead of importing
    /// its targets and analyzers into a compile that cannot see the ServerTools assembly (CS0246).
    /// </summary>
    [Fact]
    public async Task Restore_refuses_the_package_for_a_framework_older_than_net10()
    {
        var consumer = packed.WriteConsumer("OlderFramework", "<TargetFrameworks>net10.0;net8.0</TargetFrameworks>");

        // Without the implicit framework reference, the net8.0 restore downloads no reference pack (a clean machine whose
        // NuGet cache lacks it, behind a mirror, would fail with NU1301 first); NuGet's framework check is the same.
        var restore = await Command.RunAsync("dotnet", ["restore", "-nologo", "-p:DisableImplicitFrameworkReferences=true"], consumer, s_commandTimeout);

        Assert.True(restore.ExitCode != 0, $"The restore of a net8.0 project succeeded:\n{restore.Output}");
        Assert.Contains($"error NU1202: Package ServerTools {packed.Version} is not compatible with net8.0", restore.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("is not compatible with net10.0", restore.Output, StringComparison.Ordinal);
    }

    private void AssertLayout(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(static e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net10.0/ServerTools.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ServerTools.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ServerTools.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ServerTools.Analyzers.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("tasks/netstandard2.0/ServerTools.Build.dll", entries);
        // Under net10.0, as the library is: props and targets outside a framework folder would make NuGet take the
        // package for any framework (docs/architecture.md, "The package").
        Assert.Contains("build/net10.0/ServerTools.props", entries);
        Assert.Contains("build/net10.0/ServerTools.targets", entries);
        Assert.Contains("buildTransitive/net10.0/ServerTools.props", entries);
        Assert.Contains("buildTransitive/net10.0/ServerTools.targets", entries);

        using var nuspecStream = zip.Entries.Single(static e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var nuspec = XDocument.Load(nuspecStream);
        var dependencies = nuspec.Descendants().Where(static e => e.Name.LocalName == "dependency")
            .Select(static e => (string)e.Attribute("id")!).ToList();
        Assert.Equal(packed.Version, nuspec.Descendants().Single(static e => e.Name.LocalName == "version").Value);
        Assert.Contains("Npgsql.EntityFrameworkCore.PostgreSQL", dependencies);
        // Roslyn's C# parser is a run-time dependency (data rules are parsed with it); the workspaces and analyzer
        // packages the code fixes and generators build against are not, nor are the compiler extensions themselves.
        Assert.Contains("Microsoft.CodeAnalysis.CSharp", dependencies);
        Assert.DoesNotContain(dependencies, static id => (id.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) && id != "Microsoft.CodeAnalysis.CSharp") || id.StartsWith("ServerTools", StringComparison.Ordinal));
    }

    /// <summary>
    /// The consumer's compile runs the package's generators and analyzers but not Roslyn's meta-analyzers
    /// (Microsoft.CodeAnalysis.Analyzers), which the package's dependency on Microsoft.CodeAnalysis.CSharp (asserted in
    /// AssertLayout) brings and its targets remove.
    /// </summary>
    private static async Task AssertCompilerExtensions(string consumer)
    {
        var analyzers = (await Command.RunAsync(
            "dotnet", ["msbuild", "-nologo", "-t:ResolveLockFileAnalyzers", "-getItem:Analyzer"], consumer, s_commandTimeout)).Succeeded().Output;
        Assert.Contains("ServerTools.Generators.dll", analyzers, StringComparison.Ordinal);
        Assert.Contains("ServerTools.Analyzers.dll", analyzers, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.Analyzers.dll", analyzers, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.CSharp.Analyzers.dll", analyzers, StringComparison.Ordinal);
    }

    /// <summary>The package's targets wrote the module report under obj/ with the consumer's entity and its features.</summary>
    private static void AssertModuleReport(string consumer, string buildOutput)
    {
        var path = Path.Combine(consumer, "obj", "Debug", "net10.0", "servertools", "module-report.json");
        Assert.True(File.Exists(path), $"No module report at {path}:\n{buildOutput}");
        Assert.Contains("Module 'Consumer': ", buildOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.ChangeExtension(path, ".md")));

        using var report = JsonDocument.Parse(File.ReadAllText(path));
        var root = report.RootElement;
        Assert.Equal("servertools-module-report/1", root.GetProperty("schema").GetString());
        Assert.Equal("Consumer", root.GetProperty("module").GetString());
        Assert.True(root.GetProperty("complete").GetBoolean(), root.GetProperty("notes").ToString());
        // Invoice is [Audited] but no DbContext maps it: only Partner is an entity.
        var entity = Assert.Single(root.GetProperty("entities").EnumerateArray());
        Assert.Equal("Consumer.Partner", entity.GetProperty("type").GetString());
        Assert.Equal(["Audited"], entity.GetProperty("features").EnumerateArray().Select(static f => f.GetString()));
        Assert.Equal(["partner.no_iban"], entity.GetProperty("rules").EnumerateArray().Select(static r => r.GetString()));
        Assert.Equal(["ServerTools"], root.GetProperty("references").GetProperty("serverTools").EnumerateArray().Select(static r => r.GetString()));
    }

    private static void WriteProgram(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.DependencyInjection;
            using ServerTools;
            using ServerTools.Auditing;

            namespace Consumer;

            [ExceptionRule("partner.no_iban", Message = "The partner has no bank account")]
            public sealed class PartnerWithoutIban : IExceptionRule<Partner>
            {
                public bool Applies(Partner entity) => entity.Iban is null;
            }

            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                [AuditMask, RuleReadable] public string? Iban { get; set; }
                [AuditIgnore] public string? PasswordHash { get; set; }
            }

            public sealed class ShopContext(string connectionString) : DbContext
            {
                public DbSet<Partner> Partners => Set<Partner>();
                protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseNpgsql(connectionString).UseServerTools();
            }

            public static class Program
            {
                public static async Task<int> Main()
                {
                    var descriptor = AuditDescriptors.Get<Partner>();
                    Console.WriteLine($"descriptor {descriptor.EntityName}: {string.Join(", ", descriptor.Fields)}");

                    using var actor = AuditActor.Use(new AuditActor("u-1", "Grace"));
                    await using var db = new ShopContext(Environment.GetEnvironmentVariable("CONSUMER_CONNECTION")!);
                    await db.Database.EnsureCreatedAsync();
                    var partner = new Partner { Name = "Grace", Iban = "DE89", PasswordHash = "secret" };
                    db.Partners.Add(partner);
                    await db.SaveChangesAsync();
                    partner.Name = "Grace Hopper";
                    await db.SaveChangesAsync();

                    foreach (var log in await db.Set<AuditLog>().OrderBy(l => l.Id).ToListAsync())
                    {
                        var lines = log.Lines.Select(l => $"{l.Field}: {l.OldValue ?? "-"} -> {l.NewValue ?? "-"}");
                        Console.WriteLine($"{log.Operation} {log.EntityType} #{log.EntityKey} by {log.UserName}: {string.Join("; ", lines)}");
                    }

                    using var services = new ServiceCollection().AddServerTools().BuildServiceProvider();
                    using var scope = services.CreateScope();
                    var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
                    Console.WriteLine($"code rule: {engine.Evaluate(new Partner { Name = "Ada" })}");
                    var rule = RuleExpression.Compile<Partner>("partner.Name.StartsWith(\"Grace\") && partner.Iban != null");
                    Console.WriteLine($"data rule: {rule.Evaluate(partner)}; in SQL: {await db.Partners.CountAsync(rule.Expression)}");
                    return 0;
                }
            }
            """);
    }
}
