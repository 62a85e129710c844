using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
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
