using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ServerTools.Analyzers.ModuleAnalysis;

/// <summary>
/// The syntax trees of a compilation that source generators produced, told apart from the project's own files by where
/// Roslyn puts them. The compiler names a generated tree <c>{base}/{generator assembly}/{generator type}/{hint name}</c>
/// (GeneratorDriver.GetFilePathPrefixForGenerator: the base is the compiler's output folder for generated files, empty in
/// tests) and adds the generated trees after the project's own (CommonCompiler takes them as
/// <c>SyntaxTrees.Skip(SourceFiles.Length)</c>; the IDE does the same). So they are the trees at the end of
/// <see cref="Compilation.SyntaxTrees"/> whose folder is named like a generator type in a folder named like its assembly.
/// </summary>
internal static class GeneratedTrees
{
    private static readonly char[] s_separators = ['/', '\\'];

    /// <summary>The number of generated trees of <paramref name="compilation"/> and their lines.</summary>
    public static (int Files, int Lines) Count(Compilation compilation, CancellationToken cancellationToken)
    {
        var trees = new List<SyntaxTree>(compilation.SyntaxTrees);
        var files = 0;
        var lines = 0;
        for (var i = trees.Count - 1; i >= 0 && IsGeneratorOutput(trees[i].FilePath); i--)
        {
            files++;
            lines += Lines(trees[i], cancellationToken);
        }

        return (files, lines);
    }

    /// <summary>
    /// True when <paramref name="path"/> has the shape of a generator's output: <c>.../{assembly}/{type}/{file}</c>, where
    /// the type is the assembly's (its full name is the assembly name or starts with it and a dot, as in
    /// <c>ServerTools.Generators/ServerTools.Generators.Auditing.AuditedGenerator</c>), or is named like a generator
    /// (<c>...Generator</c>, as Razor's <c>Microsoft.NET.Sdk.Razor.SourceGenerators.RazorSourceGenerator</c>).
    /// </summary>
    public static bool IsGeneratorOutput(string path)
    {
        var file = path.LastIndexOfAny(s_separators);
        if (file <= 0)
        {
            return false;
        }

        var type = path.LastIndexOfAny(s_separators, file - 1);
        if (type < 0)
        {
            return false;
        }

        var assembly = type == 0 ? -1 : path.LastIndexOfAny(s_separators, type - 1);
        var typeName = path.Substring(type + 1, file - type - 1);
        var assemblyName = path.Substring(assembly + 1, type - assembly - 1);
        return assemblyName.Length > 0
               && (typeName.Equals(assemblyName, StringComparison.Ordinal)
                   || (typeName.StartsWith(assemblyName, StringComparison.Ordinal) && typeName.Length > assemblyName.Length && typeName[assemblyName.Length] == '.')
                   || typeName.EndsWith("Generator", StringComparison.Ordinal));
    }

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
