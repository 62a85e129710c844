using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using ServerTools.Build.References;
using ServerTools.Build.Reports;

namespace ServerTools.Build;

/// <summary>
/// Writes <c>module-report.json</c> and <c>module-report.md</c> after the compile (build/ServerTools.targets). The
/// analyzer cannot write files (RS1035); it reports ST9001-ST9003, the compiler puts them in its error log, and this
/// task reads that log. Problems are warnings (STB001-STB005): the report never fails a build.
/// </summary>
public sealed class WriteModuleReport : Microsoft.Build.Utilities.Task
{
    private static readonly string[] s_referenceMetadata = ["FrameworkReferenceName", "NuGetPackageId", "NuGetPackageVersion", "ReferenceSourceTarget"];

    /// <summary>The full path of the project file.</summary>
    [Required]
    public string ProjectFile { get; set; } = "";

    /// <summary>The module name: the assembly name.</summary>
    [Required]
    public string Module { get; set; } = "";

    /// <summary>The target framework.</summary>
    public string TargetFramework { get; set; } = "";

    /// <summary>The preprocessing symbols of the compile (<c>$(DefineConstants)</c>).</summary>
    public string DefineConstants { get; set; } = "";

    /// <summary>The build configuration.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>The ErrorLog property the compiler wrote its log to.</summary>
    public string ErrorLog { get; set; } = "";

    /// <summary>
    /// True when ServerTools set <see cref="ErrorLog"/> (the project sets none): a log that cannot be read is then deleted,
    /// so that the next build compiles again and writes a whole one.
    /// </summary>
    public bool OwnErrorLog { get; set; }

    /// <summary>The folder the report is written to.</summary>
    [Required]
    public string ReportDirectory { get; set; } = "";

    /// <summary>The project's files: Compile, Content, None, EmbeddedResource and the like.</summary>
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>Folders whose files are never counted.</summary>
    public string[] ExcludedDirectories { get; set; } = [];

    /// <summary>Globs, relative to the project folder, of files not counted.</summary>
    public string[] Exclude { get; set; } = [];

    /// <summary>The resolved references (<c>@(ReferencePath)</c>).</summary>
    public ITaskItem[] References { get; set; } = [];

    /// <summary>The JSON report written.</summary>
    [Output]
    public string JsonFile { get; set; } = "";

    /// <summary>The Markdown report written.</summary>
    [Output]
    public string MarkdownFile { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        var request = new ModuleReportRequest
        {
            ProjectFile = ProjectFile,
            Module = Module,
            TargetFramework = TargetFramework,
            Configuration = Configuration,
            DefineConstants = DefineConstants,
            Files = Files.Select(static f => f.GetMetadata("FullPath")).ToList(),
            ExcludedDirectories = ExcludedDirectories,
            ExcludeGlobs = Exclude,
            ErrorLog = ErrorLog,
            DeleteUnreadableErrorLog = OwnErrorLog,
            References = References.Select(static r => new ReferenceItem(
                r.ItemSpec,
                s_referenceMetadata.ToDictionary(static name => name, name => r.GetMetadata(name), StringComparer.Ordinal))).ToList(),
        };

        var problems = new List<ReportProblem>();
        var report = ModuleReportGenerator.Generate(request, problems);
        foreach (var problem in problems)
        {
            Warn(problem.Code, problem.File, problem.Message);
        }

        var directory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ProjectFile) ?? ".", ReportDirectory));
        JsonFile = Path.Combine(directory, ModuleReportGenerator.JsonFileName);
        MarkdownFile = Path.Combine(directory, ModuleReportGenerator.MarkdownFileName);
        try
        {
            Directory.CreateDirectory(directory);
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            AtomicFile.Write(JsonFile, ModuleReportJson.Write(report), utf8);
            AtomicFile.Write(MarkdownFile, ModuleReportMarkdown.Write(report), utf8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Warn(ModuleReportGenerator.UnwritableReport, null, $"The module report could not be written to '{directory}': {e.Message} Set ServerToolsModuleReportPath to a writable folder, or ServerToolsModuleReport to false.");
            return !Log.HasLoggedErrors;
        }

        Log.LogMessage(MessageImportance.High, "{0} -> {1}", ModuleReportMarkdown.Summary(report), JsonFile);
        return !Log.HasLoggedErrors;
    }

    private void Warn(string code, string? file, string message) =>
        Log.LogWarning(null, code, null, file ?? ProjectFile, 0, 0, 0, 0, message);
}
