using System;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Testing;

/// <summary>Finds the folder that holds the PostgreSQL server programs.</summary>
internal static class PostgresBinaries
{
    /// <summary>Where Debian and Ubuntu install each PostgreSQL major version (<c>/usr/lib/postgresql/15/bin</c>).</summary>
    public const string DebianVersionsRoot = "/usr/lib/postgresql";

    /// <summary>How to fix a missing installation; part of every <see cref="PostgresNotInstalledException"/>.</summary>
    public const string InstallHint =
        "Install the PostgreSQL server with 'sudo apt-get install postgresql' (Debian/Ubuntu; 'dnf install postgresql-server' "
        + "on Fedora, 'brew install postgresql' on macOS), or point ServerTools.Testing at the folder that holds initdb and pg_ctl "
        + "with PostgresServerOptions.BinDirectory or the " + PostgresServerOptions.BinDirectoryVariable + " environment variable.";

    private static readonly string[] s_requiredPrograms = ["initdb", "pg_ctl"];

    /// <summary>Searches this machine: the option, the environment variable, pg_config, the PATH, then /usr/lib/postgresql.</summary>
    public static Task<string> LocateAsync(string? configuredDirectory, CancellationToken cancellationToken) =>
        LocateAsync(
            configuredDirectory,
            Environment.GetEnvironmentVariable(PostgresServerOptions.BinDirectoryVariable),
            PgConfigBinDirectoryAsync,
            Environment.GetEnvironmentVariable("PATH"),
            DebianVersionsRoot,
            cancellationToken);

    /// <summary>Searches the given candidates in order and returns the first folder that holds initdb and pg_ctl.</summary>
    /// <exception cref="PostgresNotInstalledException">No candidate holds the programs, or an explicitly configured folder does not.</exception>
    internal static async Task<string> LocateAsync(
        string? configuredDirectory,
        string? environmentDirectory,
        Func<CancellationToken, Task<string?>> pgConfigBinDirectory,
        string? pathVariable,
        string versionsRoot,
        CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(configuredDirectory))
        {
            return RequirePrograms(configuredDirectory, "PostgresServerOptions.BinDirectory");
        }

        if (!string.IsNullOrWhiteSpace(environmentDirectory))
        {
            return RequirePrograms(environmentDirectory, "The " + PostgresServerOptions.BinDirectoryVariable + " environment variable");
        }

        var fromPgConfig = await pgConfigBinDirectory(cancellationToken).ConfigureAwait(false);
        if (HasPrograms(fromPgConfig))
        {
            return Path.GetFullPath(fromPgConfig!);
        }

        var fromPath = FindOnPath(pathVariable);
        if (fromPath is not null)
        {
            return fromPath;
        }

        var fromVersions = FindHighestVersion(versionsRoot);
        if (fromVersions is not null)
        {
            return fromVersions;
        }

        throw new PostgresNotInstalledException(
            "PostgreSQL server programs (initdb, pg_ctl) were not found: not in the " + PostgresServerOptions.BinDirectoryVariable
            + " environment variable, not from 'pg_config --bindir', not on the PATH and not under " + versionsRoot + "/*/bin. "
            + InstallHint);
    }

    private static string RequirePrograms(string directory, string source)
    {
        if (HasPrograms(directory))
        {
            return Path.GetFullPath(directory);
        }

        throw new PostgresNotInstalledException(
            $"{source} names '{directory}', which does not hold initdb and pg_ctl. {InstallHint}");
    }

    private static bool HasPrograms(string? directory) =>
        !string.IsNullOrWhiteSpace(directory)
        && s_requiredPrograms.All(program => File.Exists(Path.Combine(directory, program)));

    private static string? FindOnPath(string? pathVariable)
    {
        if (string.IsNullOrEmpty(pathVariable))
        {
            return null;
        }

        foreach (var entry in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(entry, "initdb");
            if (!File.Exists(candidate))
            {
                continue;
            }

            // Distributions link initdb into a PATH folder; the other programs sit beside the link's target.
            var target = File.ResolveLinkTarget(candidate, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(candidate);
            var directory = Path.GetDirectoryName(target);
            if (HasPrograms(directory))
            {
                return directory;
            }
        }

        return null;
    }

    private static string? FindHighestVersion(string versionsRoot)
    {
        if (!Directory.Exists(versionsRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(versionsRoot)
            .Select(directory => (Directory: Path.Combine(directory, "bin"), Version: ParseVersion(Path.GetFileName(directory))))
            .Where(candidate => candidate.Version is not null && HasPrograms(candidate.Directory))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Directory)
            .FirstOrDefault();
    }

    private static Version? ParseVersion(string name)
    {
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return new Version(major, 0);
        }

        return Version.TryParse(name, out var version) ? version : null;
    }

    private static async Task<string?> PgConfigBinDirectoryAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await ProcessRunner.RunAsync("pg_config", ["--bindir"], null, cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? result.Output : null;
        }
        catch (Win32Exception)
        {
            // pg_config is not installed (Debian ships it in libpq-dev); the other candidates remain.
            return null;
        }
    }
}
