using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Testing;

/// <summary>The exit code and the combined standard output and error of a finished program.</summary>
internal readonly record struct ProcessResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs the PostgreSQL programs. PostgreSQL refuses to run as root, so when this process is root the
/// programs run as the <c>postgres</c> system user through <c>runuser</c>.
/// </summary>
internal static class ProcessRunner
{
    /// <summary>The system user that owns the server's files when this process is root.</summary>
    public const string PostgresUser = "postgres";

    /// <summary>Whether the PostgreSQL programs run as <see cref="PostgresUser"/> instead of this process's user.</summary>
    public static bool RunsAsPostgresUser => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    /// <summary>Runs a PostgreSQL program, as <see cref="PostgresUser"/> when this process is root.</summary>
    public static Task<ProcessResult> RunPostgresProgramAsync(
        string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        if (!RunsAsPostgresUser)
        {
            return RunAsync(program, arguments, workingDirectory, cancellationToken);
        }

        var wrapped = new List<string> { "-u", PostgresUser, "--", program };
        wrapped.AddRange(arguments);
        return RunAsync(FindRunuser(Environment.GetEnvironmentVariable("PATH"), s_runuserFolders), wrapped, workingDirectory, cancellationToken);
    }

    /// <summary>Where distributions install <c>runuser</c>: searched after PATH, which a root shell or a service may leave without the sbin folders.</summary>
    private static readonly string[] s_runuserFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>
    /// The path of <c>runuser</c> (util-linux): the first folder of <paramref name="pathVariable"/> that holds it, else the
    /// first of <paramref name="folders"/>.
    /// </summary>
    /// <exception cref="PostgresStartException">Neither holds it.</exception>
    internal static string FindRunuser(string? pathVariable, IReadOnlyList<string> folders)
    {
        var searched = new List<string>();
        if (!string.IsNullOrEmpty(pathVariable))
        {
            searched.AddRange(pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        searched.AddRange(folders);
        foreach (var folder in searched)
        {
            var candidate = Path.Combine(folder, "runuser");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new PostgresStartException(
            $"This process runs as root, and PostgreSQL refuses to run as root, so ServerTools.Testing runs initdb and pg_ctl as the '{PostgresUser}' " +
            $"system user through 'runuser' (util-linux). 'runuser' was found neither on PATH nor in {string.Join(", ", folders)}. " +
            "Install util-linux ('apt-get install util-linux' on Debian and Ubuntu), or run the tests as a user other than root.");
    }

    /// <summary>Runs a program to its end and collects its output; kills it when cancelled.</summary>
    public static async Task<ProcessResult> RunAsync(
        string program, IEnumerable<string> arguments, string? workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"'{program}' could not be started.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = (await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false));
        return new ProcessResult(process.ExitCode, text.Trim());
    }
}
