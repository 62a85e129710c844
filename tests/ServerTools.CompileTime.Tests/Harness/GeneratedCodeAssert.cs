using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>Checks that generated code compiles cleanly in a user's project.</summary>
public static class GeneratedCodeAssert
{
    /// <summary>
    /// Fails when the generators reported a diagnostic, or the compilation including the generated
    /// code has any error or warning (nullable on, all warning waves). Test sources are held to the
    /// same bar, so every diagnostic reported is one to fix.
    /// </summary>
    public static GeneratorRun CompilesWithoutDiagnostics(this GeneratorRun run)
    {
        var problems = Visible(run.GeneratorDiagnostics).Concat(Visible(run.OutputCompilation.GetDiagnostics())).ToList();
        if (problems.Count > 0)
        {
            var generated = string.Join("\n\n", run.GeneratedSources.Select(static s => $"// {s.HintName}\n{s.Text}"));
            throw new XunitException(
                $"Generated code is not clean ({problems.Count} diagnostics):\n  " +
                string.Join("\n  ", problems.Select(Format)) + "\n\nGenerated sources:\n" + generated);
        }

        return run;
    }

    /// <summary>
    /// Fails when the generators reported a diagnostic, or the compilation has an error or warning located in a generated
    /// file. For user code that is not clean by design (it declares and uses obsolete or experimental types, which warns or
    /// fails in the user's own files): only what the generated code adds is checked.
    /// </summary>
    public static GeneratorRun GeneratedTreesCompileWithoutDiagnostics(this GeneratorRun run)
    {
        var generated = run.Result.GeneratedTrees.Select(static tree => tree.FilePath).ToHashSet(StringComparer.Ordinal);
        var problems = Visible(run.GeneratorDiagnostics)
            .Concat(Visible(run.OutputCompilation.GetDiagnostics()).Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree.FilePath)))
            .ToList();
        if (problems.Count > 0)
        {
            var sources = string.Join("\n\n", run.GeneratedSources.Select(static s => $"// {s.HintName}\n{s.Text}"));
            throw new XunitException(
                $"Generated code is not clean ({problems.Count} diagnostics):\n  " +
                string.Join("\n  ", problems.Select(Format)) + "\n\nGenerated sources:\n" + sources);
        }

        return run;
    }

    /// <summary>
    /// Runs the generators over <paramref name="sources"/>, checks the result compiles cleanly, emits it and loads it in
    /// an assembly load context of its own, so a test can run the generated code.
    /// </summary>
    public static Assembly CompileAndLoad(params string[] sources)
    {
        var run = GeneratorHarness.Run(sources).CompilesWithoutDiagnostics();
        var assemblyName = "Generated" + Guid.NewGuid().ToString("N");
        using var image = new MemoryStream();
        var emitted = run.OutputCompilation.WithAssemblyName(assemblyName).Emit(image);
        if (!emitted.Success)
        {
            throw new XunitException("The generated code did not emit:\n" + string.Join("\n", emitted.Diagnostics.Select(Format)));
        }

        image.Position = 0;
        return new AssemblyLoadContext(assemblyName).LoadFromStream(image);
    }

    private static IEnumerable<Diagnostic> Visible(ImmutableArray<Diagnostic> diagnostics)
        => diagnostics.Where(static d => d.Severity >= DiagnosticSeverity.Warning);

    internal static string Format(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var where = diagnostic.Location.IsInSource
            ? $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})"
            : "(no location)";
        return $"{where}: {diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
