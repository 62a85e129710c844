using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;

namespace ServerTools.Testing;

/// <summary>
/// Keeps the folders that ServerTools.Testing deletes out of other users' reach. Whoever can change what is
/// in the root folder can replace a server's folder with a link, and a cleanup that follows it deletes the
/// link's target: so the root is private to this user, and a folder that is a link, another user's or
/// writable by others is neither used nor entered.
/// </summary>
internal static class FolderSafety
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // --x for group and others: the postgres user (when this process is root) may pass through, not list or write.
    private const UnixFileMode OwnerAndPassThrough = OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static readonly Lazy<uint[]> s_serverFolderOwners = new(ServerFolderOwners);

    /// <summary>The mode of a server's own folder: its owner only.</summary>
    public static UnixFileMode ServerFolderMode => OwnerOnly;

    /// <summary>
    /// Who may own a server's folder: this process's user, and the postgres user when this process is root
    /// (the folder is given to it after it is created).
    /// </summary>
    public static IReadOnlyCollection<uint> ServerFolderOwnerIds => s_serverFolderOwners.Value;

    /// <summary>
    /// Creates the root folder, private to this process's user (0700; 0711 when this process is root, so that the
    /// postgres user can reach its server folders), or checks the one that is there.
    /// </summary>
    /// <exception cref="PostgresStartException">The folder is a link, another user's, or writable by others.</exception>
    [UnsupportedOSPlatform("windows")]
    public static void PrepareRoot(string root)
    {
        var mode = ProcessRunner.RunsAsPostgresUser ? OwnerAndPassThrough : OwnerOnly;
        var existed = UnixFileSystem.TryGetStatus(root, out _);
        if (!existed)
        {
            Directory.CreateDirectory(root, mode);
        }

        if (!UnixFileSystem.TryGetStatus(root, out var status))
        {
            throw new PostgresStartException($"The root folder '{root}' was removed while it was being created; start again.");
        }

        if (FindProblem(root, status, [UnixFileSystem.EffectiveUserId]) is { } problem)
        {
            throw new PostgresStartException(
                $"ServerTools.Testing will not use the root folder '{root}': {problem}. Whoever can change what is in it can replace "
                + "a server's folder with a link and make the cleanup delete the files the link points at. Delete it (as its owner "
                + $"or as root: rm -rf '{root}') so that it is created again, private to you, or set PostgresServerOptions.RootDirectory "
                + "to a folder that only you can write to.");
        }

        if (!existed)
        {
            // The umask may have taken the pass-through bits that the postgres user needs.
            File.SetUnixFileMode(root, mode);
        }
    }

    /// <summary>
    /// Why the folder at <paramref name="path"/> must not be used or entered, or <see langword="null"/> when it is a
    /// real folder, owned by one of <paramref name="owners"/> and writable by its owner only.
    /// </summary>
    public static string? FindProblem(string path, PathStatus status, IReadOnlyCollection<uint> owners)
    {
        var writableByOthers = status.Permissions & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        return status.Kind switch
        {
            PathKind.SymbolicLink => $"it is a symbolic link (to '{new FileInfo(path).LinkTarget}'), not a folder",
            PathKind.Other => "it is not a folder",
            _ when !owners.Contains(status.OwnerId) =>
                string.Create(CultureInfo.InvariantCulture, $"it belongs to the user with id {status.OwnerId}, not to {DescribeOwners(owners)}"),
            _ when writableByOthers != 0 =>
                $"{(writableByOthers == UnixFileMode.GroupWrite ? "its group" : "other users")} can write to it (mode {Octal(status.Permissions)})",
            _ => null,
        };
    }

    private static string DescribeOwners(IReadOnlyCollection<uint> owners) =>
        owners.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"this process's user (id {owners.First()})")
            : "the user with id " + string.Join(" or ", owners.Select(owner => owner.ToString(CultureInfo.InvariantCulture)));

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static uint[] ServerFolderOwners()
    {
        var self = UnixFileSystem.EffectiveUserId;
        return ProcessRunner.RunsAsPostgresUser && UnixFileSystem.UserId(ProcessRunner.PostgresUser) is { } postgres
            ? [self, postgres]
            : [self];
    }
}
