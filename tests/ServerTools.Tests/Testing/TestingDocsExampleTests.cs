using System;
using System.IO;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Testing;

/// <summary>The xunit example of docs/testing.md is <c>TestingDocsExample.cs</c>, which this project compiles and runs.</summary>
public sealed class TestingDocsExampleTests
{
    [Fact]
    public void DocsExampleIsTheCompiledExampleFile()
    {
        var file = Read("tests/ServerTools.Tests/Testing/TestingDocsExample.cs");
        var example = file[(file.IndexOf("#pragma warning disable IDE0005\n", StringComparison.Ordinal) + "#pragma warning disable IDE0005\n".Length)..];
        var docs = Read("docs/testing.md");
        const string Start = "## Use it in xunit tests";
        var section = docs[docs.IndexOf(Start, StringComparison.Ordinal)..];
        var code = section[(section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length)..];
        code = code[..code.IndexOf("```\n", StringComparison.Ordinal)];

        Assert.Equal(example, code);
    }

    private static string Read(string relativePath) =>
        File.ReadAllText(Path.Combine(BuildFacts.RepositoryRoot, relativePath)).Replace("\r\n", "\n", StringComparison.Ordinal);
}
