using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using ServerTools.Tool;

namespace ServerTools.Tests.SolutionReport;

/// <summary>The result of running the <c>servertools</c> command in-process.</summary>
public sealed record ReportRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs <c>servertools</c> with <paramref name="arguments"/> (e.g. <c>report --reports ...</c>).</summary>
    public static async Task<ReportRun> RunAsync(params IReadOnlyList<string> arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ServerToolsCommand.RunAsync(arguments, output, error);
        return new ReportRun(exitCode, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- output\n{Output}\n--- error\n{Error}";
}
