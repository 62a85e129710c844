using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.General;

/// <summary>
/// Every diagnostic has a test that raises it at an exact span and a test that shows it does not fire on correct code.
/// </summary>
/// <remarks>
/// Read from the test sources, not recorded while tests run, so the answer does not depend on which tests ran or in
/// which order. The convention the scan relies on:
/// <list type="bullet">
/// <item>Raised at an exact span: an <see cref="ExpectedDiagnostic"/> written with the id as a literal first argument,
/// <c>new("ST1002", "message", 0)</c> or <c>new ExpectedDiagnostic("ST1002", ...)</c>. An expected diagnostic names a
/// <c>[|marked span|]</c>, and <see cref="DiagnosticAssert.Compare"/> (which the VerifyAsync helpers call) fails unless it
/// is reported exactly there with exactly that message. A diagnostic about no line of source (a referenced assembly,
/// ST5012) is expected at <see cref="ExpectedDiagnostic.NoLocation"/> instead, which fails unless it is reported with
/// <see cref="Location.None"/>: that is its exact place.</item>
/// <item>Not raised on correct code: a call of a <c>DiagnosticAssert.VerifyNotReportedAsync</c> overload whose ids argument is
/// a collection expression of literals, <c>["ST1002"]</c>. The helper fails unless the analyzer reports nothing and
/// supports every id named, so a test cannot claim an id its analyzer never reports.</item>
/// </list>
/// Ids built at run time (constants, interpolation) are not seen: write them as literals in these two places.
/// </remarks>
public sealed class DiagnosticTestCoverageTests
{
    private static readonly Lazy<Coverage> s_coverage = new(static () => Coverage.Of(
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "tests", "ServerTools.CompileTime.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(static path => !IsBuildOutput(path))
            .Select(static path => File.ReadAllText(path))));

    /// <summary>
    /// Every descriptor id except the ST9xxx module metrics: those are being written together with their tests in
    /// ModuleAnalysis/, which do not follow this convention yet; drop the filter once they do.
    /// </summary>
    public static TheoryData<string> Ids() => [.. typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(static f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(static f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
        .Where(static id => !id.StartsWith("ST9", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Diagnostic_is_asserted_at_an_exact_span_and_asserted_absent_on_correct_code(string id)
    {
        var coverage = s_coverage.Value;

        Assert.True(coverage.RaisedAtSpan.Contains(id), $"No test expects {id} at a marked span: add a DiagnosticAssert.VerifyAsync test with new(\"{id}\", message, span).");
        Assert.True(coverage.NotRaised.Contains(id), $"No test shows that {id} does not fire on correct code: add a DiagnosticAssert.VerifyNotReportedAsync test naming [\"{id}\"].");
    }

    [Fact]
    public void The_scan_counts_expected_diagnostics_and_not_reported_calls_but_not_comments_strings_or_empty_expectations()
    {
        var coverage = Coverage.Of([
            """
            class Sample
            {
                Task A() => DiagnosticAssert.VerifyAsync(new X(), "[|a|]", [new("ST0101", "m", 0)]);
                Task B() => DiagnosticAssert.VerifyAsync(new X(), "[|a|]", [new ExpectedDiagnostic("ST0102", "m")]);
                Task C() => DiagnosticAssert.VerifyNotReportedAsync(new X(), "class C { }", ["ST0103", "ST0104"], "class D { }");
                Task D() => DiagnosticAssert.VerifyAsync(new X(), "class C { }", []);
                // new("ST0105", "m") and VerifyNotReportedAsync(new X(), "", ["ST0106"]) in a comment
                string E = "new(\"ST0107\", \"m\")";
                object F = new Uri("ST0108");
            }
            """,
        ]);

        Assert.Equal(["ST0101", "ST0102"], coverage.RaisedAtSpan.Order(StringComparer.Ordinal));
        Assert.Equal(["ST0103", "ST0104"], coverage.NotRaised.Order(StringComparer.Ordinal));
    }

    private static bool IsBuildOutput(string path)
    {
        var parts = path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return parts.Contains("bin") || parts.Contains("obj");
    }

    /// <summary>The ids the test sources expect at a span, and the ids they show absent.</summary>
    private sealed record Coverage(HashSet<string> RaisedAtSpan, HashSet<string> NotRaised)
    {
        public static Coverage Of(IEnumerable<string> sources)
        {
            var coverage = new Coverage(new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
            foreach (var source in sources)
            {
                var root = CSharpSyntaxTree.ParseText(source).GetRoot();
                foreach (var node in root.DescendantNodes())
                {
                    switch (node)
                    {
                        case BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: [{ } first, _, ..] } creation
                            when creation is ImplicitObjectCreationExpressionSyntax
                                 or ObjectCreationExpressionSyntax { Type: IdentifierNameSyntax { Identifier.ValueText: nameof(ExpectedDiagnostic) } }:
                            if (Id(first.Expression) is { } raised)
                            {
                                coverage.RaisedAtSpan.Add(raised);
                            }

                            break;
                        case InvocationExpressionSyntax
                        {
                            Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: nameof(DiagnosticAssert.VerifyNotReportedAsync) },
                            ArgumentList.Arguments: [_, _, { Expression: CollectionExpressionSyntax ids }, ..],
                        }:
                            coverage.NotRaised.UnionWith(ids.Elements.OfType<ExpressionElementSyntax>().Select(static e => Id(e.Expression)).OfType<string>());
                            break;
                    }
                }
            }

            return coverage;
        }

        private static string? Id(ExpressionSyntax expression)
            => expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal
               && literal.Token.ValueText is { Length: 6 } id && id.StartsWith("ST", StringComparison.Ordinal) && id.Skip(2).All(char.IsAsciiDigit)
                ? id
                : null;
    }
}
