using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Testing.Tests;

/// <summary>Finding initdb and pg_ctl, on fake folders, so that no test needs PostgreSQL uninstalled.</summary>
public sealed class PostgresBinariesTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("servertools-binaries-").FullName;

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    [Fact]
    public async Task MissingInstallationIsReportedWithThePackageToInstall()
    {
        var exception = await Assert.ThrowsAsync<PostgresNotInstalledException>(
            () => Locate(pathVariable: Path.Combine(_sandbox, "empty-path")));

        Assert.Contains("apt-get install postgresql", exception.Message, StringComparison.Ordinal);
        Assert.Contains("PostgresServerOptions.BinDirectory", exception.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresServerOptions.BinDirectoryVariable, exception.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_sandbox, "versions"), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredFolderWithoutTheProgramsIsReportedByName()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_sandbox, "empty")).FullName;
        var installed = FakeBinDirectory("versions", "15", "bin");

        var fromOption = await Assert.ThrowsAsync<PostgresNotInstalledException>(() => Locate(configured: empty));
        var fromVariable = await Assert.ThrowsAsync<PostgresNotInstalledException>(() => Locate(environment: empty));

        Assert.Contains($"PostgresServerOptions.BinDirectory names '{empty}'", fromOption.Message, StringComparison.Ordinal);
        Assert.Contains($"{PostgresServerOptions.BinDirectoryVariable} environment variable names '{empty}'", fromVariable.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", fromVariable.Message, StringComparison.Ordinal);
        Assert.Equal(installed, await Locate());
    }

    [Fact]
    public async Task CandidatesAreTriedInOrderOptionVariablePgConfigPathThenHighestVersion()
    {
        var configured = FakeBinDirectory("configured");
        var environment = FakeBinDirectory("environment");
        var pgConfig = FakeBinDirectory("pg-config");
        var linked = FakeBinDirectory("linked");
        var pathFolder = Directory.CreateDirectory(Path.Combine(_sandbox, "path")).FullName;
        File.CreateSymbolicLink(Path.Combine(pathFolder, "initdb"), Path.Combine(linked, "initdb"));
        FakeBinDirectory("versions", "9.6", "bin");
        var highest = FakeBinDirectory("versions", "16", "bin");
        FakeBinDirectory("versions", "15", "bin");
        Directory.CreateDirectory(Path.Combine(_sandbox, "versions", "17", "bin"));

        Assert.Equal(configured, await Locate(configured, environment, pgConfig, pathFolder));
        Assert.Equal(environment, await Locate(null, environment, pgConfig, pathFolder));
        Assert.Equal(pgConfig, await Locate(null, null, pgConfig, pathFolder));
        Assert.Equal(linked, await Locate(null, null, Path.Combine(_sandbox, "missing"), pathFolder));
        Assert.Equal(highest, await Locate(null, null, null, Path.Combine(_sandbox, "empty-path")));
    }

    private Task<string> Locate(string? configured = null, string? environment = null, string? pgConfig = null, string? pathVariable = null) =>
        PostgresBinaries.LocateAsync(
            configured, environment, _ => Task.FromResult(pgConfig), pathVariable, Path.Combine(_sandbox, "versions"), CancellationToken.None);

    private string FakeBinDirectory(params string[] parts)
    {
        var directory = Directory.CreateDirectory(Path.Combine([_sandbox, .. parts])).FullName;
        File.WriteAllText(Path.Combine(directory, "initdb"), string.Empty);
        File.WriteAllText(Path.Combine(directory, "pg_ctl"), string.Empty);
        return directory;
    }
}
