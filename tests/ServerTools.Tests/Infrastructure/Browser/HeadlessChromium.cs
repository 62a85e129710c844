using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit.Sdk;

namespace ServerTools.Tests.Infrastructure.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, package <c>chromium</c>; never a downloaded browser), started
/// headless with a fresh profile and driven through the DevTools protocol (<see cref="CdpConnection"/>).
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where Debian's <c>chromium</c> package installs the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _userDataDir;
    private readonly CdpConnection _connection;

    private HeadlessChromium(Process process, string userDataDir, CdpConnection connection)
    {
        _process = process;
        _userDataDir = userDataDir;
        _connection = connection;
    }

    /// <summary>Starts the browser; fails (never skips) when Debian's <c>chromium</c> is not installed.</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new XunitException(
                $"{ExecutablePath} is missing: the browser tests need Debian's 'chromium' package. " +
                "Install it with 'sudo apt-get install chromium' (test.sh does this when it is missing).");
        }

        var userDataDir = Directory.CreateTempSubdirectory("servertools-chromium-").FullName;
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--remote-debugging-port=0", "--user-data-dir=" + userDataDir, "about:blank"])
        {
            info.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var endpoint = await ReadEndpointAsync(process, userDataDir, log);
            return new HeadlessChromium(process, userDataDir, await CdpConnection.ConnectAsync(endpoint));
        }
        catch
        {
            Stop(process);
            process.Dispose();
            DeleteProfile(userDataDir);
            throw;
        }
    }

    /// <summary>Opens a new tab with the given viewport size.</summary>
    public Task<BrowserPage> NewPageAsync(int width, int height) => BrowserPage.CreateAsync(_connection, width, height);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.SendAsync("Browser.close");
        }
        catch (XunitException)
        {
            // Already gone: the process is stopped below either way.
        }

        await _connection.DisposeAsync();
        using (var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                Stop(_process);
            }
        }

        _process.Dispose();
        DeleteProfile(_userDataDir);
    }

    /// <summary>
    /// Chromium writes the port it chose (<c>--remote-debugging-port=0</c>) and the browser's WebSocket path to
    /// <c>DevToolsActivePort</c> in the profile; waits until both lines are there.
    /// </summary>
    private static async Task<Uri> ReadEndpointAsync(Process process, string userDataDir, StringBuilder log)
    {
        var file = Path.Combine(userDataDir, "DevToolsActivePort");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < s_startTimeout)
        {
            if (process.HasExited)
            {
                throw new XunitException($"Chromium exited with code {process.ExitCode} before it opened the DevTools port:\n{Read(log)}");
            }

            if (File.Exists(file))
            {
                var lines = (await File.ReadAllTextAsync(file)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (lines.Length >= 2)
                {
                    return new Uri($"ws://127.0.0.1:{lines[0]}{lines[1]}");
                }
            }

            await Task.Delay(50);
        }

        throw new XunitException($"Chromium did not write {file} within {s_startTimeout}:\n{Read(log)}");
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    private static void DeleteProfile(string userDataDir)
    {
        try
        {
            Directory.Delete(userDataDir, recursive: true);
        }
        catch (IOException)
        {
            // A helper process of the browser may still be writing; the folder is under the temp folder.
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.Append(line).Append('\n');
        }
    }

    private static string Read(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }
}
