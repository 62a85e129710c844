using System;
using System.IO;
using Microsoft.Build.Framework;
using ServerTools.Build.Reports;

namespace ServerTools.Build;

/// <summary>
/// Copies a project's <c>module-report.json</c> to the folder <c>servertools report</c> collects from, as
/// <c>&lt;module&gt;.&lt;hash of the project path&gt;.json</c>. Runs on every build, also when the report is up to date.
/// </summary>
public sealed class CollectModuleReport : Microsoft.Build.Utilities.Task
{
    /// <summary>The JSON report.</summary>
    [Required]
    public string ReportFile { get; set; } = "";

    /// <summary>The module name.</summary>
    [Required]
    public string Module { get; set; } = "";

    /// <summary>What tells this project (and target framework) apart from others: its full path.</summary>
    [Required]
    public string Key { get; set; } = "";

    /// <summary>The folder to copy to.</summary>
    [Required]
    public string CollectDirectory { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        if (!File.Exists(ReportFile))
        {
            Log.LogMessage(MessageImportance.Normal, "No module report to collect at '{0}'.", ReportFile);
            return true;
        }

        var target = Path.Combine(CollectDirectory, ModuleReportGenerator.CollectFileName(Module, Key));
        try
        {
            Directory.CreateDirectory(CollectDirectory);
            AtomicFile.Copy(ReportFile, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogWarning(null, ModuleReportGenerator.UnwritableReport, null, ReportFile, 0, 0, 0, 0, $"The module report could not be copied to '{target}': {e.Message} Check that the folder given in ServerToolsModuleReportCollectDir is writable.");
            return !Log.HasLoggedErrors;
        }

        Log.LogMessage(MessageImportance.Normal, "Module report collected: {0}", target);
        return true;
    }
}
