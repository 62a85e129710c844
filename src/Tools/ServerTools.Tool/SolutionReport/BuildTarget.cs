using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// What <c>servertools report</c> hands to <c>dotnet build</c>, checked first, so that a target MSBuild cannot build is
/// bad input (exit 2) with a message about the target, not a failed build (exit 1) after MSBuild's own.
/// </summary>
internal static class BuildTarget
{
    /// <summary>
    /// Refuses a target that does not exist, a file that is neither a solution (<c>.sln</c>, <c>.slnx</c>) nor a project
    /// (an extension ending in <c>proj</c>), and a folder (the current one when <paramref name="target"/> is null) from
    /// which MSBuild cannot pick one: none, or several (MSB1011; MSBuild takes a folder's one solution and one project
    /// only when they have the same name, and then the solution).
    /// </summary>
    /// <exception cref="ReportInputException">The target cannot be built.</exception>
    public static void Check(string? target)
    {
        if (target is not null && File.Exists(target))
        {
            if (!IsSolution(target) && !IsProject(target))
            {
                throw new ReportInputException(
                    $"'{target}' is not a solution or project file. Give a solution (.sln, .slnx), a project file (such as .csproj), or a folder that holds one.");
            }

            return;
        }

        if (target is not null && !Directory.Exists(target))
        {
            throw new ReportInputException($"'{target}' does not exist. Give a solution (.sln, .slnx), a project file, or a folder that holds one.");
        }

        var folder = Path.GetFullPath(target ?? ".");
        var files = Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var solutions = files.Where(IsSolution).ToList();
        var projects = files.Where(IsProject).ToList();
        var named = target is null ? $"The current folder '{folder}'" : $"'{target}'";
        if (solutions.Count + projects.Count == 0)
        {
            throw new ReportInputException(
                $"{named} holds no solution (.sln, .slnx) or project file. Give a solution, a project file, or a folder that holds one.");
        }

        if (solutions.Count > 1 || projects.Count > 1
            || (solutions.Count == 1 && projects.Count == 1 && !SameName(solutions[0], projects[0])))
        {
            List<string> candidates = [.. solutions, .. projects];
            throw new ReportInputException(
                $"{named} holds several solutions or projects ({string.Join(", ", candidates)}), so it is not clear which to build. " +
                $"Name one: servertools report {Path.Combine(target ?? "", candidates[0])}");
        }
    }

    /// <summary>Whether <paramref name="path"/> names a solution (<c>.sln</c>, <c>.slnx</c>).</summary>
    public static bool IsSolution(string path) =>
        Path.GetExtension(path).Equals(".sln", StringComparison.OrdinalIgnoreCase) || Path.GetExtension(path).Equals(".slnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="path"/> names a project file (an extension ending in <c>proj</c>).</summary>
    public static bool IsProject(string path) => Path.GetExtension(path) is { Length: >= 5 } extension && extension.EndsWith("proj", StringComparison.OrdinalIgnoreCase);

    private static bool SameName(string solution, string project) =>
        string.Equals(Path.GetFileNameWithoutExtension(solution), Path.GetFileNameWithoutExtension(project), StringComparison.OrdinalIgnoreCase);
}
