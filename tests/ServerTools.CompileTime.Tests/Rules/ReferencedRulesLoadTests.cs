using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.CompileTime.Tests.Harness;
using Xunit.Sdk;

namespace ServerTools.CompileTime.Tests.Rules;

/// <summary>
/// The defect this loader fixes, at run time: an application that references a rules-only assembly but never uses one of
/// its types never loaded it, so its blocking rules never ran. Here a rules assembly and an application are compiled in
/// memory with the generators, written to a folder, and the application is loaded in an assembly load context of its own
/// (with a ServerTools runtime of its own, so its rule registry starts empty); calling into the application must register
/// the rules of the assembly it never touches.
/// </summary>
public sealed class ReferencedRulesLoadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("servertools-rulesload-").FullName;

    [Fact]
    public void The_rules_of_a_referenced_assembly_the_application_never_uses_are_registered_when_the_application_loads()
    {
        var rules = ReferencedRulesTests.Library("Shop.Rules", ReferencedRulesTests.PublicRules);
        Write(rules);
        Write(Generated(ReferencedRulesTests.AppCompilation(TestCompilation.Reference(rules, emitted: true))));

        Assert.Equal(["sale.big_discount", "sale.discount_limit"], RegisteredAfterRunningTheApp());
    }

    [Fact]
    public void The_rules_of_an_assembly_referenced_through_another_are_registered_when_the_application_loads()
    {
        var rules = ReferencedRulesTests.Library("Shop.Rules", ReferencedRulesTests.PublicRules);
        var data = ReferencedRulesTests.Library("Shop.Data", "namespace Shop.Data; public class Order { public int Id { get; set; } }", TestCompilation.Reference(rules, emitted: true));
        Write(rules);
        Write(data);
        Write(Generated(ReferencedRulesTests.AppCompilation(TestCompilation.Reference(data, emitted: true))));

        Assert.Equal(["sale.big_discount", "sale.discount_limit"], RegisteredAfterRunningTheApp());
    }

    /// <summary>The control: without the generated loader (the application compiled without the generators), the rules stay unknown.</summary>
    [Fact]
    public void Without_the_loader_the_rules_of_an_assembly_the_application_never_uses_are_not_registered()
    {
        var rules = ReferencedRulesTests.Library("Shop.Rules", ReferencedRulesTests.PublicRules);
        Write(rules);
        Write(ReferencedRulesTests.AppCompilation(TestCompilation.Reference(rules, emitted: true)));

        Assert.Empty(RegisteredAfterRunningTheApp());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CSharpCompilation Generated(CSharpCompilation app)
        => (CSharpCompilation)GeneratorHarness.Run(app).CompilesWithoutDiagnostics().OutputCompilation;

    private void Write(Compilation compilation)
    {
        var result = compilation.Emit(Path.Combine(_folder, compilation.AssemblyName + ".dll"));
        if (!result.Success)
        {
            throw new XunitException($"{compilation.AssemblyName} does not emit: " + string.Join("; ", result.Diagnostics.Select(GeneratedCodeAssert.Format)));
        }
    }

    /// <summary>Loads Shop.App, calls <c>Entry.Run</c>, and returns the ids of the code rules its ServerTools registry knows.</summary>
    private List<string> RegisteredAfterRunningTheApp()
    {
        var context = new FolderContext(_folder);
        try
        {
            var app = context.LoadFromAssemblyName(new AssemblyName("Shop.App"));
            Assert.Equal(42, app.GetType("Shop.App.Entry", throwOnError: true)!.GetMethod("Run")!.Invoke(null, null));

            var runtime = context.LoadFromAssemblyName(new AssemblyName("ServerTools"));
            Assert.NotSame(typeof(ServerTools.ExceptionRuleAttribute).Assembly, runtime);
            var registry = runtime.GetType("ServerTools.Rules.ExceptionRuleRegistry", throwOnError: true)!;
            var rules = (IEnumerable)registry.GetProperty("Rules", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
            return rules.Cast<object>()
                .Select(static rule => (string)rule.GetType().GetProperty("Id")!.GetValue(rule)!)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Resolves the assemblies of the folder, and a ServerTools runtime of its own; the rest from the default context.</summary>
    private sealed class FolderContext(string folder) : AssemblyLoadContext("servertools-rulesload", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == "ServerTools")
            {
                return LoadFromAssemblyPath(typeof(ServerTools.ExceptionRuleAttribute).Assembly.Location);
            }

            var path = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
