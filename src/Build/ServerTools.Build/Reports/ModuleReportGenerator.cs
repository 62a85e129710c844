using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ServerTools.Build.Lines;
using ServerTools.Build.References;
using ServerTools.Build.Sarif;

namespace ServerTools.Build.Reports;

/// <summary>Makes a <see cref="ModuleReport"/> from what the build knows: files, the compiler's error log, references.</summary>
public static class ModuleReportGenerator
{
    /// <summary>The warning code for an error log that does not exist.</summary>
    public const string MissingErrorLog = "STB001";

    /// <summary>The warning code for an error log that is not readable SARIF.</summary>
    public const string CorruptErrorLog = "STB002";

    /// <summary>The warning code for a project file that could not be read.</summary>
    public const string UnreadableFile = "STB003";

    /// <summary>The warning code for a report that could not be written.</summary>
    public const string UnwritableReport = "STB004";

    /// <summary>The warning code for an error log written by another project's compile (a shared ErrorLog).</summary>
    public const string OtherModuleErrorLog = "STB005";

    /// <summary>The JSON report's file name.</summary>
    public const string JsonFileName = "module-report.json";

    /// <summary>The Markdown report's file name.</summary>
    public const string MarkdownFileName = "module-report.md";

    /// <summary>Makes the report; <paramref name="problems"/> receives what went wrong (the report is made regardless).</summary>
    public static ModuleReport Generate(ModuleReportRequest request, ICollection<ReportProblem> problems)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (problems is null)
        {
            throw new ArgumentNullException(nameof(problems));
        }

        var projectDirectory = Path.GetDirectoryName(Path.GetFullPath(request.ProjectFile)) ?? ".";
        var filter = new ProjectFileFilter(projectDirectory, request.ExcludedDirectories, request.ExcludeGlobs);
        var byKind = Enum.GetValues(typeof(LineKind)).Cast<LineKind>().ToDictionary(static k => k, static _ => LineCount.Zero);
        var generated = LineCount.Zero;
        var symbols = request.DefineConstants?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries).Select(static s => s.Trim()).Where(static s => s.Length > 0).ToList();
        foreach (var file in filter.Select(request.Files.Concat([request.ProjectFile])))
        {
            var kind = FileKinds.KindOf(file);
            if (kind is null || !File.Exists(file))
            {
                continue;
            }

            string text;
            try
            {
                text = File.ReadAllText(file, Encoding.UTF8);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add(new ReportProblem(UnreadableFile, $"The file could not be read, so its lines are not in the module report: {e.Message}", file));
                continue;
            }

            var count = LineCounter.Count(file, text, symbols);
            if (kind == LineKind.CSharp && FileKinds.IsGenerated(file, text))
            {
                generated = generated.Add(count);
            }
            else
            {
                byKind[kind.Value] = byKind[kind.Value].Add(count);
            }
        }

        var notes = new List<string>();
        var findings = ReadFindings(request, filter, problems, notes);
        var complete = findings is { HasSummary: true };
        if (findings is { HasSummary: false })
        {
            notes.Add($"The compiler's error log has no {ModuleFindings.SummaryId} module summary, so entities, features and rules are missing: "
                + $"reference the ServerTools analyzer (the ServerTools package brings it) and keep {ModuleFindings.SummaryId}-{ModuleFindings.RuleId} enabled.");
        }

        var entities = complete ? findings!.Entities : [];
        return new ModuleReport
        {
            Module = request.Module,
            Project = Path.GetFullPath(request.ProjectFile),
            TargetFramework = request.TargetFramework,
            Configuration = request.Configuration,
            Complete = complete,
            Notes = notes,
            Lines = byKind.OrderBy(static k => k.Key).Select(static k => new KindLines(FileKinds.DisplayName(k.Key), k.Value)).ToList(),
            GeneratedLines = generated,
            SourceGenerated = complete ? findings!.SourceGenerated : new SourceGenerated(0, 0),
            Entities = entities,
            Features = ModuleFindings.CountFeatures(entities),
            Rules = complete ? findings!.Rules : [],
            Diagnostics = findings?.Diagnostics ?? [],
            References = ReferenceGrouper.Group(request.References),
        };
    }

    /// <summary>The file of an ErrorLog property value: the part before <c>,version=</c>.</summary>
    public static string ErrorLogFile(string errorLog)
    {
        if (errorLog is null)
        {
            throw new ArgumentNullException(nameof(errorLog));
        }

        var version = errorLog.LastIndexOf(",version=", StringComparison.OrdinalIgnoreCase);
        return (version < 0 ? errorLog : errorLog.Substring(0, version)).Trim();
    }

    /// <summary>
    /// The name of the copy in the collect folder: <c>&lt;module&gt;.&lt;8 hex digits&gt;.json</c>, the digits a hash
    /// (FNV-1a, 32 bits, of the UTF-8 bytes) of <paramref name="key"/>, the project's full path, so that two projects
    /// with one assembly name do not overwrite each other.
    /// </summary>
    public static string CollectFileName(string module, string key)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return module + "." + hash.ToString("x8", CultureInfo.InvariantCulture) + ".json";
    }

    private static ModuleFindings? ReadFindings(ModuleReportRequest request, ProjectFileFilter filter, ICollection<ReportProblem> problems, List<string> notes)
    {
        var module = request.Module;
        var file = ErrorLogFile(request.ErrorLog ?? "");
        if (file.Length == 0)
        {
            notes.Add("No compiler error log is set (ErrorLog is empty), so entities, features, rules and diagnostics are missing.");
            problems.Add(new ReportProblem(
                MissingErrorLog,
                "The module report has no entities, rules or diagnostics: the ErrorLog property is empty. Remove the setting that clears it, or set ServerToolsModuleReport to false.",
                null));
            return null;
        }

        var path = filter.FullPath(file);
        if (!File.Exists(path))
        {
            notes.Add($"The compiler's error log was not found ({path}), so entities, features, rules and diagnostics are missing.");
            problems.Add(new ReportProblem(
                MissingErrorLog,
                $"The module report has no entities, rules or diagnostics: the compiler's error log '{path}' does not exist. Rebuild the project (dotnet build --no-incremental) so that the compiler writes it.",
                null));
            return null;
        }

        ModuleFindings findings;
        try
        {
            findings = ModuleFindings.From(SarifReader.Read(File.ReadAllText(path, Encoding.UTF8)), module);
        }
        catch (Exception e) when (e is SarifFormatException or IOException or UnauthorizedAccessException)
        {
            if (request.DeleteUnreadableErrorLog && TryDelete(path))
            {
                // The log is an output of the compile: without it, the next build compiles again and the report heals.
                notes.Add($"The compiler's error log could not be read ({e.Message}), so entities, features, rules and diagnostics are missing. "
                    + "It was deleted: the next build compiles the project again and writes the whole report.");
                problems.Add(new ReportProblem(
                    CorruptErrorLog,
                    $"The module report has no entities, rules or diagnostics: the compiler's error log could not be read as SARIF: {e.Message} "
                    + "Two builds of this project at once write it together. The log was deleted, so the next build compiles the project again and writes the whole report: build again (one build at a time).",
                    path));
                return null;
            }

            notes.Add($"The compiler's error log could not be read ({e.Message}), so entities, features, rules and diagnostics are missing.");
            problems.Add(new ReportProblem(
                CorruptErrorLog,
                $"The module report has no entities, rules or diagnostics: the compiler's error log could not be read as SARIF: {e.Message} Delete the file and rebuild; if you set ErrorLog yourself, point it to a file only this project's compiler writes.",
                path));
            return null;
        }

        if (findings.IsOfOtherModule(module))
        {
            // Every compile overwrites its log: with one ErrorLog for several projects, the file holds the last
            // compile's findings (or, with parallel compiles, a mix), never reliably this project's.
            var others = string.Join(", ", findings.SummaryModules.Select(static m => "'" + m + "'"));
            var holds = findings.SummaryModules.Count == 1 ? $"module {others}" : $"modules {others}";
            notes.Add($"The compiler's error log ({path}) holds {holds}, not '{module}': several projects likely share one ErrorLog, "
                + "so entities, features, rules and diagnostics are missing. Give each project its own ErrorLog, or leave ErrorLog unset.");
            problems.Add(new ReportProblem(
                OtherModuleErrorLog,
                $"The module report has no entities, rules or diagnostics: the compiler's error log '{path}' holds {holds}, not '{module}', "
                + "likely because several projects share one ErrorLog and each compile overwrites it. Give each project its own ErrorLog, "
                + "with $(MSBuildProjectName) and $(TargetFramework) in the path (for example "
                + "<ErrorLog>$(MSBuildProjectDirectory)/obj/$(MSBuildProjectName).$(TargetFramework).sarif,version=2.1</ErrorLog>), "
                + "or leave ErrorLog unset so that the module report uses a log of its own.",
                path));
            return null;
        }

        return findings;
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
