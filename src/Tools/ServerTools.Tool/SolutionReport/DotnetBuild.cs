using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Tool.SolutionReport;

/// <summary>Runs <c>dotnet build</c> with the property that makes every project copy its module report to a folder.</summary>
internal static class DotnetBuild
{
    /// <summary>The MSBuild property that ServerTools.targets reads: the folder every project copies its report to.</summary>
    public const string CollectDirProperty = "ServerToolsModuleReportCollectDir";

    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The arguments of the build.</summary>
    public static IReadOnlyList<string> Arguments(string? target, string? configuration, string collectDir) =>
    [
        "build",
        .. target is null ? [] : new[] { target },
        "-nologo",
        // One build, no MSBuild nodes left running after the command (they would also hold its output open).
        "-nodeReuse:false",
        $"-p:{CollectDirProperty}={collectDir}",
        .. configuration is null ? [] : new[] { "-c", configuration },
    ];

    /// <summary>Builds and copies the build's output to <paramref name="output"/> line by line; returns the exit code.</summary>
    public static async Task<int> RunAsync(string? target, string? configuration, string collectDir, TextWriter output, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(target, configuration, collectDir))
        {
            info.ArgumentList.Add(argument);
        }

        // Started from another build (an Exec task, dotnet test), the MSBuild variables of that build would pin this
        // one to its SDK and settings; the child build resolves its own, as in a terminal.
        foreach (var name in info.Environment.Keys.Where(static key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        output.WriteLine("servertools report: dotnet " + string.Join(" ", info.ArgumentList));
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet could not be started.");
        var gate = new object();
        var readers = new[] { Copy(process.StandardOutput, output, gate), Copy(process.StandardError, output, gate) };
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        // A process the build left behind may hold the pipes open: wait for the rest of the output, not for them.
        await Task.WhenAny(Task.WhenAll(readers), Task.Delay(s_drainTimeout, cancellationToken)).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static async Task Copy(StreamReader reader, TextWriter output, object gate)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (gate)
            {
                output.WriteLine(line);
            }
        }
    }
}
