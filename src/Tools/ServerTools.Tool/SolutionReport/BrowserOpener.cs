using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;

namespace ServerTools.Tool.SolutionReport;

/// <summary>Opens a file with the platform's opener: <c>xdg-open</c> on Linux, <c>open</c> on macOS, the shell on Windows.</summary>
public static class BrowserOpener
{
    /// <summary>
    /// Whether to open the page: not with <c>--no-open</c>, not when the output is redirected (a script or a
    /// log reads it), not on CI (<c>CI=true</c>).
    /// </summary>
    public static bool ShouldOpen(ReportOptions options) =>
        !options.NoOpen
        && !Console.IsOutputRedirected
        && !IsContinuousIntegration();

    private static bool IsContinuousIntegration() =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>
    /// How long to wait for the opener to exit. xdg-open and open hand the file over and exit at once: 0 when the page
    /// opened, not 0 when it could not (xdg-open's 3: no method available, as on a server or in a container). An opener
    /// still running after this (one that runs the browser itself) is taken to work, and left running.
    /// </summary>
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(2);

    /// <summary>Opens <paramref name="file"/> with the platform's opener; says so on <paramref name="error"/>, and where the page is, when it cannot.</summary>
    public static void Open(string file, TextWriter error)
    {
        ProcessStartInfo info;
        if (OperatingSystem.IsWindows())
        {
            info = new ProcessStartInfo(file) { UseShellExecute = true };
        }
        else
        {
            info = new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open") { UseShellExecute = false };
            info.ArgumentList.Add(file);
        }

        Open(info, file, error, s_wait);
    }

    /// <summary>
    /// Starts <paramref name="opener"/> and waits up to <paramref name="wait"/> for it to exit: when it cannot be started,
    /// or exits with a code other than 0 within that time, says on <paramref name="error"/> that the page was not opened
    /// and where it is.
    /// </summary>
    public static void Open(ProcessStartInfo opener, string file, TextWriter error, TimeSpan wait)
    {
        try
        {
            // Not redirected: the opener's own words (xdg-open: no method available ...) go to the terminal, and no pipe
            // is left for a browser it starts to hold open.
            using var process = Process.Start(opener);
            if (process is not null && process.WaitForExit(wait) && process.ExitCode != 0)
            {
                error.WriteLine($"servertools report: could not open the page ({opener.FileName} exited with code {process.ExitCode}); open {file} in a browser.");
            }
        }
        catch (Win32Exception exception)
        {
            error.WriteLine($"servertools report: could not open the page ({opener.FileName}: {exception.Message}); open {file} in a browser.");
        }
    }
}
