using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Generators.Auditing;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>Runs source generators over a test compilation with step tracking on.</summary>
public static class GeneratorHarness
{
    /// <summary>Every incremental generator in ServerTools.Generators, so a new one is covered without editing the tests.</summary>
    public static ImmutableArray<IIncrementalGenerator> ServerToolsGenerators { get; } = typeof(AuditedGenerator).Assembly
        .GetTypes()
        .Where(static type => type.GetCustomAttribute<GeneratorAttribute>() is not null && typeof(IIncrementalGenerator).IsAssignableFrom(type))
        .OrderBy(static type => type.FullName, StringComparer.Ordinal)
        .Select(static type => (IIncrementalGenerator)Activator.CreateInstance(type)!)
        .ToImmutableArray();

    /// <summary>Creates a driver with step tracking on, for <see cref="ServerToolsGenerators"/> unless others are given.</summary>
    public static GeneratorDriver CreateDriver(params IIncrementalGenerator[] generators) => CreateDriver(TestCompilation.ParseOptions, generators);

    /// <summary>Compiles <paramref name="sources"/> and runs the ServerTools generators over them.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(TestCompilation.Create(sources));

    /// <summary>
    /// Compiles <paramref name="sources"/> as C# <paramref name="version"/> (a project's <c>LangVersion</c>) and runs the
    /// ServerTools generators over them; the generated sources are parsed at that version too, as the compiler does.
    /// </summary>
    public static GeneratorRun Run(LanguageVersion version, params string[] sources)
    {
        var parseOptions = TestCompilation.ParseOptions.WithLanguageVersion(version);
        var compilation = CSharpCompilation.Create(
            "TestProject",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, $"Source{i}.cs")),
            TestCompilation.References,
            TestCompilation.Options);
        return Run(CreateDriver(parseOptions, []), compilation);
    }

    /// <summary>Runs <paramref name="generators"/> (default: the ServerTools generators) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(Compilation compilation, params IIncrementalGenerator[] generators) => Run(CreateDriver(generators), compilation);

    private static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver, compilation, output, diagnostics);
    }

    private static CSharpGeneratorDriver CreateDriver(CSharpParseOptions parseOptions, IIncrementalGenerator[] generators) => CSharpGeneratorDriver.Create(
        (generators.Length == 0 ? ServerToolsGenerators : generators.ToImmutableArray()).Select(GeneratorExtensions.AsSourceGenerator),
        parseOptions: parseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
}

/// <summary>The outcome of one generator run: what was generated, and the compilation that includes it.</summary>
public sealed record GeneratorRun(GeneratorDriver Driver, Compilation InputCompilation, Compilation OutputCompilation, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorDriverRunResult Result => Driver.GetRunResult();

    /// <summary>Generated sources by hint name, in ordinal order.</summary>
    public IReadOnlyList<(string HintName, string Text)> GeneratedSources => Result.Results
        .SelectMany(static result => result.GeneratedSources)
        .Select(static source => (source.HintName, source.SourceText.ToString()))
        .OrderBy(static source => source.HintName, StringComparer.Ordinal)
        .ToList();

    /// <summary>The text of the generated source with <paramref name="hintName"/>; fails with the hint names there are.</summary>
    public string Source(string hintName) => GeneratedSources.FirstOrDefault(source => source.HintName == hintName).Text
        ?? throw new Xunit.Sdk.XunitException(
            $"No generated source '{hintName}'. Generated: {string.Join(", ", GeneratedSources.Select(static s => s.HintName))}");
}
