using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ServerTools.Analyzers.ModuleAnalysis;

/// <summary>
/// The syntax trees of a compilation that source generators produced, told apart from the project's own files by where
/// Roslyn puts them. The compiler names a generated tree <c>{base}/{generator assembly}/{generator type}/{hint name}</c>
/// (GeneratorDriver.GetFilePathPrefixForGenerator: the base is the compiler's output folder for generated files, empty in
/// tests; the hint name may have folders of its own, as Razor's <c>Pages/Index_cshtml.g.cs</c>) and adds the generated
/// trees after the project's own (CommonCompiler takes them as <c>SyntaxTrees.Skip(SourceFiles.Length)</c>; the IDE does
/// the same). So they are the trees at the end of <see cref="Compilation.SyntaxTrees"/> that sit, below one base folder,
/// in a folder named like a generator type inside a folder named like its assembly.
/// </summary>
internal static class GeneratedTrees
{
    private static readonly char[] s_separators = ['/', '\\'];

    /// <summary>The number of generated trees of <paramref name="compilation"/> and their lines.</summary>
    public static (int Files, int Lines) Count(Compilation compilation, CancellationToken cancellationToken)
    {
        var trees = new List<SyntaxTree>(compilation.SyntaxTrees);
        if (trees.Count == 0)
        {
            return (0, 0);
        }

        // The base of the last tree's innermost generator folders: a folder of the project shaped like generator output
        // (Shop/Shop.Domain/) is further out, so a project file there is not taken for generated.
        var bases = Bases(trees[trees.Count - 1].FilePath);
        if (bases.Count == 0)
        {
            return (0, 0);
        }

        var root = bases[0];
        var files = 0;
        var lines = 0;
        for (var i = trees.Count - 1; i >= 0 && Bases(trees[i].FilePath).Contains(root); i--)
        {
            files++;
            lines += Lines(trees[i], cancellationToken);
        }

        return (files, lines);
    }

    /// <summary>
    /// True when <paramref name="path"/> has the shape of a generator's output: <c>.../{assembly}/{type}/{hint name}</c>,
    /// where the type is the assembly's (its full name is the assembly name or starts with it and a dot, as in
    /// <c>ServerTools.Generators/ServerTools.Generators.Auditing.AuditedGenerator</c>), or is named like a generator
    /// (<c>...Generator</c>, as Razor's <c>Microsoft.NET.Sdk.Razor.SourceGenerators.RazorSourceGenerator</c>), and the hint
    /// name is a file name, possibly in folders of its own.
    /// </summary>
    public static bool IsGeneratorOutput(string path) => Bases(path).Count > 0;

    /// <summary>
    /// The folders under which <paramref name="path"/> would be a generator's output (the path before
    /// <c>{assembly}/{type}/</c>), innermost first; empty when it has no such shape.
    /// </summary>
    private static List<string> Bases(string path)
    {
        var bases = new List<string>();
        var file = path.LastIndexOfAny(s_separators);
        if (file <= 0)
        {
            return bases;
        }

        // typeEnd: the separator after the type folder; one file name at least follows it.
        for (var typeEnd = file; typeEnd > 0; typeEnd = path.LastIndexOfAny(s_separators, typeEnd - 1))
        {
            var type = path.LastIndexOfAny(s_separators, typeEnd - 1);
            if (type < 0)
            {
                break;
            }

            var assembly = type == 0 ? -1 : path.LastIndexOfAny(s_separators, type - 1);
            if (IsGeneratorFolder(path.Substring(assembly + 1, type - assembly - 1), path.Substring(type + 1, typeEnd - type - 1)))
            {
                bases.Add(path.Substring(0, assembly + 1));
            }
        }

        return bases;
    }

    private static bool IsGeneratorFolder(string assemblyName, string typeName)
        => assemblyName.Length > 0
           && (typeName.Equals(assemblyName, StringComparison.Ordinal)
               || (typeName.StartsWith(assemblyName, StringComparison.Ordinal) && typeName.Length > assemblyName.Length && typeName[assemblyName.Length] == '.')
               || typeName.EndsWith("Generator", StringComparison.Ordinal));

    /// <summary>
    /// The lines of the tree's text (<see cref="Microsoft.CodeAnalysis.Text.SourceText.Lines"/>), without the empty line
    /// that Roslyn counts after a final line break, so that a file of three terminated lines has three, as <c>wc -l</c> says.
    /// </summary>
    private static int Lines(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var lines = tree.GetText(cancellationToken).Lines;
        return lines[lines.Count - 1].SpanIncludingLineBreak.IsEmpty ? lines.Count - 1 : lines.Count;
    }
}
