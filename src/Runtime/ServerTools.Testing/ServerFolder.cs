using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Testing;

/// <summary>
/// One server's folder under the root directory: the owner file (the creating process's id and start
/// time), the data directory and the server log. A folder whose owner no longer runs was left by a
/// crashed run, and an old one without an owner file by a deletion cut short; <see cref="RemoveStaleAsync"/>
/// stops its server and deletes it.
/// </summary>
internal sealed class ServerFolder
{
    private const string OwnerFileName = "owner";

    private ServerFolder(string path)
    {
        Path = path;
    }

    /// <summary>The folder itself.</summary>
    public string Path { get; }

    /// <summary>The PostgreSQL data directory (PGDATA), created by initdb.</summary>
    public string DataDirectory => System.IO.Path.Combine(Path, "data");

    /// <summary>The server log that pg_ctl writes.</summary>
    public string LogFile => System.IO.Path.Combine(Path, "postgres.log");

    private string PostmasterPidFile => System.IO.Path.Combine(DataDirectory, "postmaster.pid");

    /// <summary>
    /// Creates a uniquely named folder (0700) owned by <paramref name="ownerProcessId"/> in the checked root folder
    /// (see <see cref="FolderSafety.PrepareRoot"/>), and hands it to the postgres user when this process is root.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    public static async Task<ServerFolder> CreateAsync(string root, int ownerProcessId, CancellationToken cancellationToken)
    {
        if (!ProcessIdentity.TryGetStartMarker(ownerProcessId, out var startMarker))
        {
            throw new ArgumentException($"The owner process {ownerProcessId} does not run.", nameof(ownerProcessId));
        }

        var folder = new ServerFolder(System.IO.Path.Combine(
            root, string.Create(CultureInfo.InvariantCulture, $"{ownerProcessId}-{Guid.NewGuid():N}")[..24]));
        Directory.CreateDirectory(folder.Path, FolderSafety.ServerFolderMode);

        // Until this file exists other processes leave the folder alone (see RemoveStaleAsync).
        await File.WriteAllTextAsync(
            System.IO.Path.Combine(folder.Path, OwnerFileName),
            string.Create(CultureInfo.InvariantCulture, $"pid={ownerProcessId}\nstart={startMarker}\n"),
            cancellationToken).ConfigureAwait(false);

        try
        {
            await GiveToPostgresUserAsync(folder.Path, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            folder.Delete();
            throw;
        }

        return folder;
    }

    /// <summary>
    /// Writes a file that only the server's user can read (0600), such as initdb's password file, and returns its path.
    /// The file must not exist yet; delete it as soon as it has been read.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    public async Task<string> WritePrivateFileAsync(string name, string content, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(Path, name);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false);
        }

        await GiveToPostgresUserAsync(path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>
    /// How long a folder without a readable owner file is left alone. Such a folder is either being created (its owner
    /// file follows within microseconds) or being deleted (the owner file goes last), or it is what a deletion cut short
    /// left; one untouched for this long is the last kind.
    /// </summary>
    public static TimeSpan OwnerlessFolderAge { get; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Stops the servers and deletes the folders under <paramref name="root"/> whose owner process no longer runs,
    /// and the folders without an owner file, from which no server runs, whose last change is older than
    /// <see cref="OwnerlessFolderAge"/>. Folders whose owner runs, or whose owner file cannot be read, are never touched.
    /// </summary>
    public static async Task RemoveStaleAsync(string root)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(root))
        {
            // A link, a file, another user's folder or one that others can write to is not a server folder: never enter it.
            if (!UnixFileSystem.TryGetStatus(path, out var status)
                || FolderSafety.FindProblem(path, status, FolderSafety.ServerFolderOwnerIds) is not null)
            {
                continue;
            }

            var folder = new ServerFolder(path);
            // Ownerless is only a folder with no owner file (a start cut off before writing it, a deletion cut off after
            // removing it): one that cannot be read now (too many open files, a permission being changed) is left alone, and
            // so is any folder a server still runs from.
            var inUse = folder.TryReadOwner(out var processId, out var startMarker)
                ? ProcessIdentity.IsAlive(processId, startMarker)
                : File.Exists(System.IO.Path.Combine(path, OwnerFileName))
                    || DateTime.UtcNow - Directory.GetLastWriteTimeUtc(path) < OwnerlessFolderAge
                    || folder.FindPostmaster() is not null;
            if (inUse)
            {
                continue;
            }

            try
            {
                if (await folder.StopServerAsync(ShutdownMode.Immediate).ConfigureAwait(false))
                {
                    folder.Delete();
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another process is removing it too, or it belongs to another user; a later start retries.
            }
        }
    }

    /// <summary>Stops the server running from this folder, if any.</summary>
    /// <returns><see langword="false"/> when a server runs from it that this process may not stop.</returns>
    public Task<bool> StopServerAsync(ShutdownMode mode) =>
        FindPostmaster() is { } postmaster
            ? Postmaster.StopAsync(postmaster.ProcessId, postmaster.StartMarker, mode)
            : Task.FromResult(true);

    /// <summary>
    /// The postmaster that runs from this folder's data directory, or <see langword="null"/> when none does (a
    /// <c>postmaster.pid</c> left by a server that is gone may name a process id that now belongs to another process).
    /// </summary>
    public (int ProcessId, string? StartMarker)? FindPostmaster() =>
        ReadPostmasterProcessId() is { } processId
        && ProcessIdentity.TryGetStartMarker(processId, out var startMarker)
        && Postmaster.Serves(processId, DataDirectory)
            ? (processId, startMarker)
            : null;

    /// <summary>The id of the postmaster named in <c>postmaster.pid</c>, or <see langword="null"/> when none is recorded.</summary>
    private int? ReadPostmasterProcessId()
    {
        try
        {
            var firstLine = File.ReadLines(PostmasterPidFile).FirstOrDefault();
            return int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var processId) ? processId : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The last lines of the server log, or a note that there is none.</summary>
    public string ReadLogTail(long fromOffset = 0, int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(fromOffset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return text.Length == 0 ? "(the server log is empty)" : string.Join('\n', text.TakeLast(lines));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "(no server log)";
        }
    }

    /// <summary>The current length of the server log, so that a later read can start after it.</summary>
    public long LogLength() => File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;

    /// <summary>
    /// Deletes the folder, its owner file last: a deletion cut short (the process killed as it exits) leaves
    /// a folder that still names its dead owner, so the next start removes the rest. A folder already gone is fine.
    /// Links inside it are deleted, never followed.
    /// </summary>
    /// <exception cref="IOException">
    /// The folder is no longer the private folder this process created: a symbolic link (the link is deleted, not
    /// what it points at), another user's folder, or writable by others (it is left as it is).
    /// </exception>
    public void Delete()
    {
        if (!UnixFileSystem.TryGetStatus(Path, out var status))
        {
            return;
        }

        if (FolderSafety.FindProblem(Path, status, FolderSafety.ServerFolderOwnerIds) is { } problem)
        {
            var outcome = "It was left as it is";
            if (status.Kind == PathKind.SymbolicLink)
            {
                File.Delete(Path);
                outcome = "The link was deleted; what it points at was not touched";
            }

            throw new IOException(
                $"The server folder '{Path}' was not deleted: {problem}. ServerTools.Testing created it as a private folder, so "
                + $"someone changed it since. {outcome}. Check who can write to '{System.IO.Path.GetDirectoryName(Path)}'.");
        }

        var ownerFile = System.IO.Path.Combine(Path, OwnerFileName);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo directory)
                    {
                        // A link to a folder is a DirectoryInfo too: Delete removes the link, not the folder.
                        directory.Delete(recursive: true);
                    }
                    else if (entry.FullName != ownerFile)
                    {
                        entry.Delete();
                    }
                }

                File.Delete(ownerFile);
                Directory.Delete(Path);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 10)
            {
                // A server that just stopped may still be closing files.
                Thread.Sleep(20 * attempt);
            }
        }
    }

    private bool TryReadOwner(out int processId, out string? startMarker)
    {
        processId = 0;
        startMarker = null;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(System.IO.Path.Combine(Path, OwnerFileName));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        foreach (var line in lines)
        {
            if (line.StartsWith("pid=", StringComparison.Ordinal))
            {
                _ = int.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out processId);
            }
            else if (line.StartsWith("start=", StringComparison.Ordinal) && line.Length > 6)
            {
                startMarker = line[6..];
            }
        }

        return processId > 0;
    }

    /// <summary>Gives a file or folder to the postgres user when this process is root, so that the server programs can use it.</summary>
    private static async Task GiveToPostgresUserAsync(string path, CancellationToken cancellationToken)
    {
        if (!ProcessRunner.RunsAsPostgresUser)
        {
            return;
        }

        var chown = await ProcessRunner.RunAsync(
            "chown", [ProcessRunner.PostgresUser + ":", path], null, cancellationToken).ConfigureAwait(false);
        if (!chown.Succeeded)
        {
            throw new PostgresStartException(
                $"This process runs as root, so the server runs as the '{ProcessRunner.PostgresUser}' system user, "
                + $"but '{path}' could not be given to that user (the postgresql package creates it): {chown.Output}");
        }
    }
}
