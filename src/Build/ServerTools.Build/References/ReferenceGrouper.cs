using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
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
    /// <c>System.</c>, and assemblies referenced by path with such a name, are .NET packages when one of the package's assemblies
    /// is signed with one of Microsoft's public keys, or none can be read (<see cref="IsDotnetPackage"/>, decided once per
    /// id); the rest are packages, distinct by id, with their version (an assembly referenced by path is listed by its name without a version).
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

        // Package (or assembly) id -> the version of its first reference and the paths of all its assemblies: the group is
        // decided once per id, so that a package is never listed in both dotnetPackages and packages.
        var byId = new Dictionary<string, (string Version, List<string> Paths)>(StringComparer.Ordinal);
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
                if (!byId.TryGetValue(id, out var entry))
                {
                    entry = (package.Length > 0 ? reference.Get("NuGetPackageVersion") : "", new List<string>());
                    byId.Add(id, entry);
                }

                entry.Paths.Add(reference.Path);
            }
        }

        var packages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var dotnetPackages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in byId)
        {
            (IsDotnetPackage(entry.Key, entry.Value.Paths) ? dotnetPackages : packages).Add(entry.Key, entry.Value.Version);
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
    /// Whether the package (or assembly) is Microsoft's, so that the same assembly is .NET whether a shared framework or a
    /// package brings it: its id starts with <c>Microsoft.</c> or <c>System.</c> and one of its assemblies (<paramref name="paths"/>)
    /// is signed with one of Microsoft's keys, or none of them can be read (missing, locked, a path the platform does not
    /// support): then the prefix alone decides, rather than a file the build could not open at that moment. The prefix
    /// alone does not tell otherwise: nuget.org reserved it for Microsoft only after some packages of others had it
    /// (System.IO.Abstractions, System.Linq.Dynamic.Core, System.Data.SQLite), other feeds reserve nothing, and an
    /// assembly referenced by path may be anyone's.
    /// </summary>
    private static bool IsDotnetPackage(string id, IReadOnlyList<string> paths)
    {
        if (!id.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase) && !id.StartsWith("System.", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var readable = false;
        foreach (var path in paths)
        {
            switch (IsSignedByMicrosoft(path))
            {
                case true:
                    return true;
                case false:
                    readable = true;
                    break;
            }
        }

        return !readable;
    }

    /// <summary>
    /// The public key tokens of Microsoft's strong-name keys that the assemblies of its packages and shared frameworks are
    /// signed with (read from the packages in a NuGet cache: Microsoft.Extensions.* and EF Core adb9793829ddae60, Roslyn
    /// 31bf3856ad364e35, System.Text.Json and System.Memory cc7b13ffcd2ddd51, MSBuild and System.Collections.Immutable
    /// b03f5f7f11d50a3a, the runtime pack's b77a5c561934e089 and 7cec85d7bea7798e). Three more keys sign Microsoft packages
    /// that were not in that cache; their tokens are taken from the assemblies' full names as the runtime reports them:
    /// Microsoft.OpenApi (which the webapi template brings through Microsoft.AspNetCore.OpenApi) 3f5743946376f042,
    /// Microsoft.Data.SqlClient and Microsoft.SqlServer.Server 23ec7fc2d6eaa4a5, Microsoft.Identity.Client 0a613f4dd989e8ae.
    /// </summary>
    private static readonly HashSet<string> s_microsoftTokens = new(StringComparer.Ordinal)
    {
        "b03f5f7f11d50a3a",
        "31bf3856ad364e35",
        "adb9793829ddae60",
        "cc7b13ffcd2ddd51",
        "b77a5c561934e089",
        "7cec85d7bea7798e",
        "3f5743946376f042",
        "23ec7fc2d6eaa4a5",
        "0a613f4dd989e8ae",
    };

    /// <summary>Whether <paramref name="token"/> (lower-case hex) is the public key token of one of Microsoft's keys.</summary>
    internal static bool IsMicrosoftToken(string token) => s_microsoftTokens.Contains(token);

    /// <summary>
    /// Whether the assembly at <paramref name="path"/> is signed with one of Microsoft's keys: false when it is unsigned,
    /// signed with another key, or not an assembly; null when it cannot be read (missing, locked, not accessible, a path
    /// the platform does not support).
    /// </summary>
    private static bool? IsSignedByMicrosoft(string path)
    {
        byte[]? token;
        try
        {
            // Fully qualified: this class has a method AssemblyName. Reads the metadata only; the assembly is not loaded.
            token = System.Reflection.AssemblyName.GetAssemblyName(path).GetPublicKeyToken();
        }
        catch (BadImageFormatException)
        {
            // Read, and not an assembly (a native library): not Microsoft's signature, the same in every build.
            return false;
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException or UnauthorizedAccessException or SecurityException)
        {
            return null;
        }

        return token is { Length: > 0 } && IsMicrosoftToken(string.Concat(token.Select(static b => b.ToString("x2", CultureInfo.InvariantCulture))));
    }

    private static string AssemblyName(string path)
    {
        var file = Path.GetFileName(path);
        return file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".exe", StringComparison.OrdinalIgnoreCase)
            ? file.Substring(0, file.Length - 4)
            : file;
    }
}
