using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ServerTools.Sample.Scenario;

namespace ServerTools.Sample;

/// <summary>The sample's entry point: parses the command line, runs the shop scenario, maps failures to exit codes.</summary>
public static class Program
{
    /// <summary>The scenario ran to the end.</summary>
    public const int Success = 0;

    /// <summary>The scenario failed; the message on standard error says why.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; nothing was run.</summary>
    public const int UsageError = 2;

    /// <summary>The user stopped the run with Ctrl+C.</summary>
    public const int Interrupted = 130;

    /// <summary>Runs the sample on the console; Ctrl+C stops it cleanly (the private server is removed).</summary>
    /// <param name="args">The command line arguments.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunAsync(args, Console.Out, Console.Error, interrupt.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs the sample, writing the report to <paramref name="output"/> and failures to <paramref name="error"/>.</summary>
    /// <param name="args">The command line arguments.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where usage errors and failures go.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code: <see cref="Success"/>, <see cref="Failure"/>, <see cref="UsageError"/> or <see cref="Interrupted"/>.</returns>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!SampleOptions.TryParse(args, out var options, out var usageError))
        {
            await error.WriteLineAsync(usageError + " Run with --help for usage.").ConfigureAwait(false);
            return UsageError;
        }

        if (options.ShowHelp)
        {
            await output.WriteAsync(SampleOptions.Usage).ConfigureAwait(false);
            return Success;
        }

        try
        {
            await ShopScenario.RunAsync(options.ConnectionString, new Report(output), cancellationToken).ConfigureAwait(false);
            return Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Stopped before the end; the private server, if one was started, is removed.").ConfigureAwait(false);
            return Interrupted;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            await error.WriteLineAsync(Failures.Describe(exception, options.ConnectionString is not null)).ConfigureAwait(false);
            return Failure;
        }
    }
}
