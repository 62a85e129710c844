using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace ServerTools.Testing;

/// <summary>What a path is, as <c>lstat</c> sees it: a symbolic link is described, never followed.</summary>
internal enum PathKind
{
    /// <summary>A real directory.</summary>
    Directory,

    /// <summary>A symbolic link, whatever it points at.</summary>
    SymbolicLink,

    /// <summary>A file, socket, device or pipe.</summary>
    Other,
}

/// <summary>The type, owner and permission bits of a path, read without following a symbolic link.</summary>
internal readonly record struct PathStatus(PathKind Kind, uint OwnerId, UnixFileMode Permissions);

/// <summary>
/// The owner and type of files, which .NET does not expose: <c>statx</c> on Linux (one layout on every
/// architecture) and <c>lstat</c> on macOS, both with the link itself described rather than its target.
/// </summary>
internal static class UnixFileSystem
{
    private const int CurrentDirectory = -100;   // AT_FDCWD
    private const int DoNotFollowLinks = 0x100;  // AT_SYMLINK_NOFOLLOW
    private const uint TypeModeAndOwner = 0x1 | 0x2 | 0x8;  // STATX_TYPE | STATX_MODE | STATX_UID
    private const int NoSuchFile = 2;            // ENOENT
    private const int NotADirectory = 20;        // ENOTDIR
    private const int TypeMask = 0xF000;         // S_IFMT
    private const int DirectoryType = 0x4000;    // S_IFDIR
    private const int LinkType = 0xA000;         // S_IFLNK
    private const int PermissionMask = 0xFFF;    // rwx for owner, group and others, setuid, setgid, sticky

    private static readonly Lock s_passwordDatabaseGate = new();

    /// <summary>The user this process acts as on files (its effective user id).</summary>
    public static uint EffectiveUserId => geteuid();

    /// <summary>Reads the status of <paramref name="path"/> itself (a link is not followed).</summary>
    /// <returns><see langword="false"/> when nothing is there.</returns>
    /// <exception cref="IOException">The status could not be read for another reason.</exception>
    public static bool TryGetStatus(string path, out PathStatus status)
    {
        int result;
        int mode;
        uint owner;
        if (OperatingSystem.IsMacOS())
        {
            result = RuntimeInformation.ProcessArchitecture == Architecture.X64
                ? lstat_x64(NativeString(path), out var macStatus)
                : lstat(NativeString(path), out macStatus);
            mode = macStatus.Mode;
            owner = macStatus.OwnerId;
        }
        else
        {
            result = statx(CurrentDirectory, NativeString(path), DoNotFollowLinks, TypeModeAndOwner, out var linuxStatus);
            mode = linuxStatus.Mode;
            owner = linuxStatus.OwnerId;
        }

        if (result != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            status = default;
            return error is NoSuchFile or NotADirectory
                ? false
                : throw new IOException($"The status of '{path}' could not be read: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
        }

        var kind = (mode & TypeMask) switch
        {
            DirectoryType => PathKind.Directory,
            LinkType => PathKind.SymbolicLink,
            _ => PathKind.Other,
        };
        status = new PathStatus(kind, owner, (UnixFileMode)(mode & PermissionMask));
        return true;
    }

    /// <summary>The id of a user account, or <see langword="null"/> when there is none of that name.</summary>
    public static uint? UserId(string userName)
    {
        lock (s_passwordDatabaseGate)
        {
            // struct passwd starts with pw_name and pw_passwd (two pointers), then pw_uid, on Linux and macOS alike.
            var entry = getpwnam(NativeString(userName));
            return entry == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
        }
    }

    private static byte[] NativeString(string text) => Encoding.UTF8.GetBytes(text + "\0");

    /// <summary>The start of <c>struct statx</c>, whose layout is the same on every Linux architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct LinuxStatus
    {
        [FieldOffset(20)]
        public uint OwnerId;

        [FieldOffset(28)]
        public ushort Mode;
    }

    /// <summary>The start of macOS's <c>struct stat</c> (64-bit inodes): st_dev, st_mode, st_nlink, st_ino, st_uid.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct MacStatus
    {
        [FieldOffset(4)]
        public ushort Mode;

        [FieldOffset(16)]
        public uint OwnerId;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks; these signatures need no marshalling (paths go as NUL-terminated UTF-8 bytes).
    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int statx(int directory, byte[] path, int flags, uint mask, out LinuxStatus status);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int lstat(byte[] path, out MacStatus status);

    [DllImport("libc", EntryPoint = "lstat$INODE64", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int lstat_x64(byte[] path, out MacStatus status);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint geteuid();

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr getpwnam(byte[] name);
#pragma warning restore SYSLIB1054
}
