using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ServerTools.Tool.SolutionReport;

namespace ServerTools.Tool;

/// <summary>The <c>servertools</c> command line: picks the command named by the first argument.</summary>
public static class ServerToolsCommand
{
    /// <summary>The usage of the tool.</summary>
    public const string Usage = """
        Usage: servertools <command> [options]

        Commands:
          report    Build a solution and write its module analysis (Markdown and an HTML page with charts).

        Run 'servertools <command> --help' for the options of a command.
        """;

    /// <summary>Runs the tool; returns the exit code (0 done, 1 build failed, 2 bad usage or input).</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        switch (arguments.Count == 0 ? null : arguments[0])
        {
            case "report":
                return ReportCommand.RunAsync([.. arguments.Skip(1)], output, error, cancellationToken);
            case "-h" or "--help" or "-?" or "help":
                output.WriteLine(Usage);
                return Task.FromResult(ReportCommand.Success);
            case null:
                error.WriteLine(Usage);
                return Task.FromResult(ReportCommand.BadInput);
            default:
                error.WriteLine($"servertools: unknown command '{arguments[0]}'.");
                error.WriteLine(Usage);
                return Task.FromResult(ReportCommand.BadInput);
        }
    }
}
