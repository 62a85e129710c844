using System;
using System.Diagnostics;
using System.IO;
using ServerTools.Tool.SolutionReport;

namespace ServerTools.Tests.SolutionReport;

/// <summary>
/// What <c>servertools report</c> says when the page cannot be opened: a fake opener (a shell script in place of
/// <c>xdg-open</c>) that fails, succeeds, or keeps running.
/// </summary>
public sealed class BrowserOpenerTests : IDisposable
{
    private const string Page = "/tmp/report/module-analysis.html";

    private readonly string _folder = Directory.CreateTempSubdirectory("servertools-opener-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_opener_that_exits_with_an_error_is_reported_with_where_the_page_is()
    {
        // xdg-open on a server or in a container: "no method available for opening", exit code 3.
        var error = Open("echo 'xdg-open: no method available for opening' >&2; exit 3", TimeSpan.FromSeconds(30));

        Assert.Equal($"servertools report: could not open the page ({Path.Combine(_folder, "opener")} exited with code 3); open {Page} in a browser.\n", error);
    }

    [Fact]
    public void An_opener_that_opens_the_page_says_nothing()
    {
        Assert.Equal("", Open("exit 0", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void An_opener_that_keeps_running_is_left_to_run_and_the_command_does_not_wait_for_it()
    {
        // Some openers run the browser themselves and stay until it is closed.
        var watch = Stopwatch.StartNew();

        var error = Open("sleep 5; exit 3", TimeSpan.FromMilliseconds(300));

        Assert.Equal("", error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"waited {watch.Elapsed}");
    }

    [Fact]
    public void An_opener_that_does_not_exist_is_reported_with_where_the_page_is()
    {
        var missing = Path.Combine(_folder, "no-such-opener");
        using var error = new StringWriter { NewLine = "\n" };

        BrowserOpener.Open(new ProcessStartInfo(missing) { UseShellExecute = false }, Page, error, TimeSpan.FromSeconds(30));

        Assert.StartsWith($"servertools report: could not open the page ({missing}: ", error.ToString(), StringComparison.Ordinal);
        Assert.EndsWith($"); open {Page} in a browser.\n", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Runs a shell script with <paramref name="body"/> as the opener of <see cref="Page"/>; returns what the command said.</summary>
    private string Open(string body, TimeSpan wait)
    {
        var script = Path.Combine(_folder, "opener");
        File.WriteAllText(script, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var opener = new ProcessStartInfo(script) { UseShellExecute = false };
        opener.ArgumentList.Add(Page);
        using var error = new StringWriter { NewLine = "\n" };

        BrowserOpener.Open(opener, Page, error, wait);

        return error.ToString();
    }
}
