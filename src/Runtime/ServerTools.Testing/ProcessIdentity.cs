using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace ServerTools.Testing;

/// <summary>
/// Tells whether a process still runs, by id and start time, so that a reused process id is not
/// mistaken for the process that created a server folder. A zombie (exited, not yet reaped) counts as gone.
/// </summary>
internal static class ProcessIdentity
{
    /// <summary>Whether the process runs; <paramref name="startMarker"/> is an opaque value that changes when the id is reused.</summary>
    /// <returns><see langword="false"/> when no live process has this id; otherwise <see langword="true"/>,
    /// with a marker of <see langword="null"/> when its start time cannot be read.</returns>
    public static bool TryGetStartMarker(int processId, out string? startMarker)
    {
        startMarker = null;
        if (processId <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            return TryReadProcStat(processId, out startMarker);
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            if (process.HasExited)
            {
                return false;
            }

            startMarker = process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // It exists but cannot be inspected: count it as alive, never as gone.
            return true;
        }
    }

    /// <summary>Whether the process with this id runs and, when both markers are known, is the same process.</summary>
    public static bool IsAlive(int processId, string? recordedStartMarker) =>
        TryGetStartMarker(processId, out var current)
        && (current is null || recordedStartMarker is null || string.Equals(current, recordedStartMarker, StringComparison.Ordinal));

    /// <summary>The program name of a running process (<c>/proc/{pid}/comm</c> on Linux), or <see langword="null"/>.</summary>
    public static string? GetProgramName(int processId)
    {
        if (!TryGetStartMarker(processId, out _))
        {
            return null;
        }

        try
        {
            if (OperatingSystem.IsLinux())
            {
                return File.ReadAllText($"/proc/{processId}/comm").Trim();
            }

            using var process = Process.GetProcessById(processId);
            return process.ProcessName;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool TryReadProcStat(int processId, out string? startMarker)
    {
        startMarker = null;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20)
        {
            return true;
        }

        if (fields[0] is "Z" or "X" or "x")
        {
            return false;
        }

        // Field 22 of proc_pid_stat(5), the start time in clock ticks after boot; fields[0] is field 3.
        startMarker = fields[19];
        return true;
    }
}
