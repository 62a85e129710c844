using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace ServerTools.Testing;

/// <summary>
/// A small shell process, started with each server, that waits for the server's owner process to end and then
/// stops the server (if it still runs) and deletes its folder. It is what removes the folder when the owner's own
/// cleanup at exit is cut short: <c>dotnet test</c> kills the test host 100 ms after asking it to exit
/// (<c>VSTEST_TESTHOST_SHUTDOWN_TIMEOUT</c>), too soon to stop a server and delete 15 to 20 MB of files, and
/// <c>kill -9</c> gives no time at all. Disposing the server ends the watcher.
/// </summary>
internal static class CleanupWatcher
{
    // $1 owner pid, $2 postmaster pid (0: unknown), $3 the server's folder. The postmaster is signalled only while its
    // postmaster.pid still names it: a postmaster removes that file when it exits, so a reused pid is never signalled
    // (checked again before SIGKILL, as the postmaster may have exited during the wait; a postmaster that has exited but
    // is not reaped yet, a zombie, still answers kill -0, so the wait ends when the file is gone).
    // A postmaster killed outright (SIGKILL, the OOM killer) leaves the file behind, and its pid may be reused: where
    // /proc tells a process's name, the process must also be a postgres.
    // It ignores SIGINT and SIGHUP, which a Ctrl+C or a closed terminal sends to the test host's whole process group.
    private const string Script = """
        trap '' INT HUP
        exec </dev/null >/dev/null 2>&1
        postmaster() { [ "$(head -n 1 "$3/data/postmaster.pid")" = "$2" ] && { [ ! -r "/proc/$2/comm" ] || [ "$(cat "/proc/$2/comm")" = postgres ]; }; }
        while kill -0 "$1"; do sleep 1; done
        if [ "$2" -gt 0 ] && postmaster "$@" && kill -QUIT "$2"; then
          i=0
          while kill -0 "$2" && [ -e "$3/data/postmaster.pid" ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
          if kill -0 "$2" && postmaster "$@"; then kill -KILL "$2"; fi
        fi
        rm -rf "$3"
        """;

    /// <summary>
    /// Starts the watcher for <paramref name="folder"/>, or returns <see langword="null"/> when no shell can be started
    /// (the next start in the same root folder then removes what is left).
    /// </summary>
    public static Process? Start(int ownerProcessId, int? postmasterProcessId, string folder)
    {
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,

            // Not the test host's own streams: a process that outlives it must not hold its output open.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(Script);
        startInfo.ArgumentList.Add("servertools-cleanup");
        startInfo.ArgumentList.Add(ownerProcessId.ToString(CultureInfo.InvariantCulture));
        startInfo.ArgumentList.Add((postmasterProcessId ?? 0).ToString(CultureInfo.InvariantCulture));
        startInfo.ArgumentList.Add(folder);
        try
        {
            return Process.Start(startInfo);
        }
        catch (Exception exception) when (exception is Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Ends a watcher whose server has been stopped and deleted by its owner.</summary>
    public static void Stop(Process? watcher)
    {
        if (watcher is null)
        {
            return;
        }

        try
        {
            watcher.Kill();
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception)
        {
            // It has already ended.
        }

        watcher.Dispose();
    }
}
