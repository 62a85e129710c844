using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace ServerTools.Build.Reports;

/// <summary>
/// Decides which of a project's files the report counts. Never: files under the output and intermediate folders
/// (bin/, obj/, the artifacts folder, the report's own folder), nor ServerTools' own outputs (<see cref="OwnFileNames"/>).
/// Not by default: files that tools write (<see cref="DefaultExclude"/>). Then the user's globs, relative to the project
/// folder, as in .gitignore: the last glob that matches a file decides, and a glob that starts with <c>!</c> counts the
/// files it matches again (<c>!**/*.min.js</c> counts minified scripts).
/// </summary>
public sealed class ProjectFileFilter
{
    /// <summary>
    /// The files ServerTools writes itself, by name, in any folder: the build's report and <c>servertools report</c>'s
    /// files. Counting them would count the report in the report: it would grow with every build.
    /// </summary>
    public static IReadOnlyList<string> OwnFileNames { get; } = ["module-report.json", "module-report.md", "module-analysis.md", "module-analysis.html"];

    /// <summary>
    /// Globs of files that tools write or bring, not counted unless a user glob with <c>!</c> counts them again: lock files
    /// (NuGet's, npm's), the .NET tool manifest, minified scripts and styles, the client libraries that libman and the
    /// ASP.NET Core templates put in <c>wwwroot/lib/</c>, and npm's packages in any <c>node_modules/</c> folder.
    /// </summary>
    public static IReadOnlyList<string> DefaultExclude { get; } =
    [
        "**/packages.lock.json",
        "**/package-lock.json",
        "**/npm-shrinkwrap.json",
        "**/dotnet-tools.json",
        "**/*.min.js",
        "**/*.min.css",
        "wwwroot/lib/",
        "**/node_modules/",
    ];

    private static readonly bool s_windows = Path.DirectorySeparatorChar == '\\';
    private static readonly StringComparison s_pathComparison = s_windows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string _projectDirectory;
    private readonly List<string> _excludedDirectories;
    private readonly List<(Regex Glob, bool Include)> _globs;

    /// <summary>Creates the filter.</summary>
    /// <param name="projectDirectory">The project's folder; relative paths and globs are relative to it.</param>
    /// <param name="excludedDirectories">Folders whose files are never counted (relative or full paths).</param>
    /// <param name="excludeGlobs">
    /// The user's globs (<c>*</c>, <c>?</c>, <c>**</c>; a trailing <c>/</c> means everything below; a leading <c>!</c>
    /// counts the files again), each element one or several separated by <c>;</c>, applied after <see cref="DefaultExclude"/>.
    /// </param>
    public ProjectFileFilter(string projectDirectory, IEnumerable<string> excludedDirectories, IEnumerable<string> excludeGlobs)
    {
        if (excludedDirectories is null)
        {
            throw new ArgumentNullException(nameof(excludedDirectories));
        }

        if (excludeGlobs is null)
        {
            throw new ArgumentNullException(nameof(excludeGlobs));
        }

        _projectDirectory = Path.GetFullPath(projectDirectory);
        _excludedDirectories = excludedDirectories
            .Where(static d => !string.IsNullOrWhiteSpace(d))
            .Select(d => WithSeparator(FullPath(d.Trim())))
            .ToList();
        // An element may hold several globs separated by ';': MSBuild passes -p:ServerToolsModuleReportExclude=a%3Bb as one.
        _globs = DefaultExclude.Concat(excludeGlobs)
            .SelectMany(static g => g.Split(';'))
            .Select(static g => g.Trim())
            .Where(static g => g.Length > 0 && g != "!")
            .Select(static g => g[0] == '!' ? (Glob(g.Substring(1)), true) : (Glob(g), false))
            .ToList();
    }

    /// <summary>The full path of <paramref name="path"/> (relative to the project folder).</summary>
    public string FullPath(string path) => Path.GetFullPath(Path.Combine(_projectDirectory, path));

    /// <summary>True when the file at <paramref name="fullPath"/> is not counted.</summary>
    public bool IsExcluded(string fullPath)
    {
        if (fullPath is null)
        {
            throw new ArgumentNullException(nameof(fullPath));
        }

        if (IsOwnFile(fullPath) || _excludedDirectories.Any(d => fullPath.StartsWith(d, s_pathComparison)))
        {
            return true;
        }

        var relative = RelativePath(fullPath);
        for (var i = _globs.Count - 1; i >= 0; i--)
        {
            if (_globs[i].Glob.IsMatch(relative))
            {
                return !_globs[i].Include;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="path"/> is named like one of ServerTools' own outputs (<see cref="OwnFileNames"/>).</summary>
    public static bool IsOwnFile(string path)
    {
        var name = Path.GetFileName(path ?? throw new ArgumentNullException(nameof(path)));
        return OwnFileNames.Any(own => string.Equals(own, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The path of <paramref name="fullPath"/> relative to the project folder, with '/' separators: <c>Model/Order.cs</c>,
    /// or <c>../shared/Clock.cs</c> for a file linked from outside it (a path on another drive stays full).
    /// </summary>
    public string RelativePath(string fullPath)
    {
        if (fullPath is null)
        {
            throw new ArgumentNullException(nameof(fullPath));
        }

        var from = Segments(_projectDirectory);
        var to = Segments(fullPath);
        var common = 0;
        while (common < from.Count && common < to.Count - 1 && string.Equals(from[common], to[common], s_pathComparison))
        {
            common++;
        }

        if (common == 0)
        {
            return fullPath.Replace('\\', '/');
        }

        return string.Join("/", Enumerable.Repeat("..", from.Count - common).Concat(to.Skip(common)));
    }

    /// <summary>The distinct full paths of <paramref name="paths"/> that are counted, in ordinal order.</summary>
    public IReadOnlyList<string> Select(IEnumerable<string> paths)
    {
        if (paths is null)
        {
            throw new ArgumentNullException(nameof(paths));
        }

        return paths
            .Where(static p => !string.IsNullOrWhiteSpace(p))
            .Select(FullPath)
            .Distinct(s_windows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)
            .Where(p => !IsExcluded(p))
            .OrderBy(static p => p, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A regular expression for a glob over '/'-separated relative paths.</summary>
    public static string GlobToPattern(string glob)
    {
        if (glob is null)
        {
            throw new ArgumentNullException(nameof(glob));
        }

        glob = glob.Replace('\\', '/');
        if (glob.StartsWith("./", StringComparison.Ordinal))
        {
            glob = glob.Substring(2);
        }

        if (glob.EndsWith("/", StringComparison.Ordinal))
        {
            glob += "**";
        }

        var pattern = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                pattern.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                pattern.Append("[^/]*");
            }
            else if (c == '?')
            {
                pattern.Append("[^/]");
            }
            else
            {
                pattern.Append(Regex.Escape(c.ToString()));
            }
        }

        return pattern.Append('$').ToString();
    }

    private static Regex Glob(string glob) =>
        new(GlobToPattern(glob), RegexOptions.CultureInvariant | (s_windows ? RegexOptions.IgnoreCase : RegexOptions.None));

    private static List<string> Segments(string path) =>
        path.Split(['/', '\\'], StringSplitOptions.None).Where(static (s, i) => i == 0 || s.Length > 0).ToList();

    private static string WithSeparator(string directory) =>
        directory.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) || directory.EndsWith("/", StringComparison.Ordinal)
            ? directory
            : directory + Path.DirectorySeparatorChar;
}
