using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// <c>servertools report</c>: builds a solution or project so that every project's build copies its module
/// report to a fresh folder (or reads the reports given with <c>--reports</c>), and writes
/// <c>module-analysis.md</c> and <c>module-analysis.html</c>.
/// </summary>
public static class ReportCommand
{
    /// <summary>The Markdown file the command writes to the output folder.</summary>
    public const string MarkdownFileName = "module-analysis.md";

    /// <summary>The HTML page the command writes to the output folder.</summary>
    public const string HtmlFileName = "module-analysis.html";

    /// <summary>Exit code: the files were written.</summary>
    public const int Success = 0;

    /// <summary>Exit code: the build failed.</summary>
    public const int BuildFailed = 1;

    /// <summary>Exit code: bad usage or input (unknown option, missing path, a file that is not a report).</summary>
    public const int BadInput = 2;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Runs the command with the arguments that follow <c>report</c>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        ReportOptions options;
        try
        {
            options = ReportOptions.Parse(arguments);
        }
        catch (ReportInputException exception)
        {
            error.WriteLine("servertools report: " + exception.Message);
            error.WriteLine("Run 'servertools report --help' for the usage.");
            return BadInput;
        }

        if (options.Help)
        {
            output.WriteLine(ReportOptions.Usage);
            return Success;
        }

        try
        {
            // Bad input is found before a build that may take minutes.
            CheckOutput(options.Output);
            IReadOnlyList<ModuleReport> modules;
            if (options.Reports.Count > 0)
            {
                modules = ModuleReportReader.ReadAll(options.Reports, options.Configuration, out var withoutReports);
                if (modules.Count == 0)
                {
                    throw new ReportInputException(
                        $"No module reports were found in {string.Join(", ", options.Reports)}. " +
                        "A project's build writes obj/.../servertools/module-report.json when it references ServerTools.");
                }

                // The others were read: the report is written, and says which folders added nothing to it.
                foreach (var folder in withoutReports)
                {
                    error.WriteLine(
                        $"servertools report: note: '{folder}' holds no module report, so no module of it is in the report. A project's build writes " +
                        "obj/.../servertools/module-report.json when it references ServerTools and compiles: build the project (a failed build writes none), " +
                        "or leave the folder out of --reports.");
                }
            }
            else
            {
                var built = await BuildAsync(options, output, cancellationToken).ConfigureAwait(false);
                if (built is null)
                {
                    error.WriteLine("servertools report: the build failed; fix the errors above and run the command again.");
                    return BuildFailed;
                }

                modules = built;
            }

            var (markdownFile, htmlFile) = Write(modules, options.Output);
            output.WriteLine($"servertools report: {modules.Count} module(s) in {markdownFile} and {htmlFile}");
            if (BrowserOpener.ShouldOpen(options))
            {
                BrowserOpener.Open(htmlFile, error);
            }

            return Success;
        }
        catch (ReportInputException exception)
        {
            error.WriteLine("servertools report: " + exception.Message);
            return BadInput;
        }
    }

    /// <summary>Builds, then reads the reports the build copied; null when the build failed.</summary>
    private static async Task<IReadOnlyList<ModuleReport>?> BuildAsync(ReportOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        BuildTarget.Check(options.Target);
        var collectDir = Directory.CreateTempSubdirectory("servertools-report-").FullName;
        try
        {
            var exitCode = await DotnetBuild.RunAsync(options.Target, options.Configuration, collectDir, output, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                return null;
            }

            var modules = ModuleReportReader.ReadAll([collectDir]);
            return modules.Count > 0
                ? modules
                : throw new ReportInputException(
                    "The build succeeded but no project wrote a module report. Reports come from projects that reference " +
                    "ServerTools (its build/ServerTools.targets); check that ServerToolsModuleReport is not set to false.");
        }
        finally
        {
            Directory.Delete(collectDir, recursive: true);
        }
    }

    private static (string Markdown, string Html) Write(IReadOnlyList<ModuleReport> reports, string outputDir)
    {
        // Every module's rules check the entities of all of them: the Markdown and the page show the same attribution.
        var modules = RuleAttribution.Apply(reports);
        var directory = Path.GetFullPath(outputDir);
        var markdownFile = Path.Combine(directory, MarkdownFileName);
        var htmlFile = Path.Combine(directory, HtmlFileName);
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(markdownFile, MarkdownReportWriter.Write(modules), s_utf8);
            File.WriteAllText(htmlFile, HtmlReportWriter.Write(modules), s_utf8);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ReportInputException($"Cannot write to '{directory}': {Sentence(exception.Message)} Choose another folder with --output.", exception);
        }

        return (markdownFile, htmlFile);
    }

    /// <summary>
    /// Refuses an output folder that cannot be written, without creating it: it must be a folder or not exist, and a file
    /// can be created in it or, when it does not exist, in its nearest existing parent (a probe file, deleted at once).
    /// </summary>
    private static void CheckOutput(string outputDir)
    {
        var directory = Path.GetFullPath(outputDir);
        if (File.Exists(directory))
        {
            throw new ReportInputException($"The output folder '{directory}' is a file. Choose a folder with --output.");
        }

        var existing = directory;
        while (!Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null || File.Exists(parent))
            {
                throw new ReportInputException($"The output folder '{directory}' cannot be created: '{parent ?? existing}' is not a folder. Choose another folder with --output.");
            }

            existing = parent;
        }

        var probe = Path.Combine(existing, $".servertools-report-{Guid.NewGuid():N}.tmp");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            var where = existing == directory ? "" : $" (it does not exist, and its parent '{existing}' does not take new files either)";
            throw new ReportInputException($"The output folder '{directory}' cannot be written{where}: {Sentence(exception.Message)} Choose another folder with --output.", exception);
        }
    }

    /// <summary>A message as one sentence: with one final period, not two.</summary>
    private static string Sentence(string message) => message.TrimEnd().TrimEnd('.') + ".";
}
