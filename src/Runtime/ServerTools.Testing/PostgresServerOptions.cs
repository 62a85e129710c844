using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace ServerTools.Testing;

/// <summary>
/// Options for <see cref="PostgresServer.StartAsync(PostgresServerOptions?, System.Threading.CancellationToken)"/>.
/// </summary>
public sealed class PostgresServerOptions
{
    /// <summary>
    /// The environment variable that names the folder holding <c>initdb</c> and <c>pg_ctl</c>
    /// when <see cref="BinDirectory"/> is not set.
    /// </summary>
    public const string BinDirectoryVariable = "SERVERTOOLS_PG_BIN";

    /// <summary>
    /// The folder holding the PostgreSQL server programs (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>),
    /// for example <c>/usr/lib/postgresql/15/bin</c>. When <see langword="null"/>, the folder is taken from
    /// the <c>SERVERTOOLS_PG_BIN</c> environment variable, then <c>pg_config --bindir</c>, then <c>initdb</c>
    /// on the PATH, then the highest version under <c>/usr/lib/postgresql</c>.
    /// </summary>
    public string? BinDirectory { get; set; }

    /// <summary>
    /// The folder under which each server gets its own folder (data directory, log and owner file).
    /// Defaults to <c>servertools-postgres-&lt;uid&gt;</c> (this user's id) in <see cref="Path.GetTempPath"/>.
    /// It is created private to this user; an existing one that is a symbolic link, belongs to another user or
    /// that others can write to is refused. Folders left there by processes that no longer run are removed
    /// whenever a server starts.
    /// </summary>
    public string? RootDirectory { get; set; }

    /// <summary>
    /// How long a start may take, from <c>initdb</c> until the server accepts connections. Defaults to 60 seconds.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Extra <c>postgresql.conf</c> settings, such as <c>["max_connections"] = "200"</c>. They are written
    /// after the defaults (listen on 127.0.0.1 only, no unix sockets, <c>fsync</c>,
    /// <c>synchronous_commit</c> and <c>full_page_writes</c> off), so they override them.
    /// </summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The process recorded as the owner of the server's folder; the current process when <see langword="null"/>.
    /// Tests use it to simulate a crashed run.
    /// </summary>
    internal int? OwnerProcessId { get; set; }

    /// <summary>
    /// Whether a watcher process removes the server's folder once its owner process has ended (see
    /// <see cref="CleanupWatcher"/>). Tests turn it off to leave a crashed run's folder to the next start.
    /// </summary>
    internal bool WatchOwner { get; set; } = true;

    /// <summary>Picks the port of each start attempt; a free loopback port when <see langword="null"/>.</summary>
    internal Func<int>? PortPicker { get; set; }

    /// <summary>The default root folder's name: one per user, so that no user works in a folder another user made.</summary>
    internal static string DefaultRootDirectoryName =>
        string.Create(CultureInfo.InvariantCulture, $"servertools-postgres-{UnixFileSystem.EffectiveUserId}");

    internal string ResolveRootDirectory() =>
        Path.GetFullPath(RootDirectory ?? Path.Combine(Path.GetTempPath(), DefaultRootDirectoryName));
}
