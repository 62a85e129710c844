using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;

namespace ServerTools.Tool.SolutionReport;

/// <summary>Opens a file with the platform's opener: <c>xdg-open</c> on Linux, <c>open</c> on macOS, the shell on Windows.</summary>
internal static class BrowserOpener
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

    /// <summary>Starts the opener; says so on <paramref name="error"/> when there is none.</summary>
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

        try
        {
            using var process = Process.Start(info);
        }
        catch (Win32Exception exception)
        {
            error.WriteLine($"servertools report: could not open the page ({info.FileName}: {exception.Message}); open {file} in a browser.");
        }
    }
}
