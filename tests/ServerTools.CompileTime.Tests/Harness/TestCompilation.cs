using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>
/// Builds in-memory compilations that look like a user's project: net10.0 reference assemblies
/// (from the running runtime's reference pack), the ServerTools runtime, EF Core and Npgsql,
/// nullable enabled and every warning on.
/// </summary>
public static class TestCompilation
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static readonly CSharpCompilationOptions Options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithNullableContextOptions(NullableContextOptions.Enable)
        .WithWarningLevel(9999)
        .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            // A test compilation has no XML doc file; missing docs on test types are not what we check.
            ["CS1591"] = ReportDiagnostic.Suppress,
            // The .NET SDK's default NoWarn: a package built against an older patch of a strong-named dependency (the
            // Npgsql provider against EF Core 10.0.4, where the application has 10.0.15), which .NET unifies at run time.
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
        });

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The references every test compilation gets.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    /// <summary>A compilation of <paramref name="sources"/>, one syntax tree each, named <c>Source0.cs</c>, <c>Source1.cs</c>, ...</summary>
    public static CSharpCompilation Create(params string[] sources) => CSharpCompilation.Create(
        "TestProject",
        sources.Select(static (source, i) => Parse(source, $"Source{i}.cs")),
        References,
        Options);

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>
    /// A reference to <paramref name="compilation"/>: its emitted image when <paramref name="emitted"/> (as a package or a
    /// built project is referenced), else the compilation itself (as the IDE references another project of the solution).
    /// </summary>
    public static MetadataReference Reference(CSharpCompilation compilation, bool emitted)
    {
        if (!emitted)
        {
            return compilation.ToMetadataReference();
        }

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        return result.Success
            ? MetadataReference.CreateFromImage(image.ToArray())
            : throw new InvalidOperationException("The referenced compilation does not compile: " + string.Join("; ", result.Diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error)));
    }

    /// <summary>
    /// The names of the reference pack's assemblies: what a build hands the analyzers as the .NET shared framework's
    /// assemblies (build property <c>ServerToolsFrameworkAssemblies</c>).
    /// </summary>
    public static IReadOnlyList<string> FrameworkAssemblies { get; } =
        [.. Directory.EnumerateFiles(ReferencePackDirectory(), "*.dll").Select(static path => Path.GetFileNameWithoutExtension(path))];

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var framework = ReferencePackDirectory();
        var application = new[]
        {
            typeof(ServerTools.AuditedAttribute).Assembly,
            typeof(Microsoft.EntityFrameworkCore.DbContext).Assembly,
            typeof(Microsoft.EntityFrameworkCore.OwnedAttribute).Assembly,
            typeof(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions).Assembly,
            typeof(Microsoft.EntityFrameworkCore.NpgsqlDbContextOptionsBuilderExtensions).Assembly,
            typeof(Npgsql.NpgsqlConnection).Assembly,
        }.Select(static assembly => assembly.Location);

        return Directory.EnumerateFiles(framework, "*.dll")
            .Concat(application)
            .Select(static path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }

    /// <summary>
    /// <c>{dotnet}/packs/Microsoft.NETCore.App.Ref/{version}/ref/net{major}.{minor}</c> for the running
    /// runtime's major and minor version, highest patch first.
    /// </summary>
    private static string ReferencePackDirectory()
    {
        var runtime = Environment.Version;
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var tfm = $"net{runtime.Major}.{runtime.Minor}";
        var candidate = Directory.Exists(packs)
            ? Directory.EnumerateDirectories(packs)
                .Select(static dir => (Dir: dir, Version: Version.TryParse(Path.GetFileName(dir).Split('-')[0], out var v) ? v : null))
                .Where(pack => pack.Version is { } v && v.Major == runtime.Major && v.Minor == runtime.Minor)
                .OrderByDescending(static pack => pack.Version)
                .Select(pack => Path.Combine(pack.Dir, "ref", tfm))
                .FirstOrDefault(Directory.Exists)
            : null;
        return candidate ?? throw new InvalidOperationException(
            $"No {tfm} reference pack under '{packs}'. Test compilations need the .NET {runtime.Major}.{runtime.Minor} SDK's " +
            "Microsoft.NETCore.App.Ref pack, which the SDK installs.");
    }
}
