using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace ServerTools.Build.Reports;

/// <summary>
/// Decides which of a project's files the report counts: never files under the output and intermediate folders
/// (bin/, obj/, the artifacts folder), nor those matching the user's globs (relative to the project folder).
/// </summary>
public sealed class ProjectFileFilter
{
    private static readonly StringComparison s_pathComparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string _projectDirectory;
    private readonly List<string> _excludedDirectories;
    private readonly List<Regex> _globs;

    /// <summary>Creates the filter.</summary>
    /// <param name="projectDirectory">The project's folder; relative paths and globs are relative to it.</param>
    /// <param name="excludedDirectories">Folders whose files are never counted (relative or full paths).</param>
    /// <param name="excludeGlobs">Globs (<c>*</c>, <c>?</c>, <c>**</c>; a trailing <c>/</c> means everything below) of files not counted, each element one or several separated by <c>;</c>.</param>
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
        _globs = excludeGlobs
            .SelectMany(static g => g.Split(';'))
            .Select(static g => g.Trim())
            .Where(static g => g.Length > 0)
            .Select(static g => new Regex(GlobToPattern(g), RegexOptions.CultureInvariant | (Path.DirectorySeparatorChar == '\\' ? RegexOptions.IgnoreCase : RegexOptions.None)))
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

        if (_excludedDirectories.Any(d => fullPath.StartsWith(d, s_pathComparison)))
        {
            return true;
        }

        if (_globs.Count == 0)
        {
            return false;
        }

        var projectPrefix = WithSeparator(_projectDirectory);
        var relative = fullPath.StartsWith(projectPrefix, s_pathComparison) ? fullPath.Substring(projectPrefix.Length) : fullPath;
        relative = relative.Replace('\\', '/');
        return _globs.Any(g => g.IsMatch(relative));
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
            .Distinct(Path.DirectorySeparatorChar == '\\' ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)
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

    private static string WithSeparator(string directory) =>
        directory.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) || directory.EndsWith("/", StringComparison.Ordinal)
            ? directory
            : directory + Path.DirectorySeparatorChar;
}
