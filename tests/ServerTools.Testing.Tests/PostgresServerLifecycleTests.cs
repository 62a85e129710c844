using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace ServerTools.Testing.Tests;

/// <summary>Starting, stopping and cleaning up private servers, each in its own root folder.</summary>
public sealed class PostgresServerLifecycleTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "servertools-postgres-test-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
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
        var crashed = await PostgresServer.StartAsync(new PostgresServerOptions { RootDirectory = _root, OwnerProcessId = crashedOwner.Id });
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
