using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers;
using ServerTools.Analyzers.General;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.General;

/// <summary>Every diagnostic is documented, listed, release-tracked and reported by an analyzer.</summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly string s_root = RepositoryPaths.Root;

    public static TheoryData<string> Ids() => [.. Descriptors().Select(static d => d.Id)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_has_its_docs_page_catalog_row_and_release_entry(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);

        Assert.Matches("^ST[0-9]{4}$", id);
        Assert.Equal(DiagnosticDescriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        var page = Path.Combine(s_root, "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"{id} has no docs page at {page}.");
        Assert.StartsWith($"# {id}: {descriptor.Title}", File.ReadAllText(page), StringComparison.Ordinal);
        Assert.Contains($"| [{id}]({id}.md) | {descriptor.Title} | {descriptor.DefaultSeverity} |", File.ReadAllText(Path.Combine(s_root, "docs", "diagnostics", "README.md")), StringComparison.Ordinal);
        var releases = File.ReadAllLines(Path.Combine(s_root, "src", "Analyzers", "ServerTools.Analyzers", "AnalyzerReleases.Unshipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(s_root, "src", "Analyzers", "ServerTools.Analyzers", "AnalyzerReleases.Shipped.md")));
        Assert.Contains(releases, line => line.StartsWith($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_descriptor_is_reported_by_an_analyzer_and_every_analyzer_uses_the_catalog()
    {
        var supported = typeof(PartialEntityAnalyzer).Assembly.GetTypes()
            .Where(static t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .SelectMany(static t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .ToList();

        Assert.Equal(
            Descriptors().Select(static d => d.Id).Order(StringComparer.Ordinal),
            supported.Select(static d => d.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.All(supported, d => Assert.Contains(d, Descriptors()));
    }

    public static TheoryData<string> SuppressionIds() => [.. Suppressions().Select(static d => d.Id)];

    [Theory]
    [MemberData(nameof(SuppressionIds))]
    public void Suppression_has_its_docs_page_and_catalog_row(string id)
    {
        var suppression = Suppressions().Single(d => d.Id == id);

        Assert.Matches("^ST[0-9]S[0-9]{2}$", id);
        var page = Path.Combine(s_root, "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"{id} has no docs page at {page}.");
        Assert.StartsWith($"# {id}: {suppression.SuppressedDiagnosticId} is suppressed ", File.ReadAllText(page), StringComparison.Ordinal);
        Assert.Contains($"| [{id}]({id}.md) | {suppression.SuppressedDiagnosticId} |", File.ReadAllText(Path.Combine(s_root, "docs", "diagnostics", "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_suppression_is_made_by_a_suppressor_and_every_suppressor_uses_the_catalog()
    {
        var supported = typeof(PartialEntityAnalyzer).Assembly.GetTypes()
            .Where(static t => !t.IsAbstract && typeof(DiagnosticSuppressor).IsAssignableFrom(t))
            .SelectMany(static t => ((DiagnosticSuppressor)Activator.CreateInstance(t)!).SupportedSuppressions)
            .ToList();

        Assert.NotEmpty(supported);
        Assert.Equal(
            Suppressions().Select(static d => d.Id).Order(StringComparer.Ordinal),
            supported.Select(static d => d.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.All(supported, d => Assert.Contains(d, Suppressions()));
    }

    private static List<SuppressionDescriptor> Suppressions() => typeof(SuppressionDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(static f => f.FieldType == typeof(SuppressionDescriptor))
        .Select(static f => (SuppressionDescriptor)f.GetValue(null)!)
        .ToList();

    private static List<DiagnosticDescriptor> Descriptors() => typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(static f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(static f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToList();
}
