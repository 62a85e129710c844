using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading.Tasks;

namespace ServerTools.Testing.Tests;

/// <summary>Starting, stopping and cleaning up private servers, each in its own root folder.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PostgresServerLifecycleTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // When this process is root the postgres user must pass through the root folder (--x), never list or write it.
    private static readonly UnixFileMode s_rootFolderMode =
        Environment.IsPrivilegedProcess ? OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : OwnerOnly;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "servertools-postgres-test-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A folder outside the root that links point at; its files must survive every cleanup.</summary>
    private string Outside => _root + "-outside";

    public void Dispose()
    {
        foreach (var folder in new[] { _root, Outside })
        {
            if (Path.Exists(folder))
            {
                // Directory.Delete removes a link, not what it points at.
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task DisposeStopsTheServerAndDeletesItsFolder()
    {
        var server = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root });
        var database = await server.CreateDatabaseAsync("disposed");
        Assert.Equal("1", await ServerProbe.QueryAsync(database, "SELECT 1"));
        var folder = server.FolderPath;
        Assert.StartsWith(folder, server.DataDirectory, StringComparison.Ordinal);

        await server.DisposeAsync();

        Assert.False(Directory.Exists(folder));
        Assert.Equal(SocketError.ConnectionRefused, await ServerProbe.ConnectErrorAsync(server.Port));
        await server.DisposeAsync();
        server.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.CreateDatabaseAsync());
    }

    [Fact]
    public async Task StartAfterACrashedRunStopsItsServerAndDeletesItsFolderButKeepsLiveOwnersFolders()
    {
        using var crashedOwner = Process.Start("sleep", "300");
        // No watcher: this test is about what the next start does with what a crashed run left.
        var crashed = await PostgresServer.StartAsync(
            new PostgresServerOptions { RootDirectory = _root, OwnerProcessId = crashedOwner.Id, WatchOwner = false });
        var orphanPostmaster = ServerProbe.ReadPostmasterProcessId(crashed.DataDirectory);
        crashedOwner.Kill();
        await crashedOwner.WaitForExitAsync();
        var liveOwnersFolder = Directory.CreateDirectory(Path.Combine(_root, "live-owner")).FullName;
        Assert.True(ProcessIdentity.TryGetStartMarker(Environment.ProcessId, out var marker));
        await File.WriteAllTextAsync(Path.Combine(liveOwnersFolder, "owner"), $"pid={Environment.ProcessId}\nstart={marker}\n");

        await using var fresh = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root });

        Assert.Equal("1", await ServerProbe.QueryAsync(fresh.ConnectionString, "SELECT 1"));
        Assert.False(Directory.Exists(crashed.FolderPath));
        Assert.False(ProcessIdentity.IsAlive(orphanPostmaster, null));
        Assert.Equal(SocketError.ConnectionRefused, await ServerProbe.ConnectErrorAsync(crashed.Port));
        Assert.True(Directory.Exists(liveOwnersFolder));
        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task FolderIsRemovedSoonAfterItsOwnerEndsWithoutCleaningUp()
    {
        // As when dotnet test kills the test host 100 ms after asking it to exit, or kill -9: no exit handler runs.
        using var owner = Process.Start("sleep", "300");
        var server = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root, OwnerProcessId = owner.Id });
        var postmaster = ServerProbe.ReadPostmasterProcessId(server.DataDirectory);
        var liveOwnersFolder = await CreateFolderOfThisProcessAsync("live-owner");

        owner.Kill();
        await owner.WaitForExitAsync();

        await WaitWhileExistsAsync(server.FolderPath);

        Assert.False(Directory.Exists(server.FolderPath));
        Assert.False(ProcessIdentity.IsAlive(postmaster, null));
        Assert.Equal(SocketError.ConnectionRefused, await ServerProbe.ConnectErrorAsync(server.Port));
        Assert.True(Directory.Exists(liveOwnersFolder));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task TheWatcherSignalsNoProcessThatAStalePostmasterPidFileNamesButIsNoPostgres()
    {
        // A postmaster killed outright leaves postmaster.pid behind, and its pid can be reused by any process.
        using var owner = Process.Start("sleep", "300");
        using var stranger = Process.Start("sleep", "300");
        var folder = Path.Combine(_root, "stale");
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        await File.WriteAllTextAsync(Path.Combine(folder, "data", "postmaster.pid"), stranger.Id + "\n" + Path.Combine(folder, "data") + "\n");
        var watcher = CleanupWatcher.Start(owner.Id, stranger.Id, folder);
        Assert.NotNull(watcher);

        owner.Kill();
        await owner.WaitForExitAsync();
        await WaitWhileExistsAsync(folder);

        Assert.False(Directory.Exists(folder));
        Assert.False(stranger.HasExited);
        stranger.Kill();
        CleanupWatcher.Stop(watcher);
    }

    [Fact]
    public async Task TheWatcherOutlivesTheInterruptThatCtrlCSendsToTheTestHostsProcessGroup()
    {
        using var owner = Process.Start("sleep", "300");
        var server = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root, OwnerProcessId = owner.Id });
        var watcher = Directory.EnumerateDirectories("/proc")
            .Select(static path => (Path: path, Id: int.TryParse(Path.GetFileName(path), out var id) ? id : 0))
            .Where(static process => process.Id > 0)
            .Single(process => ReadCommandLine(process.Path) is { } line
                && line.Contains("servertools-cleanup", StringComparison.Ordinal)
                && line.Contains(server.FolderPath, StringComparison.Ordinal)).Id;

        using (var interrupt = Process.Start("kill", ["-INT", watcher.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        await Task.Delay(200);
        owner.Kill();
        await owner.WaitForExitAsync();
        await WaitWhileExistsAsync(server.FolderPath);

        Assert.False(Directory.Exists(server.FolderPath));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task StartLeavesAnOldFolderWithoutOwnerFileAloneWhileAServerRunsFromIt()
    {
        await using var running = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root });
        File.Delete(Path.Combine(running.FolderPath, "owner"));
        Directory.SetLastWriteTimeUtc(running.FolderPath, DateTime.UtcNow - ServerFolder.OwnerlessFolderAge - TimeSpan.FromMinutes(1));

        await using var next = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root });

        Assert.NotEqual(running.FolderPath, next.FolderPath);
        Assert.True(Directory.Exists(running.DataDirectory));
        Assert.True(ProcessIdentity.IsAlive(ServerProbe.ReadPostmasterProcessId(running.DataDirectory), null));
    }

    /// <summary>Waits up to 20 s for the watcher to remove <paramref name="folder"/>.</summary>
    private static async Task WaitWhileExistsAsync(string folder)
    {
        var waited = Stopwatch.StartNew();
        while (Directory.Exists(folder) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }
    }

    /// <summary>A process's command line from /proc, its arguments joined by spaces; null once it has ended.</summary>
    private static string? ReadCommandLine(string processFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processFolder, "cmdline")).Replace('\0', ' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [Fact]
    public async Task StartRemovesFoldersWithoutOwnerFileOnlyWhenTheyAreOld()
    {
        // What a deletion cut short between the owner file and the folder leaves, long ago and just now.
        Directory.CreateDirectory(_root, s_rootFolderMode);
        var old = Directory.CreateDirectory(Path.Combine(_root, "12345-0123456789abcdef012"), OwnerOnly).FullName;
        File.WriteAllText(Path.Combine(old, "postgres.log"), "left behind");
        Directory.SetLastWriteTimeUtc(old, DateTime.UtcNow - ServerFolder.OwnerlessFolderAge - TimeSpan.FromMinutes(1));
        var recent = Directory.CreateDirectory(Path.Combine(_root, "12346-0123456789abcdef012"), OwnerOnly).FullName;
        Directory.SetLastWriteTimeUtc(recent, DateTime.UtcNow - ServerFolder.OwnerlessFolderAge + TimeSpan.FromMinutes(1));
        var liveOwnersFolder = await CreateFolderOfThisProcessAsync("live-owner");
        Directory.SetLastWriteTimeUtc(liveOwnersFolder, DateTime.UtcNow - TimeSpan.FromDays(1));

        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root });

        Assert.False(Directory.Exists(old));
        Assert.True(Directory.Exists(recent));
        Assert.True(Directory.Exists(liveOwnersFolder));
    }

    [Fact]
    public async Task StartTriesAnotherPortWhenThePickedOneIsTaken()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var picked = new List<int>();
        var options = new PostgresServerOptions
        {
            RootDirectory = _root,
            PortPicker = () =>
            {
                picked.Add(picked.Count == 0 ? taken : FreePort());
                return picked[^1];
            },
        };

        await using var server = await PostgresServer.StartAsync(options);

        Assert.Equal(2, picked.Count);
        Assert.Equal(picked[1], server.Port);
        Assert.Equal("1", await ServerProbe.QueryAsync(server.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task ExtraSettingsOverrideTheDefaults()
    {
        var options = new PostgresServerOptions { RootDirectory = _root };
        options.Settings["synchronous_commit"] = "on";
        options.Settings["application_name"] = "it's quoted";

        await using var server = await PostgresServer.StartAsync(options);

        Assert.Equal("on", await ServerProbe.QueryAsync(server.ConnectionString, "SHOW synchronous_commit"));
        Assert.Equal("off", await ServerProbe.QueryAsync(server.ConnectionString, "SHOW fsync"));
        Assert.Equal("it's quoted", await ServerProbe.QueryAsync(server.ConnectionString, "SELECT reset_val FROM pg_settings WHERE name = 'application_name'"));
    }

    [Fact]
    public async Task SettingWithALineBreakIsRejectedBeforeAnythingStarts()
    {
        var options = new PostgresServerOptions { RootDirectory = _root };
        options.Settings["work_mem"] = "4MB\nlisten_addresses = '*'";

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => PostgresServer.StartAsync(options));

        Assert.Contains("'work_mem' is not valid", exception.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public void DefaultRootFolderIsOneForEachUser()
    {
        var userId = File.ReadLines("/proc/self/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];

        Assert.Equal(Path.Combine(Path.GetTempPath(), "servertools-postgres-" + userId), new PostgresServerOptions().ResolveRootDirectory());
    }

    [Fact]
    public async Task StartKeepsTheRootFolderAndTheServerFolderPrivateAndLeavesNoPasswordFile()
    {
        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root });

        Assert.Equal(s_rootFolderMode, File.GetUnixFileMode(_root));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(server.FolderPath));
        Assert.Equal(["data", "owner", "postgres.log"], Directory.EnumerateFileSystemEntries(server.FolderPath).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task RootFolderOfAnotherUserIsRefused()
    {
        // As root, a folder given to 'nobody'; otherwise '/', which belongs to root on every machine. Both are refused
        // before anything is written to them.
        var root = "/";
        if (Environment.IsPrivilegedProcess)
        {
            Directory.CreateDirectory(_root, OwnerOnly);
            await RunAsync("chown", "nobody", _root);
            root = _root;
        }

        var exception = await Assert.ThrowsAsync<PostgresStartException>(
            () => PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = root }));

        Assert.Contains($"will not use the root folder '{root}': it belongs to the user with id ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("set PostgresServerOptions.RootDirectory to a folder that only you can write to", exception.Message, StringComparison.Ordinal);
        if (root == _root)
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
        }
    }

    [Fact]
    public async Task RootFolderThatOtherUsersCanWriteToIsRefused()
    {
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var exception = await Assert.ThrowsAsync<PostgresStartException>(
            () => PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root }));

        Assert.Equal(
            $"ServerTools.Testing will not use the root folder '{_root}': other users can write to it (mode 0777). Whoever can change "
            + "what is in it can replace a server's folder with a link and make the cleanup delete the files the link points at. "
            + $"Delete it (as its owner or as root: rm -rf '{_root}') so that it is created again, private to you, or set "
            + "PostgresServerOptions.RootDirectory to a folder that only you can write to.",
            exception.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public async Task RootFolderThatIsASymbolicLinkIsRefused()
    {
        Directory.CreateDirectory(Outside, OwnerOnly);
        Directory.CreateSymbolicLink(_root, Outside);

        var exception = await Assert.ThrowsAsync<PostgresStartException>(
            () => PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root }));

        Assert.Contains($"'{_root}': it is a symbolic link (to '{Outside}'), not a folder", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
    }

    [Fact]
    public async Task StaleFolderCleanupDoesNotFollowALinkInTheRootFolder()
    {
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, s_rootFolderMode);
        CreateFilesOutside();
        // Seen through the link, the owner file names a process that no longer runs (the right id, another start time).
        await File.WriteAllTextAsync(Path.Combine(Outside, "owner"), $"pid={Environment.ProcessId}\nstart=0\n");
        var link = Path.Combine(_root, $"{Environment.ProcessId}-0123456789abcdef0");
        Directory.CreateSymbolicLink(link, Outside);

        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root });

        Assert.Equal("1", await ServerProbe.QueryAsync(server.ConnectionString, "SELECT 1"));
        AssertFilesOutsideAreIntact();
        Assert.True(File.Exists(Path.Combine(Outside, "owner")));
    }

    [Fact]
    public async Task DisposeDeletesALinkPutInPlaceOfTheServerFolderButNotWhatItPointsAt()
    {
        var server = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root });
        var postmaster = ServerProbe.ReadPostmasterProcessId(server.DataDirectory);
        CreateFilesOutside();
        Directory.Move(server.FolderPath, server.FolderPath + "-moved");
        Directory.CreateSymbolicLink(server.FolderPath, Outside);

        var exception = await Record.ExceptionAsync(() => server.DisposeAsync().AsTask());

        AssertFilesOutsideAreIntact();
        Assert.IsType<IOException>(exception);
        Assert.Contains($"The server folder '{server.FolderPath}' was not deleted: it is a symbolic link (to '{Outside}')", exception.Message, StringComparison.Ordinal);
        Assert.Contains("The link was deleted; what it points at was not touched.", exception.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(server.FolderPath));
        Assert.False(ProcessIdentity.IsAlive(postmaster, null));
    }

    /// <summary>A folder in the root whose owner file names this (running) test process.</summary>
    private async Task<string> CreateFolderOfThisProcessAsync(string name)
    {
        Directory.CreateDirectory(_root, s_rootFolderMode);
        var folder = Directory.CreateDirectory(Path.Combine(_root, name), OwnerOnly).FullName;
        Assert.True(ProcessIdentity.TryGetStartMarker(Environment.ProcessId, out var marker));
        await File.WriteAllTextAsync(Path.Combine(folder, "owner"), $"pid={Environment.ProcessId}\nstart={marker}\n");
        return folder;
    }

    private void CreateFilesOutside()
    {
        Directory.CreateDirectory(Path.Combine(Outside, "projects"));
        File.WriteAllText(Path.Combine(Outside, "private.txt"), "keep me");
        File.WriteAllText(Path.Combine(Outside, "projects", "Program.cs"), "keep me too");
    }

    private void AssertFilesOutsideAreIntact()
    {
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(Outside, "private.txt")));
        Assert.Equal("keep me too", File.ReadAllText(Path.Combine(Outside, "projects", "Program.cs")));
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
