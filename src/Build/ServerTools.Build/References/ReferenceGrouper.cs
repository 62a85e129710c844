using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ServerTools.Build.Reports;

namespace ServerTools.Build.References;

/// <summary>Sorts a module's references into .NET (frameworks and Microsoft's packages), ServerTools, packages and projects.</summary>
public static class ReferenceGrouper
{
    /// <summary>The package id, and the assembly name, of the ServerTools runtime.</summary>
    public const string ServerToolsName = "ServerTools";

    /// <summary>
    /// The packages ServerTools ships (each package's id is also the name of its assembly): the runtime, the ASP.NET Core
    /// integration, the test server and the <c>servertools</c> tool.
    /// </summary>
    private static readonly HashSet<string> s_serverToolsPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        ServerToolsName,
        "ServerTools.AspNetCore",
        "ServerTools.Testing",
        "ServerTools.Tool",
    };

    /// <summary>Whether <paramref name="packageId"/> is one of the packages ServerTools ships (case-insensitive, as NuGet ids are).</summary>
    private static bool IsServerToolsPackage(string packageId) => s_serverToolsPackages.Contains(packageId);

    /// <summary>
    /// Groups <paramref name="references"/>: items with <c>FrameworkReferenceName</c> are .NET (by framework); the
    /// assemblies of the ServerTools packages (<c>ServerTools</c>, <c>ServerTools.AspNetCore</c>, <c>ServerTools.Testing</c>,
    /// <c>ServerTools.Tool</c>), or a project reference built as one of their assemblies (in the ServerTools repository),
    /// are ServerTools; other project references are projects; packages whose id starts with <c>Microsoft.</c> or
    /// <c>System.</c> (prefixes nuget.org reserves for Microsoft), and assemblies referenced by path with such a name, are
    /// .NET packages; the rest are packages, distinct by id, with their version (an assembly referenced by path is listed
    /// by its name without a version).
    /// </summary>
    public static ReferenceGroups Group(IEnumerable<ReferenceItem> references)
    {
        if (references is null)
        {
            throw new ArgumentNullException(nameof(references));
        }

        var dotnet = new SortedSet<string>(StringComparer.Ordinal);
        var serverTools = new SortedSet<string>(StringComparer.Ordinal);
        var projects = new SortedSet<string>(StringComparer.Ordinal);
        var packages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var dotnetPackages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            var name = AssemblyName(reference.Path);
            var framework = reference.Get("FrameworkReferenceName");
            var package = reference.Get("NuGetPackageId");
            if (framework.Length > 0)
            {
                dotnet.Add(framework);
            }
            else if (IsServerToolsPackage(package))
            {
                serverTools.Add(name);
            }
            else if (string.Equals(reference.Get("ReferenceSourceTarget"), "ProjectReference", StringComparison.OrdinalIgnoreCase))
            {
                (s_serverToolsPackages.Contains(name) ? serverTools : projects).Add(name);
            }
            else
            {
                var id = package.Length > 0 ? package : name;
                var group = IsDotnetPackage(id) ? dotnetPackages : packages;
                if (!group.ContainsKey(id))
                {
                    group.Add(id, package.Length > 0 ? reference.Get("NuGetPackageVersion") : "");
                }
            }
        }

        return new ReferenceGroups(
            dotnet.ToList(),
            serverTools.ToList(),
            packages.Select(static p => new PackageEntry(p.Key, p.Value)).ToList(),
            projects.ToList())
        {
            DotnetPackages = dotnetPackages.Select(static p => new PackageEntry(p.Key, p.Value)).ToList(),
        };
    }

    /// <summary>
    /// Whether the package (or assembly) is Microsoft's: nuget.org reserves the <c>Microsoft.</c> and <c>System.</c>
    /// prefixes for Microsoft, so the same assembly is .NET whether a shared framework or a package brings it.
    /// </summary>
    private static bool IsDotnetPackage(string id) =>
        id.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase) || id.StartsWith("System.", StringComparison.OrdinalIgnoreCase);

    private static string AssemblyName(string path)
    {
        var file = Path.GetFileName(path);
        return file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".exe", StringComparison.OrdinalIgnoreCase)
            ? file.Substring(0, file.Length - 4)
            : file;
    }
}
