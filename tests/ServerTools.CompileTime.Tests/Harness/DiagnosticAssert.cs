using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>
/// A diagnostic a test expects: its id, its exact message, and the span marked in the source, or
/// <see cref="NoLocation"/> for a diagnostic about no line of source (a referenced assembly).
/// </summary>
public sealed record ExpectedDiagnostic(string Id, string Message, int MarkupIndex = 0)
{
    /// <summary>
    /// The <see cref="MarkupIndex"/> of a diagnostic expected with <see cref="Location.None"/>: it matches only a diagnostic
    /// without a location, and a diagnostic without one matches no marked span.
    /// </summary>
    public const int NoLocation = -1;
}

/// <summary>
/// Source with marked spans: <c>[|text|]</c> marks where a diagnostic is expected. Spans are numbered
/// in order of appearance; <see cref="ExpectedDiagnostic.MarkupIndex"/> says which one.
/// </summary>
public sealed record MarkedSource(string Text, ImmutableArray<TextSpan> Spans)
{
    public static MarkedSource Parse(string markup)
    {
        var text = new StringBuilder();
        var spans = ImmutableArray.CreateBuilder<TextSpan>();
        var open = new Stack<int>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (string.CompareOrdinal(markup, i, "[|", 0, 2) == 0)
            {
                open.Push(text.Length);
                i++;
            }
            else if (string.CompareOrdinal(markup, i, "|]", 0, 2) == 0)
            {
                var start = open.Count > 0 ? open.Pop() : throw new ArgumentException("'|]' without '[|' in markup.");
                spans.Add(TextSpan.FromBounds(start, text.Length));
                i++;
            }
            else
            {
                text.Append(markup[i]);
            }
        }

        if (open.Count > 0)
        {
            throw new ArgumentException("'[|' without '|]' in markup.");
        }

        return new MarkedSource(text.ToString(), spans.OrderBy(static s => s.Start).ToImmutableArray());
    }
}

/// <summary>Runs analyzers over a test compilation and compares their diagnostics with the expected ones.</summary>
public static class DiagnosticAssert
{
    /// <summary>The analyzer diagnostics of <paramref name="analyzer"/> over the given sources, sorted by position.</summary>
    public static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(DiagnosticAnalyzer analyzer, params string[] sources)
        => AnalyzeAsync(analyzer, [], sources);

    /// <summary>The analyzer diagnostics of <paramref name="analyzer"/> over the given sources with further <paramref name="references"/>, sorted by position.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(DiagnosticAnalyzer analyzer, IReadOnlyList<MetadataReference> references, params string[] sources)
    {
        var compilation = TestCompilation.Create(sources).AddReferences(references);
        var diagnostics = await compilation
            .WithAnalyzers([analyzer])
            .GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        return [.. diagnostics.OrderBy(static d => d.Location.SourceSpan.Start)];
    }

    /// <summary>
    /// Analyzes <paramref name="markup"/> (the first source, with <c>[|spans|]</c>) and further plain sources,
    /// and fails unless the diagnostics are exactly <paramref name="expected"/>: same ids, messages and spans, nothing more.
    /// The sources must compile without errors first, so that a test expecting no diagnostic cannot pass because a
    /// call or a type failed to bind.
    /// </summary>
    public static Task VerifyAsync(DiagnosticAnalyzer analyzer, string markup, IReadOnlyList<ExpectedDiagnostic> expected, params string[] otherSources)
        => VerifyAsync(analyzer, markup, expected, [], otherSources);

    /// <summary>
    /// <see cref="VerifyAsync(DiagnosticAnalyzer, string, IReadOnlyList{ExpectedDiagnostic}, string[])"/> over a compilation
    /// that also has <paramref name="references"/> (other projects' compilations or images).
    /// </summary>
    public static async Task VerifyAsync(DiagnosticAnalyzer analyzer, string markup, IReadOnlyList<ExpectedDiagnostic> expected, IReadOnlyList<MetadataReference> references, params string[] otherSources)
    {
        var marked = MarkedSource.Parse(markup);
        var errors = TestCompilation.Create([marked.Text, .. otherSources]).AddReferences(references).GetDiagnostics()
            .Where(static d => d.Severity == DiagnosticSeverity.Error)
            .ToList();
        if (errors.Count > 0)
        {
            throw new XunitException("The test source does not compile:\n  " + string.Join("\n  ", errors.Select(GeneratedCodeAssert.Format)));
        }

        var actual = await AnalyzeAsync(analyzer, references, [marked.Text, .. otherSources]).ConfigureAwait(false);
        Compare(marked, expected, actual);
    }

    /// <summary>
    /// Runs ServerTools' generators on <paramref name="markup"/> (with <c>[|spans|]</c>), as a build does, and fails unless
    /// the output compiles without errors and <paramref name="analyzer"/>, run on it, reports exactly
    /// <paramref name="expected"/>. Returns the run, so that a test can show what the generated code holds.
    /// </summary>
    public static async Task<GeneratorRun> VerifyWithGeneratorsAsync(DiagnosticAnalyzer analyzer, string markup, IReadOnlyList<ExpectedDiagnostic> expected)
    {
        var marked = MarkedSource.Parse(markup);
        var run = GeneratorHarness.Run(marked.Text);
        var errors = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new XunitException("The test source, with the generated code, does not compile:\n  " + string.Join("\n  ", errors.Select(GeneratedCodeAssert.Format)));
        }

        var actual = await run.OutputCompilation.WithAnalyzers([analyzer]).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        Compare(marked, expected, actual);
        return run;
    }

    /// <summary>
    /// Analyzes <paramref name="source"/> and further plain sources, which must compile, and fails unless
    /// <paramref name="analyzer"/> reports nothing. <paramref name="ids"/> names the diagnostics the test shows absent on
    /// correct code; each must be one the analyzer supports, so that a test cannot claim an id its analyzer never reports.
    /// <c>DiagnosticTestCoverageTests</c> reads the ids of these calls to know that every diagnostic has a no-fire test.
    /// </summary>
    public static Task VerifyNotReportedAsync(DiagnosticAnalyzer analyzer, string source, IReadOnlyList<string> ids, params string[] otherSources)
        => VerifyNotReportedAsync(analyzer, source, ids, [], otherSources);

    /// <summary>
    /// <see cref="VerifyNotReportedAsync(DiagnosticAnalyzer, string, IReadOnlyList{string}, string[])"/> over a compilation
    /// that also has <paramref name="references"/> (other projects' compilations or images).
    /// </summary>
    public static Task VerifyNotReportedAsync(DiagnosticAnalyzer analyzer, string source, IReadOnlyList<string> ids, IReadOnlyList<MetadataReference> references, params string[] otherSources)
    {
        if (ids.Count == 0)
        {
            throw new ArgumentException("Name the diagnostics the test shows absent.", nameof(ids));
        }

        var unsupported = ids.Where(id => !analyzer.SupportedDiagnostics.Any(d => d.Id == id)).ToList();
        if (unsupported.Count > 0)
        {
            throw new ArgumentException($"{analyzer.GetType().Name} does not report {string.Join(", ", unsupported)}.", nameof(ids));
        }

        if (!MarkedSource.Parse(source).Spans.IsEmpty)
        {
            throw new ArgumentException("A source where nothing is reported has no [|marked spans|].", nameof(source));
        }

        return VerifyAsync(analyzer, source, [], references, otherSources);
    }

    /// <summary>
    /// Compares <paramref name="actual"/> diagnostics with <paramref name="expected"/> ones at the marked spans of the first
    /// source, or without a location (<see cref="ExpectedDiagnostic.NoLocation"/>).
    /// </summary>
    public static void Compare(MarkedSource marked, IReadOnlyList<ExpectedDiagnostic> expected, ImmutableArray<Diagnostic> actual)
    {
        var problems = new List<string>();
        var unmatched = actual.ToList();
        foreach (var expectation in expected)
        {
            if (expectation.MarkupIndex == ExpectedDiagnostic.NoLocation)
            {
                var nowhere = unmatched.FirstOrDefault(d => d.Id == expectation.Id && d.Location == Location.None);
                if (nowhere is null)
                {
                    problems.Add($"expected {expectation.Id} without a location, not reported");
                    continue;
                }

                unmatched.Remove(nowhere);
                CompareMessage(expectation, nowhere, "without a location", problems);
                continue;
            }

            if (expectation.MarkupIndex < 0 || expectation.MarkupIndex >= marked.Spans.Length)
            {
                throw new ArgumentException($"Expected diagnostic {expectation.Id} refers to span {expectation.MarkupIndex}, but the markup has {marked.Spans.Length}.");
            }

            var span = marked.Spans[expectation.MarkupIndex];
            var match = unmatched.FirstOrDefault(d => d.Id == expectation.Id && d.Location.SourceSpan == span
                && d.Location.SourceTree?.FilePath == "Source0.cs");
            if (match is null)
            {
                problems.Add($"expected {expectation.Id} at '{marked.Text.Substring(span.Start, span.Length)}' {span}, not reported");
                continue;
            }

            unmatched.Remove(match);
            CompareMessage(expectation, match, $"at {span}", problems);
        }

        problems.AddRange(unmatched.Select(static d => "unexpected " + GeneratedCodeAssert.Format(d)));
        if (problems.Count > 0)
        {
            throw new XunitException("Diagnostics differ from the expected ones:\n  " + string.Join("\n  ", problems));
        }
    }

    private static void CompareMessage(ExpectedDiagnostic expectation, Diagnostic actual, string where, List<string> problems)
    {
        var message = actual.GetMessage(CultureInfo.InvariantCulture);
        if (message != expectation.Message)
        {
            problems.Add($"{expectation.Id} {where}: expected message \"{expectation.Message}\", got \"{message}\"");
        }
    }
}
