using System;
using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Tool.SolutionReport;

/// <summary>The options of <c>servertools report</c>.</summary>
/// <param name="Target">The solution, project or folder to build; null for the current folder.</param>
/// <param name="Reports">Report files or folders to read instead of building; empty to build.</param>
/// <param name="Output">The folder the Markdown and HTML files are written to.</param>
/// <param name="NoOpen">Do not open the page in a browser.</param>
/// <param name="Configuration">The build configuration; null for the project's default.</param>
/// <param name="Help">Print the usage and do nothing else.</param>
public sealed record ReportOptions(string? Target, IReadOnlyList<string> Reports, string Output, bool NoOpen, string? Configuration, bool Help)
{
    /// <summary>The folder the files go to when <c>--output</c> is not given.</summary>
    public const string DefaultOutput = "servertools-report";

    /// <summary>The usage text of the command.</summary>
    public const string Usage = """
        Usage: servertools report [<solution-or-project-or-folder>] [options]

        Builds the solution or project (default: the one in the current folder) and combines the module
        reports that the ServerTools build writes for every project into module-analysis.md and
        module-analysis.html, then opens the page in the default browser.

        Options:
          --reports <path>...       Read these module-report.json files, or the reports in these folders
                                    (every module-report.json below them and their top-level *.json
                                    reports), instead of building. Repeatable.
          -o, --output <dir>        Where to write the files (default: ./servertools-report).
          -c, --configuration <c>   The build configuration (default: the project's, usually Debug).
                                    With --reports: read only the reports of this configuration
                                    (needed when a project has reports of several).
          --no-open                 Do not open the page. It is not opened either when the output is
                                    redirected or when CI=true.
          -h, --help                Show this help.

        Exit codes: 0 written, 1 the build failed, 2 bad usage or input.
        """;

    /// <summary>
    /// Parses the arguments that follow <c>report</c>.
    /// </summary>
    /// <exception cref="ReportInputException">An unknown option, an option without its value, or options that do not go together.</exception>
    public static ReportOptions Parse(IReadOnlyList<string> arguments)
    {
        string? target = null;
        var reports = new List<string>();
        string? output = null;
        string? configuration = null;
        var noOpen = false;
        var help = false;

        for (var index = 0; index < arguments.Count; index++)
        {
            var argument = arguments[index];
            var (name, inlineValue) = SplitInlineValue(argument);
            switch (name)
            {
                case "-h" or "--help" or "-?":
                    help = true;
                    break;
                case "--no-open":
                    noOpen = true;
                    break;
                case "-o" or "--output":
                    output = inlineValue ?? Value(arguments, ref index, name, "a folder");
                    break;
                case "-c" or "--configuration":
                    configuration = inlineValue ?? Value(arguments, ref index, name, "a configuration such as Debug or Release");
                    break;
                case "--reports":
                    if (inlineValue is not null)
                    {
                        reports.Add(inlineValue);
                        break;
                    }

                    var before = reports.Count;
                    while (index + 1 < arguments.Count && !arguments[index + 1].StartsWith('-'))
                    {
                        reports.Add(arguments[++index]);
                    }

                    if (reports.Count == before)
                    {
                        throw new ReportInputException("--reports needs a module-report.json file or a folder of them, e.g. --reports obj/servertools.");
                    }

                    break;
                default:
                    if (argument.StartsWith('-') && argument.Length > 1)
                    {
                        throw new ReportInputException($"Unknown option '{argument}'.");
                    }

                    if (target is not null)
                    {
                        throw new ReportInputException($"Give one solution, project or folder to build; '{target}' and '{argument}' are two.");
                    }

                    target = argument;
                    break;
            }
        }

        if (!help && reports.Count > 0)
        {
            if (target is not null)
            {
                throw new ReportInputException($"--reports reads existing reports without building, so '{target}' would not be built: give either a solution or project, or --reports.");
            }

            // "--reports obj Shop.slnx": --reports takes every path up to the next option, so the solution is among them.
            if (reports.FirstOrDefault(static path => BuildTarget.IsSolution(path) || BuildTarget.IsProject(path)) is { } buildable)
            {
                var what = BuildTarget.IsSolution(buildable) ? "a solution" : "a project";
                var others = reports.Where(path => path != buildable).ToList();
                var readOnly = others.Count > 0 ? "servertools report --reports " + string.Join(" ", others) : "servertools report --reports <folder>";
                throw new ReportInputException(
                    $"'{buildable}' is {what}, not a module report: --reports takes every path that follows it, and a solution or project " +
                    $"cannot be combined with --reports. To build it and report on it, run 'servertools report {buildable}'; to read " +
                    $"the reports an earlier build left, give only their files or folders: '{readOnly}'.");
            }
        }

        return new ReportOptions(target, reports, output ?? DefaultOutput, noOpen, configuration, help);
    }

    private static (string Name, string? Value) SplitInlineValue(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return argument.StartsWith("--", StringComparison.Ordinal) && equals > 2
            ? (argument[..equals], argument[(equals + 1)..])
            : (argument, null);
    }

    private static string Value(IReadOnlyList<string> arguments, ref int index, string option, string what)
    {
        if (index + 1 >= arguments.Count || (arguments[index + 1].StartsWith('-') && arguments[index + 1].Length > 1))
        {
            throw new ReportInputException($"{option} needs a value: {what}.");
        }

        return arguments[++index];
    }
}
