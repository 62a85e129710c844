using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ServerTools.Tool.SolutionReport;

/// <summary>Reads <c>module-report.json</c> files (schema <see cref="Schema"/>) into <see cref="ModuleReport"/>s.</summary>
public static partial class ModuleReportReader
{
    /// <summary>The schema this reader understands.</summary>
    public const string Schema = "servertools-module-report/1";

    // Reflection-based on purpose: the source-generated serializer sets every init-only property, so a property a
    // report leaves out would be null instead of its default (an older or newer writer may leave some out).
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
    };

    /// <summary>The file name the ServerTools build gives a project's report (under obj/.../servertools/).</summary>
    public const string ReportFileName = "module-report.json";

    private const string SchemaFamily = "servertools-module-report/";

    // Only to tell whether a file in a folder is a report at all; the report itself is then read strictly.
    private static readonly JsonDocumentOptions s_sniffOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// Reads every report found in <paramref name="paths"/>. A file is always read as a report. A folder means
    /// every <c>module-report.json</c> below it (in any subfolder) and its top-level <c>*.json</c> files (the
    /// collect folder's <c>&lt;module&gt;.&lt;hash&gt;.json</c>); there, a JSON file without a <c>schema</c> of the
    /// <c>servertools-module-report/</c> family (a project's <c>*.dgspec.json</c>, <c>project.assets.json</c>) is
    /// skipped, while one of another version of that schema is an error. Each file is read once; of one project, only
    /// the reports of <paramref name="configuration"/> are kept when it is given (<see cref="SelectConfiguration"/>), the
    /// newest of several reports for one framework (<see cref="KeepNewest"/>), and the reports of several target
    /// frameworks are merged (<see cref="MergeTargetFrameworks"/>); the result is ordered by module, then project.
    /// </summary>
    /// <exception cref="ReportInputException">
    /// A path is missing, a file is not a report of <see cref="Schema"/>, a project has reports of several
    /// configurations and <paramref name="configuration"/> does not say which, or none of <paramref name="configuration"/>.
    /// </exception>
    public static IReadOnlyList<ModuleReport> ReadAll(IEnumerable<string> paths, string? configuration = null)
        => ReadAll(paths, configuration, out _);

    /// <summary>
    /// Reads every report found in <paramref name="paths"/>, as <see cref="ReadAll(IEnumerable{string}, string?)"/> does,
    /// and gives the folders of <paramref name="paths"/> (as given) that hold no report at all in
    /// <paramref name="withoutReports"/>: they add nothing to the result, which the caller tells the user (a project whose
    /// build failed writes no report, for instance).
    /// </summary>
    /// <exception cref="ReportInputException">As <see cref="ReadAll(IEnumerable{string}, string?)"/>.</exception>
    public static IReadOnlyList<ModuleReport> ReadAll(IEnumerable<string> paths, string? configuration, out IReadOnlyList<string> withoutReports)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var given = paths.ToList();

        // A file named explicitly is read strictly, even when a folder given too holds it.
        var files = new SortedDictionary<string, bool>(StringComparer.Ordinal);
        var folders = new List<string>();
        var givenFolders = new List<(string Given, string Full)>();
        foreach (var path in given)
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                folders.Add(full);
                givenFolders.Add((path, full));
                foreach (var file in FilesIn(full))
                {
                    files.TryAdd(file, false);
                }
            }
            else if (File.Exists(full))
            {
                folders.Add(Path.GetDirectoryName(full) ?? full);
                files[full] = true;
            }
            else
            {
                throw new ReportInputException($"'{path}' does not exist. Give a module-report.json file or a folder that holds such files.");
            }
        }

        var reports = new List<ReportFile>();
        foreach (var (file, named) in files)
        {
            if ((named ? Read(file) : ReadIfReport(file)) is { } report)
            {
                reports.Add(new ReportFile(report, file, File.GetLastWriteTimeUtc(file)));
            }
        }

        withoutReports = [.. givenFolders
            .Where(folder => !reports.Any(file => IsWithin(file.Path, folder.Full)))
            .Select(static folder => folder.Given)
            .Distinct(StringComparer.Ordinal)];
        var selected = SelectConfiguration(reports, configuration);
        if (selected.Count == 0 && reports.Count > 0)
        {
            // Every report is of another configuration (a report that names none is always kept).
            var found = reports.Select(static file => file.Report.Configuration).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
            throw new ReportInputException(
                $"No module report of configuration {configuration} was found in {string.Join(", ", given)}: the {(reports.Count == 1 ? "report there is" : "reports there are")} of " +
                $"{string.Join(" and ", found)} only. Give --configuration {found[0]} to read {(reports.Count == 1 ? "it" : "them")}, or build {configuration} first (dotnet build -c {configuration}).");
        }

        return Order(MergeTargetFrameworks(KeepNewest(selected, CommonFolder(folders))));
    }

    /// <summary>The deepest folder that holds every one of <paramref name="folders"/> (full paths); null when there is none.</summary>
    private static string? CommonFolder(List<string> folders)
    {
        if (folders.Count == 0)
        {
            return null;
        }

        var common = Path.TrimEndingDirectorySeparator(folders[0]);
        foreach (var folder in folders.Skip(1))
        {
            while (!IsWithin(folder, common))
            {
                if (Path.GetDirectoryName(common) is not { } parent)
                {
                    return null;
                }

                common = parent;
            }
        }

        return common;
    }

    private static bool IsWithin(string path, string folder)
    {
        var relative = Path.GetRelativePath(folder, path);
        return relative == "." || (relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }

    /// <summary>
    /// Keeps, of each project, the reports of one build configuration: those of <paramref name="configuration"/> when
    /// it is given (case-insensitive; a report that names no configuration, written by an older build, is kept), else
    /// all of them, unless they name several configurations: then which one to show is the user's choice, not a guess.
    /// A project left with no report of <paramref name="configuration"/> while others have one is not left out of the
    /// solution's figures silently: that is refused too, naming the project. (When no project has one, the result is
    /// empty, and <see cref="ReadAll(IEnumerable{string}, string?)"/> says which configurations there are.)
    /// </summary>
    /// <exception cref="ReportInputException">
    /// A project has reports of several configurations and <paramref name="configuration"/> is null, or a project has
    /// none of <paramref name="configuration"/> while another project has.
    /// </exception>
    public static IReadOnlyList<ReportFile> SelectConfiguration(IReadOnlyList<ReportFile> reports, string? configuration)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (configuration is not null)
        {
            List<ReportFile> selected = [.. reports.Where(file => file.Report.Configuration.Length == 0 || string.Equals(file.Report.Configuration, configuration, StringComparison.OrdinalIgnoreCase))];
            var missing = reports
                .Where(static file => file.Report.Project.Length > 0)
                .GroupBy(static file => file.Report.Project, StringComparer.Ordinal)
                .Where(project => !selected.Any(file => string.Equals(file.Report.Project, project.Key, StringComparison.Ordinal)))
                .OrderBy(static project => project.First().Report.Module, StringComparer.Ordinal)
                .ToList();
            if (selected.Count > 0 && missing.Count > 0)
            {
                var named = string.Join("; ", missing.Select(static project =>
                    $"'{project.First().Report.Module}' ({project.Key}) has reports of " +
                    $"{string.Join(" and ", project.Select(static file => file.Report.Configuration).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))} only " +
                    $"({string.Join(", ", project.Select(static file => file.Path))})"));
                // As the reports found spell it: MSBuild keeps the case given to -c (bin/release beside bin/Release).
                var spelled = selected.Select(static file => file.Report.Configuration).FirstOrDefault(static name => name.Length > 0) ?? configuration;
                throw new ReportInputException(
                    $"Not every project has a module report of configuration {spelled}: {named}. Build {(missing.Count == 1 ? "it" : "them")} " +
                    $"in {spelled} first (dotnet build -c {spelled}), or point --reports at the folders of the projects to show, " +
                    "so that no module is left out of the figures unnoticed.");
            }

            return selected;
        }

        foreach (var project in reports.Where(static file => file.Report.Project.Length > 0).GroupBy(static file => file.Report.Project, StringComparer.Ordinal))
        {
            var configurations = project
                .Where(static file => file.Report.Configuration.Length > 0)
                .GroupBy(static file => file.Report.Configuration, StringComparer.OrdinalIgnoreCase)
                .OrderBy(static group => group.Key, StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (configurations.Count > 1)
            {
                var found = string.Join(", ", configurations.Select(static group => $"{group.Key} ({string.Join(", ", group.Select(static file => file.Path))})"));
                throw new ReportInputException(
                    $"'{project.First().Report.Module}' ({project.Key}) has reports of several build configurations: {found}. " +
                    $"Give --configuration {configurations[0].Key} (or another of them) to choose one, or point --reports at one configuration's folder.");
            }
        }

        return reports;
    }

    /// <summary>
    /// Keeps, of several reports of one project for one target framework (copies, or builds of configurations the
    /// reports do not name), the newest file (by last write time, then by path); its notes name the older ones, relative to
    /// <paramref name="root"/> (the folder given with <c>--reports</c>) when it holds them, so that the report shows no
    /// local path of the machine that wrote it.
    /// </summary>
    public static IReadOnlyList<ModuleReport> KeepNewest(IEnumerable<ReportFile> reports, string? root = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var kept = new List<ModuleReport>();
        foreach (var group in reports.GroupBy(static file => (file.Report.Project, file.Report.TargetFramework)))
        {
            if (group.Key.Project.Length == 0)
            {
                kept.AddRange(group.Select(static file => file.Report));
                continue;
            }

            var newest = group.OrderByDescending(static file => file.Written).ThenBy(static file => file.Path, StringComparer.Ordinal).ToList();
            var older = newest.Skip(1).Where(file => file.Report.Configuration != newest[0].Report.Configuration || !SameFigures(file.Report, newest[0].Report)).ToList();
            kept.Add(older.Count == 0
                ? newest[0].Report
                : newest[0].Report with
                {
                    Notes =
                    [
                        .. newest[0].Report.Notes,
                        $"Older reports of this project were found and not used: {string.Join(", ", older.Select(file => Shown(file.Path, root)))}; the figures are those of the newest, {Shown(newest[0].Path, root)}.",
                    ],
                });
        }

        return kept;
    }

    /// <summary><paramref name="file"/> relative to <paramref name="root"/>, with '/' separators, when <paramref name="root"/> holds it.</summary>
    private static string Shown(string file, string? root)
        => root is not null && IsWithin(file, root) ? Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/') : file;

    private static bool SameFigures(ModuleReport a, ModuleReport b)
        => JsonSerializer.Serialize(a, s_options) == JsonSerializer.Serialize(b, s_options);

    /// <summary>
    /// Keeps one report per project: a multi-targeted project (<c>TargetFrameworks=a;b</c>) writes one report per
    /// target framework, and counting each would count the project twice. The report kept is the first by target
    /// framework (ordinal; the first given among equal ones); its notes say which other frameworks were built.
    /// Reports without a project path are all kept.
    /// </summary>
    public static IReadOnlyList<ModuleReport> MergeTargetFrameworks(IEnumerable<ModuleReport> reports)
    {
        var merged = new List<ModuleReport>();
        var byProject = new Dictionary<string, List<ModuleReport>>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            if (report.Project.Length == 0)
            {
                merged.Add(report);
            }
            else if (byProject.TryGetValue(report.Project, out var group))
            {
                group.Add(report);
            }
            else
            {
                byProject.Add(report.Project, [report]);
            }
        }

        foreach (var group in byProject.Values)
        {
            var ordered = group.OrderBy(static report => report.TargetFramework, StringComparer.Ordinal).ToList();
            var kept = ordered[0];
            var others = ordered.Skip(1)
                .Select(static report => report.TargetFramework)
                .Where(framework => framework != kept.TargetFramework)
                .Distinct(StringComparer.Ordinal)
                .Select(static framework => framework.Length == 0 ? "(no target framework)" : framework)
                .ToList();
            merged.Add(others.Count == 0
                ? kept
                : kept with
                {
                    Notes =
                    [
                        .. kept.Notes,
                        $"Also built for {string.Join(", ", others)}; the figures are those of {(kept.TargetFramework.Length == 0 ? "(no target framework)" : kept.TargetFramework)}.",
                    ],
                });
        }

        return merged;
    }

    /// <summary>Orders reports as every output lists them: by module, then by project path (ordinal).</summary>
    public static IReadOnlyList<ModuleReport> Order(IEnumerable<ModuleReport> reports) =>
        [.. reports.OrderBy(static report => report.Module, StringComparer.Ordinal).ThenBy(static report => report.Project, StringComparer.Ordinal)];

    /// <summary>The files of a folder that may be reports: every module-report.json below it and its top-level *.json.</summary>
    private static IEnumerable<string> FilesIn(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MatchCasing = MatchCasing.CaseInsensitive };
        return Directory.EnumerateFiles(folder, ReportFileName, options)
            .Concat(Directory.EnumerateFiles(folder, "*.json", SearchOption.TopDirectoryOnly));
    }

    /// <summary>
    /// Reads a file found in a folder: null when it is JSON without a <c>schema</c> of the report family (not a
    /// report); otherwise as <see cref="Read"/>, so a report of another version or a broken report is an error.
    /// </summary>
    private static ModuleReport? ReadIfReport(string file)
    {
        var json = ReadText(file);
        try
        {
            using var document = JsonDocument.Parse(json, s_sniffOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("schema", out var schema)
                || schema.ValueKind != JsonValueKind.String
                || !(schema.GetString() ?? "").StartsWith(SchemaFamily, StringComparison.Ordinal))
            {
                return null;
            }
        }
        catch (JsonException)
        {
            // Not JSON: Parse says so, naming the file.
        }

        return Parse(json, file);
    }

    /// <summary>Reads one report file.</summary>
    /// <exception cref="ReportInputException">The file cannot be read, is not JSON, or is not a report of <see cref="Schema"/>.</exception>
    public static ModuleReport Read(string file) => Parse(ReadText(file), file);

    private static string ReadText(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ReportInputException($"'{file}' cannot be read: {exception.Message}", exception);
        }
    }

    /// <summary>Parses the text of a report; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="ReportInputException">The text is not JSON, or not a report of <see cref="Schema"/>.</exception>
    public static ModuleReport Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new ReportInputException(NotJson(json, source, exception), exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("schema", out var schema)
                || schema.ValueKind != JsonValueKind.String)
            {
                throw new ReportInputException(
                    $"'{source}' has no \"schema\" property, so it is not a ServerTools module report. " +
                    $"Give the module-report.json files that the ServerTools build writes (schema \"{Schema}\").");
            }

            if (schema.GetString() != Schema)
            {
                throw new ReportInputException(
                    $"'{source}' has schema \"{schema.GetString()}\", but this tool reads \"{Schema}\". " +
                    "Use the servertools tool of the same version as the ServerTools package that wrote the report.");
            }
        }

        ModuleReport report;
        try
        {
            report = JsonSerializer.Deserialize<ModuleReport>(json, s_options)!;
        }
        catch (JsonException exception)
        {
            var where = exception.Path is { Length: > 0 } path ? $"{path} (line {exception.LineNumber + 1})" : $"line {exception.LineNumber + 1}";
            throw new ReportInputException(
                $"'{source}' is not a valid module report: the value at {where} is not of the kind a report holds there. " +
                "Build the project again to write its report anew.",
                exception);
        }

        return string.IsNullOrWhiteSpace(report.Module)
            ? throw new ReportInputException($"'{source}' has an empty \"module\": every report names its module.")
            : report;
    }

    /// <summary>
    /// Why text that is not JSON is not a report, in plain words: an empty file, a file of another kind (XML such as a
    /// project file or nuget.config, a classic solution), or broken JSON; only for the last does the parser's account of
    /// where it broke help (a report cut short, for instance), so only then is it given.
    /// </summary>
    private static string NotJson(string json, string source, JsonException exception)
    {
        var text = json.TrimStart();
        if (text.Length == 0)
        {
            return $"'{source}' is empty, so it is not a module report. Build the project again to write its module-report.json, or give another file.";
        }

        if (text[0] is not '{' and not '[')
        {
            var kind = text[0] == '<' ? " (it starts with '<', as XML such as a project file or nuget.config does)" : "";
            return $"'{source}' is not a module report: it is not JSON{kind}. " +
                   "Give the module-report.json files that the ServerTools build writes (obj/.../servertools/module-report.json), or folders that hold them.";
        }

        var detail = ParserPosition().Replace(exception.Message, "").Trim();
        return $"'{source}' is not a valid module report: its JSON breaks off or is malformed at line {exception.LineNumber + 1} ({detail.TrimEnd('.')}). " +
               "The file may have been cut short or edited; build the project again to write it anew.";
    }

    /// <summary>The position System.Text.Json appends to its messages ("Path: $ | LineNumber: 0 | BytePositionInLine: 0."): said in words instead.</summary>
    [GeneratedRegex(@"\s*(Path: \S* \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ParserPosition();
}

/// <summary>A module report as read from a file.</summary>
/// <param name="Report">The report.</param>
/// <param name="Path">The file's full path.</param>
/// <param name="Written">When the file was last written (UTC).</param>
public sealed record ReportFile(ModuleReport Report, string Path, DateTime Written);
