using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis.CodeFixes;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.CodeFixes.General;

namespace ServerTools.CompileTime.Tests.General;

/// <summary>What <c>dotnet format analyzers</c> needs of the code fixes, for each one.</summary>
public sealed class CodeFixProviderTests
{
    private static CodeFixProvider[] Providers() => [.. typeof(MakePartialCodeFixProvider).Assembly.GetTypes()
        .Where(static type => type.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
        .OrderBy(static type => type.Name, System.StringComparer.Ordinal)
        .Select(static type => (CodeFixProvider)System.Activator.CreateInstance(type)!)];

    [Fact]
    public void Each_diagnostic_is_fixed_by_one_provider_only()
    {
        // dotnet format runs the providers of a diagnostic one after the other on the diagnostics it found before the
        // first ran: a second provider finds its documents changed and fixes nothing.
        var shared = Providers()
            .SelectMany(static provider => provider.FixableDiagnosticIds.Select(id => (Id: id, Provider: provider.GetType().Name)))
            .GroupBy(static fix => fix.Id)
            .Where(static group => group.Count() > 1)
            .Select(static group => $"{group.Key}: {string.Join(", ", group.Select(static fix => fix.Provider))}")
            .ToList();

        Assert.True(shared.Count == 0, "Diagnostics fixed by more than one provider: " + string.Join("; ", shared));
    }

    [Fact]
    public void Each_provider_has_the_fix_all_that_copes_with_no_equivalence_key()
    {
        var providers = Providers();
        Assert.NotEmpty(providers);
        foreach (var provider in providers)
        {
            var fixAll = provider.GetFixAllProvider();
            Assert.True(ReferenceEquals(fixAll, KeyedFixAllProvider.Instance), $"{provider.GetType().Name}'s fix-all is {fixAll?.GetType().Name ?? "none"}, not KeyedFixAllProvider.");
            Assert.Contains(FixAllScope.Solution, fixAll!.GetSupportedFixAllScopes());
        }
    }
}
