using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace ServerTools.Testing;

/// <summary>
/// A private PostgreSQL server for integration tests and samples, started from the PostgreSQL programs
/// installed on the machine (Debian's <c>postgresql</c> package), in its own temporary folder, on a free
/// loopback port. Disposing it stops the server and deletes the folder.
/// </summary>
/// <remarks>
/// Each server has a random password of its own (SCRAM-SHA-256), which the connection strings it hands out
/// hold: other local users cannot connect. Its folder is inside a root folder private to this user. The server
/// trades durability for speed (<c>fsync</c>, <c>synchronous_commit</c> and <c>full_page_writes</c> are off):
/// it is for tests only. When this process is root, the server runs as the <c>postgres</c> system user, because
/// PostgreSQL refuses to run as root. Servers still running when the process exits are stopped and deleted; a
/// watcher process finishes that when the exit is cut short or the process is killed, and the next start removes
/// whatever is left. Linux and macOS are supported.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable, IDisposable
{
    private const string Superuser = "postgres";
    private const string MaintenanceDatabase = "postgres";
    private const string DefaultDatabasePrefix = "test";
    private const int MaxDatabasePrefixLength = 50;
    private const int PortAttempts = 5;
    private const int PasswordBytes = 24;
    private const string PasswordFileName = "initdb-password";

    private static readonly Lock s_liveGate = new();
    private static readonly HashSet<PostgresServer> s_liveServers = [];
    private static bool s_processExitHooked;

    private static readonly Lock s_sharedGate = new();
    private static Task<PostgresServer>? s_shared;

    private readonly ServerFolder _folder;
    private readonly string _password;
    private readonly (int ProcessId, string? StartMarker)? _postmaster;
    private readonly ConcurrentDictionary<string, byte> _handedOutConnectionStrings = new(StringComparer.Ordinal);
    private readonly Lock _stopGate = new();
    private Task? _stopped;
    private bool _isShared;
    private Process? _watcher;

    private PostgresServer(ServerFolder folder, int port, string password)
    {
        _folder = folder;
        _password = password;
        Port = port;
        ConnectionString = BuildConnectionString(MaintenanceDatabase, pooling: true);

        // Remembered so that Dispose stops this very process, whatever becomes of the folder.
        _postmaster = folder.FindPostmaster();
    }

    /// <summary>The loopback TCP port the server listens on (on 127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The server's data directory (PGDATA), inside the server's own temporary folder.</summary>
    public string DataDirectory => _folder.DataDirectory;

    /// <summary>
    /// A connection string to the maintenance database <c>postgres</c> as the superuser <c>postgres</c>, with the
    /// server's password. Use <see cref="CreateDatabaseAsync"/> for test data.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>The server's own folder: owner file, data directory and log.</summary>
    internal string FolderPath => _folder.Path;

    /// <summary>
    /// Starts a new private server. Dispose it to stop the server and delete its folder.
    /// </summary>
    /// <param name="options">Where the programs and the folder are, extra settings; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start; the half-started server is removed.</param>
    /// <returns>The running server, accepting connections.</returns>
    /// <exception cref="PostgresNotInstalledException">The PostgreSQL server programs were not found.</exception>
    /// <exception cref="PostgresStartException">initdb or the server failed, or the server did not accept connections within <see cref="PostgresServerOptions.StartTimeout"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">This is Windows; Linux and macOS are supported.</exception>
    public static async Task<PostgresServer> StartAsync(PostgresServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                "ServerTools.Testing runs PostgreSQL on Linux and macOS. On Windows, run the tests in WSL or against a PostgreSQL server you operate.");
        }

        options ??= new PostgresServerOptions();
        var settings = RenderSettings(options.Settings);
        var binDirectory = await PostgresBinaries.LocateAsync(options.BinDirectory, cancellationToken).ConfigureAwait(false);
        var root = options.ResolveRootDirectory();
        FolderSafety.PrepareRoot(root);
        await ServerFolder.RemoveStaleAsync(root).ConfigureAwait(false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);
        var ownerProcessId = options.OwnerProcessId ?? Environment.ProcessId;
        var folder = await ServerFolder.CreateAsync(root, ownerProcessId, cancellationToken).ConfigureAwait(false);
        try
        {
            var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PasswordBytes));
            await InitializeAsync(folder, binDirectory, settings, password, timeout.Token).ConfigureAwait(false);
            var port = await StartPostmasterAsync(folder, binDirectory, options, timeout.Token).ConfigureAwait(false);
            var server = new PostgresServer(folder, port, password);
            await server.WaitForConnectionsAsync(timeout.Token).ConfigureAwait(false);
            if (options.WatchOwner)
            {
                server._watcher = CleanupWatcher.Start(ownerProcessId, server._postmaster?.ProcessId, folder.Path);
            }

            Register(server);
            return server;
        }
        catch (Exception exception)
        {
            var logTail = folder.ReadLogTail();
            await folder.StopServerAsync(ShutdownMode.Immediate).ConfigureAwait(false);
            folder.Delete();
            if (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new PostgresStartException(
                    $"The PostgreSQL server did not start and accept connections within {options.StartTimeout.TotalSeconds:0.#} seconds "
                    + $"(PostgresServerOptions.StartTimeout). Last lines of its log:\n{logTail}",
                    exception);
            }

            throw;
        }
    }

    /// <summary>
    /// The server shared by the whole process: started on first use, stopped and deleted when the process
    /// exits. Use it from xunit collection fixtures and samples, and give each test class its own database
    /// with <see cref="CreateDatabaseAsync"/>. Disposing the returned server does nothing, so that one
    /// fixture cannot stop it under another.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the shared start itself goes on for other callers.</param>
    /// <returns>The shared running server.</returns>
    /// <exception cref="PostgresNotInstalledException">The PostgreSQL server programs were not found.</exception>
    /// <exception cref="PostgresStartException">The server failed to start; the next call tries again.</exception>
    public static Task<PostgresServer> GetSharedAsync(CancellationToken cancellationToken = default)
    {
        Task<PostgresServer> start;
        lock (s_sharedGate)
        {
            if (s_shared is null || s_shared.IsFaulted || s_shared.IsCanceled)
            {
                s_shared = StartSharedAsync();
            }

            start = s_shared;
        }

        return start.WaitAsync(cancellationToken);

        static async Task<PostgresServer> StartSharedAsync()
        {
            var server = await StartAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            server._isShared = true;
            return server;
        }
    }

    /// <summary>
    /// Creates a new, empty database with a unique name, such as <c>orders_3f9c2a7b1d04</c>.
    /// </summary>
    /// <param name="namePrefix">The start of the name: 1 to 50 lowercase letters (a-z), digits or underscores; <c>test</c> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>A connection string to the new database, as the superuser, with the server's password.</returns>
    /// <exception cref="ArgumentException"><paramref name="namePrefix"/> holds other characters or is too long.</exception>
    /// <exception cref="ObjectDisposedException">The server has been stopped.</exception>
    public async Task<string> CreateDatabaseAsync(string? namePrefix = null, CancellationToken cancellationToken = default)
    {
        var name = NewDatabaseName(namePrefix);
        ObjectDisposedException.ThrowIf(IsStopped, this);
        await ExecuteAsync($"CREATE DATABASE {QuoteIdentifier(name)}", cancellationToken).ConfigureAwait(false);
        var connectionString = BuildConnectionString(name, pooling: true);
        _handedOutConnectionStrings.TryAdd(connectionString, 0);
        return connectionString;
    }

    /// <summary>
    /// Drops a database created by <see cref="CreateDatabaseAsync"/>, closing its open connections first.
    /// Dropping a database that is already gone is fine.
    /// </summary>
    /// <param name="connectionString">The connection string <see cref="CreateDatabaseAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <exception cref="ArgumentException">The connection string points at another server, or at a system database.</exception>
    /// <exception cref="ObjectDisposedException">The server has been stopped.</exception>
    public async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ObjectDisposedException.ThrowIf(IsStopped, this);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Host != "127.0.0.1" || builder.Port != Port || builder.Database is not { Length: > 0 } name)
        {
            throw new ArgumentException(
                $"The connection string does not name a database on this server (127.0.0.1:{Port}).", nameof(connectionString));
        }

        if (name is MaintenanceDatabase or "template0" or "template1")
        {
            throw new ArgumentException($"'{name}' is a system database and cannot be dropped.", nameof(connectionString));
        }

        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteAsync($"DROP DATABASE IF EXISTS {QuoteIdentifier(name)} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
        _handedOutConnectionStrings.TryRemove(connectionString, out _);
    }

    /// <summary>
    /// Stops the server (fast shutdown: open connections are closed) and deletes its folder.
    /// Calling it again does nothing. The server from <see cref="GetSharedAsync"/> ignores it.
    /// </summary>
    /// <returns>A task that completes when the server is stopped and its folder deleted.</returns>
    public ValueTask DisposeAsync() => _isShared ? ValueTask.CompletedTask : new ValueTask(StopAsync(ShutdownMode.Fast));

    /// <summary>
    /// Stops the server (fast shutdown: open connections are closed) and deletes its folder.
    /// Calling it again does nothing. The server from <see cref="GetSharedAsync"/> ignores it.
    /// </summary>
    public void Dispose()
    {
        if (!_isShared)
        {
            StopAsync(ShutdownMode.Fast).GetAwaiter().GetResult();
        }
    }

    /// <summary>A safe, unique database name from a validated prefix.</summary>
    internal static string NewDatabaseName(string? namePrefix)
    {
        var prefix = namePrefix ?? DefaultDatabasePrefix;
        if (prefix.Length is 0 or > MaxDatabasePrefixLength || !prefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
        {
            throw new ArgumentException(
                $"The database name prefix '{prefix}' is not valid: use 1 to {MaxDatabasePrefixLength} characters, "
                + "each a lowercase letter (a-z), a digit (0-9) or an underscore (_).",
                nameof(namePrefix));
        }

        return prefix + "_" + Guid.NewGuid().ToString("N")[..12];
    }

    private static string RenderSettings(IDictionary<string, string> extra)
    {
        var settings = new List<KeyValuePair<string, string>>
        {
            new("listen_addresses", "127.0.0.1"),
            new("unix_socket_directories", string.Empty),
            new("fsync", "off"),
            new("synchronous_commit", "off"),
            new("full_page_writes", "off"),
        };
        settings.AddRange(extra);

        var text = new StringBuilder("\n# ServerTools.Testing: a throwaway test server\n");
        foreach (var (name, value) in settings)
        {
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.') || value.Any(char.IsControl))
            {
                throw new ArgumentException(
                    $"The setting '{name}' is not valid: a name holds letters, digits, '_' and '.', and a value holds no line breaks.",
                    nameof(extra));
            }

            text.Append(CultureInfo.InvariantCulture, $"{name} = '{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'\n");
        }

        return text.ToString();
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task InitializeAsync(
        ServerFolder folder, string binDirectory, string settings, string password, CancellationToken cancellationToken)
    {
        // The password goes through a file that only the server's user can read, never through a command line
        // (which every local user can read), and the file is gone once initdb has read it.
        var passwordFile = await folder.WritePrivateFileAsync(PasswordFileName, password, cancellationToken).ConfigureAwait(false);
        ProcessResult initdb;
        try
        {
            // C.UTF-8: pg_trgm and lower() treat non-ASCII letters as letters only under a UTF-8 ctype.
            initdb = await ProcessRunner.RunPostgresProgramAsync(
                Path.Combine(binDirectory, "initdb"),
                ["-D", folder.DataDirectory, "-U", Superuser, "--auth=scram-sha-256", "--pwfile=" + passwordFile,
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                folder.Path,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        if (!initdb.Succeeded)
        {
            var rootNote = ProcessRunner.RunsAsPostgresUser
                ? $" This process is root, so initdb ran as the '{ProcessRunner.PostgresUser}' system user, which must be able to reach '{folder.Path}' (set PostgresServerOptions.RootDirectory to a folder it can reach)."
                : string.Empty;
            throw new PostgresStartException($"initdb failed with exit code {initdb.ExitCode}.{rootNote}\n{initdb.Output}");
        }

        await File.AppendAllTextAsync(Path.Combine(folder.DataDirectory, "postgresql.conf"), settings, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> StartPostmasterAsync(
        ServerFolder folder, string binDirectory, PostgresServerOptions options, CancellationToken cancellationToken)
    {
        var pickPort = options.PortPicker ?? FreeLoopbackPort;
        var waitSeconds = Math.Max(1, (int)Math.Ceiling(options.StartTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            var port = pickPort();
            var logOffset = folder.LogLength();
            var start = await ProcessRunner.RunPostgresProgramAsync(
                Path.Combine(binDirectory, "pg_ctl"),
                ["start", "-D", folder.DataDirectory, "-l", folder.LogFile, "-w", "-t", waitSeconds, "-s",
                 "-o", string.Create(CultureInfo.InvariantCulture, $"-p {port}")],
                folder.Path,
                cancellationToken).ConfigureAwait(false);
            if (start.Succeeded)
            {
                return port;
            }

            // The port was free when picked, but another process may have taken it since: try another.
            var log = folder.ReadLogTail(logOffset);
            if (attempt < PortAttempts && log.Contains("could not bind", StringComparison.Ordinal))
            {
                continue;
            }

            throw new PostgresStartException(
                $"pg_ctl start failed with exit code {start.ExitCode} (port {port}). {start.Output}\nLast lines of the server log:\n{log}");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void Register(PostgresServer server)
    {
        lock (s_liveGate)
        {
            s_liveServers.Add(server);
            if (!s_processExitHooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllLiveServers();
                s_processExitHooked = true;
            }
        }
    }

    private static void StopAllLiveServers()
    {
        PostgresServer[] servers;
        lock (s_liveGate)
        {
            servers = [.. s_liveServers];
        }

        try
        {
            // Immediate: the data is deleted next, and the test host may be killed soon after exit begins.
            Task.WaitAll([.. servers.Select(server => server.StopAsync(ShutdownMode.Immediate))], TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The process is exiting; a folder left behind is removed by the next start.
        }
    }

    private string BuildConnectionString(string database, bool pooling) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = Superuser,
            Password = _password,
            Database = database,
            Pooling = pooling,
        }.ConnectionString;

    private async Task WaitForConnectionsAsync(CancellationToken cancellationToken)
    {
        // pg_ctl -w waits for the postmaster; a connection proves it also accepts clients.
        var probe = BuildConnectionString(MaintenanceDatabase, pooling: false);
        while (true)
        {
            try
            {
                var connection = new NpgsqlConnection(probe);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            catch (NpgsqlException) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(BuildConnectionString(MaintenanceDatabase, pooling: false));
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private bool IsStopped
    {
        get
        {
            lock (_stopGate)
            {
                return _stopped is not null;
            }
        }
    }

    /// <summary>Stops the server and deletes its folder, once; later calls return the first call's task.</summary>
    private Task StopAsync(ShutdownMode mode)
    {
        lock (_stopGate)
        {
            return _stopped ??= StopCoreAsync(mode);
        }
    }

    private async Task StopCoreAsync(ShutdownMode mode)
    {
        lock (s_liveGate)
        {
            s_liveServers.Remove(this);
        }

        if (_postmaster is { } postmaster)
        {
            await Postmaster.StopAsync(postmaster.ProcessId, postmaster.StartMarker, mode).ConfigureAwait(false);
        }
        else
        {
            await _folder.StopServerAsync(mode).ConfigureAwait(false);
        }

        try
        {
            _folder.Delete();
        }
        finally
        {
            // Reached only when this process lives on: the folder is gone or was refused, so the watcher has nothing left to do.
            CleanupWatcher.Stop(_watcher);

            // Idle pooled connections to the stopped server are broken: drop them so no later open gets one.
            _handedOutConnectionStrings.TryAdd(ConnectionString, 0);
            foreach (var connectionString in _handedOutConnectionStrings.Keys)
            {
                using var connection = new NpgsqlConnection(connectionString);
                NpgsqlConnection.ClearPool(connection);
            }
        }
    }
}
