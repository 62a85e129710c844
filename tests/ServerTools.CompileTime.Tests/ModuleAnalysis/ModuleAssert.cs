using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.ModuleAnalysis;
using ServerTools.CompileTime.Tests.Harness;
using Xunit.Sdk;

namespace ServerTools.CompileTime.Tests.ModuleAnalysis;

/// <summary>
/// An ST9002 or ST9003 diagnostic a test expects: its id, exact message and marked span (<see cref="Nowhere"/>: reported
/// with <see cref="Location.None"/>), and its exact properties.
/// </summary>
public sealed record ExpectedFact(ExpectedDiagnostic Diagnostic, IReadOnlyDictionary<string, string> Properties, bool Nowhere = false);

/// <summary>
/// Runs <see cref="ModuleAnalysisAnalyzer"/> over real compilations and compares what it reports with what a test expects:
/// ST9002 and ST9003 at their spans with their messages and properties, nothing more, and exactly one ST9001.
/// </summary>
public static class ModuleAssert
{
    /// <summary>An expected fact at a marked span.</summary>
    public static ExpectedFact Fact(ExpectedDiagnostic diagnostic, params (string Key, string Value)[] properties)
        => new(diagnostic, WithDefaults(diagnostic.Id, properties));

    /// <summary>An expected fact reported without a location (the type is not declared in source).</summary>
    public static ExpectedFact Nowhere(string id, string message, params (string Key, string Value)[] properties)
        => new(new ExpectedDiagnostic(id, message, -1), WithDefaults(id, properties), Nowhere: true);

    /// <summary>
    /// The properties a test names; for an entity (ST9002), <c>baseTypes</c> is empty unless named: most test entities
    /// derive from nothing but <c>object</c>.
    /// </summary>
    private static Dictionary<string, string> WithDefaults(string id, (string Key, string Value)[] properties)
    {
        var dictionary = properties.ToDictionary(static p => p.Key, static p => p.Value);
        if (id == "ST9002")
        {
            dictionary.TryAdd("baseTypes", "");
        }

        return dictionary;
    }

    /// <summary>The analyzer's diagnostics over <paramref name="compilation"/>.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation)
        => await compilation.WithAnalyzers([new ModuleAnalysisAnalyzer()]).GetAnalyzerDiagnosticsAsync();

    /// <summary>
    /// The analyzer's diagnostics over <paramref name="compilation"/>, built as ServerTools.targets builds it: with the
    /// names of the .NET shared framework's assemblies in build property <c>ServerToolsFrameworkAssemblies</c>.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, IReadOnlyList<string> frameworkAssemblies)
        => await compilation.WithAnalyzers(
                [new ModuleAnalysisAnalyzer()],
                new AnalyzerOptions([], new GlobalOptionsProvider(new Dictionary<string, string>
                {
                    ["build_property.ServerToolsFrameworkAssemblies"] = string.Join(",", frameworkAssemblies),
                })))
            .GetAnalyzerDiagnosticsAsync();

    /// <summary>Build properties for the whole compilation (the generated .editorconfig's global section), none per file.</summary>
    private sealed class GlobalOptionsProvider(Dictionary<string, string> properties) : AnalyzerConfigOptionsProvider
    {
        private static readonly Options s_none = new([]);

        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(properties);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_none;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_none;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }

    /// <summary>
    /// Compiles <paramref name="markup"/> (the first source, <c>Source0.cs</c>) and <paramref name="otherSources"/>, which
    /// must have no errors, analyzes them and compares (see <see cref="Compare"/>); returns the summary (ST9001).
    /// </summary>
    public static async Task<Diagnostic> VerifyAsync(string markup, IReadOnlyList<ExpectedFact> expected, params string[] otherSources)
    {
        var marked = MarkedSource.Parse(markup);
        var compilation = TestCompilation.Create([marked.Text, .. otherSources]);
        var errors = compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new XunitException("The test source does not compile:\n  " + string.Join("\n  ", errors.Select(GeneratedCodeAssert.Format)));
        }

        return Compare(marked, expected, await AnalyzeAsync(compilation));
    }

    /// <summary>
    /// Fails unless <paramref name="actual"/> holds exactly one ST9001 (without a location) and, apart from it, exactly the
    /// <paramref name="expected"/> facts: same ids, spans of the first source, messages and properties. Returns the ST9001.
    /// </summary>
    public static Diagnostic Compare(MarkedSource marked, IReadOnlyList<ExpectedFact> expected, ImmutableArray<Diagnostic> actual)
    {
        var summaries = actual.Where(static d => d.Id == "ST9001").ToList();
        Assert.Single(summaries);
        Assert.Equal(Location.None, summaries[0].Location);

        var problems = new List<string>();
        var unmatched = actual.Where(static d => d.Id != "ST9001").ToList();
        foreach (var fact in expected)
        {
            var expectation = fact.Diagnostic;
            var match = unmatched.FirstOrDefault(d => d.Id == expectation.Id
                && d.GetMessage(CultureInfo.InvariantCulture) == expectation.Message
                && (fact.Nowhere
                    ? d.Location == Location.None
                    : d.Location.SourceTree?.FilePath == "Source0.cs" && d.Location.SourceSpan == marked.Spans[expectation.MarkupIndex]));
            if (match is null)
            {
                var where = fact.Nowhere ? "without a location" : $"at '{marked.Text.Substring(marked.Spans[expectation.MarkupIndex].Start, marked.Spans[expectation.MarkupIndex].Length)}'";
                problems.Add($"expected {expectation.Id} \"{expectation.Message}\" {where}, not reported");
                continue;
            }

            unmatched.Remove(match);
            var properties = Properties(match);
            var wanted = Sorted(fact.Properties);
            if (!properties.SequenceEqual(wanted))
            {
                problems.Add($"{expectation.Id} \"{expectation.Message}\": expected properties {Format(wanted)}, got {Format(properties)}");
            }
        }

        problems.AddRange(unmatched.Select(static d => $"unexpected {GeneratedCodeAssert.Format(d)} {Format(Properties(d))}"));
        if (problems.Count > 0)
        {
            throw new XunitException("Module diagnostics differ from the expected ones:\n  " + string.Join("\n  ", problems));
        }

        return summaries[0];
    }

    /// <summary>Fails unless <paramref name="summary"/> has exactly <paramref name="message"/> and <paramref name="properties"/>.</summary>
    public static void Summary(Diagnostic summary, string message, params (string Key, string Value)[] properties)
    {
        Assert.Equal("ST9001", summary.Id);
        Assert.Equal(message, summary.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(Format(Sorted(properties.ToDictionary(static p => p.Key, static p => p.Value))), Format(Properties(summary)));
    }

    /// <summary>The summary's properties of a module named <c>TestProject</c> with the given counts, every other count 0.</summary>
    public static (string Key, string Value)[] Counts(params (string Key, int Value)[] counts)
    {
        string[] names = ["entities", "audited", "tracked", "fuzzySearchable", "timeWindowed", "withRules", "rules", "blockingRules", "warningRules", "generatedFiles", "generatedLines"];
        return [("module", "TestProject"), .. names.Select(name => (name, counts.Where(c => c.Key == name).Select(static c => c.Value).FirstOrDefault().ToString(CultureInfo.InvariantCulture)))];
    }

    private static List<KeyValuePair<string, string>> Properties(Diagnostic diagnostic)
        => Sorted(diagnostic.Properties.ToDictionary(static p => p.Key, static p => p.Value ?? "<null>"));

    private static List<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string> properties)
        => [.. properties.OrderBy(static p => p.Key, System.StringComparer.Ordinal)];

    private static string Format(IEnumerable<KeyValuePair<string, string>> properties)
        => "{ " + string.Join(", ", properties.Select(static p => $"{p.Key} = \"{p.Value.Replace("\n", "\\n", System.StringComparison.Ordinal)}\"")) + " }";
}
