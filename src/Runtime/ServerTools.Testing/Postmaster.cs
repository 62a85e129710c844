using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Testing;

/// <summary>How to stop a server: the signal that <c>pg_ctl stop -m fast</c> or <c>-m immediate</c> sends to the postmaster.</summary>
internal enum ShutdownMode
{
    /// <summary>SIGINT: roll back open transactions, close connections, write a checkpoint, exit.</summary>
    Fast = 2,

    /// <summary>SIGQUIT: close everything at once, no checkpoint; for data that is deleted next.</summary>
    Immediate = 3,
}

/// <summary>
/// Stops a postmaster the way pg_ctl does (a signal, then a wait until it is gone), without starting
/// a process: at process exit a test host may be killed within a hundred milliseconds, too soon for
/// <c>runuser</c> and <c>pg_ctl</c> to finish.
/// </summary>
internal static class Postmaster
{
    private const int KillSignal = 9;
    private static readonly TimeSpan s_shutdownWait = TimeSpan.FromSeconds(30);

    /// <summary>Stops the postmaster <paramref name="processId"/>, and kills it when it does not stop in time.</summary>
    /// <returns><see langword="false"/> when it could not be signalled (another user's process).</returns>
    public static async Task<bool> StopAsync(int processId, string? startMarker, ShutdownMode mode)
    {
        // A postmaster that has already exited may have left its process id to another process: never signal that one.
        if (!ProcessIdentity.IsAlive(processId, startMarker))
        {
            return true;
        }

        if (kill(processId, (int)mode) != 0)
        {
            return !ProcessIdentity.IsAlive(processId, startMarker);
        }

        if (await WaitUntilGoneAsync(processId, startMarker, s_shutdownWait).ConfigureAwait(false))
        {
            return true;
        }

        _ = kill(processId, KillSignal);
        return await WaitUntilGoneAsync(processId, startMarker, s_shutdownWait).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="processId"/> is the postmaster of <paramref name="dataDirectory"/>, so that a
    /// reused process id named in a stale <c>postmaster.pid</c> never leads to signalling another process.
    /// </summary>
    public static bool Serves(int processId, string dataDirectory)
    {
        if (ProcessIdentity.GetProgramName(processId) is not ("postgres" or "postmaster"))
        {
            return false;
        }

        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        // The postmaster's working directory is its data directory. Compare the folder's unique name and
        // "data" rather than the whole path, which may reach the same place through a symbolic link.
        try
        {
            var workingDirectory = new DirectoryInfo($"/proc/{processId}/cwd").LinkTarget;
            return workingDirectory is not null
                && string.Equals(Path.GetFileName(workingDirectory), Path.GetFileName(dataDirectory), StringComparison.Ordinal)
                && string.Equals(
                    Path.GetFileName(Path.GetDirectoryName(workingDirectory)),
                    Path.GetFileName(Path.GetDirectoryName(dataDirectory)),
                    StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<bool> WaitUntilGoneAsync(int processId, string? startMarker, TimeSpan timeout)
    {
        // The postmaster is not our child (pg_ctl detached it), so there is no exit event to await.
        var elapsed = Stopwatch.StartNew();
        while (ProcessIdentity.IsAlive(processId, startMarker))
        {
            if (elapsed.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks; this signature needs no marshalling.
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}
