using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.ModuleAnalysis;

/// <summary>
/// The names of the assemblies of the project's .NET shared frameworks (Microsoft.NETCore.App, Microsoft.AspNetCore.App):
/// the references with <c>FrameworkReferenceName</c>, which the module report lists as .NET. build/ServerTools.targets hands
/// them to the compiler as the build property <c>ServerToolsFrameworkAssemblies</c> (MSBuild's reference metadata is not
/// visible to an analyzer otherwise); a build without those targets knows none.
/// </summary>
internal static class FrameworkAssemblies
{
    /// <summary>The key of the build property in the analyzer's global options.</summary>
    public const string OptionKey = "build_property.ServerToolsFrameworkAssemblies";

    /// <summary>
    /// The assembly names of the build property (separated by <c>,</c>, which no assembly name holds; a <c>;</c> would
    /// start a comment in the .editorconfig the compiler reads), case-insensitive as assembly names are; empty without it.
    /// </summary>
    public static HashSet<string> From(AnalyzerConfigOptions options)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (options.TryGetValue(OptionKey, out var value))
        {
            foreach (var name in value.Split(','))
            {
                if (name.Trim() is { Length: > 0 } trimmed)
                {
                    names.Add(trimmed);
                }
            }
        }

        return names;
    }
}
