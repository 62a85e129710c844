using System;
using System.IO;

namespace ServerTools.Testing.Tests;

/// <summary>Finding <c>runuser</c> when this process is root, on fake folders.</summary>
public sealed class RunuserTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("servertools-runuser-").FullName;

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    [Fact]
    public void RunuserOutsidePathIsFoundInTheSbinFolders()
    {
        var onPath = Folder("path");
        var sbin = FakeRunuser("sbin");

        Assert.Equal(Path.Combine(sbin, "runuser"), ProcessRunner.FindRunuser(onPath, [Folder("usr-sbin"), sbin]));
    }

    [Fact]
    public void RunuserOnPathComesFirst()
    {
        var onPath = FakeRunuser("path");
        var sbin = FakeRunuser("sbin");

        Assert.Equal(Path.Combine(onPath, "runuser"), ProcessRunner.FindRunuser($"{Folder("other")}{Path.PathSeparator}{onPath}", [sbin]));
    }

    [Fact]
    public void MissingRunuserSaysWhyItIsNeededAndWhatToInstall()
    {
        var sbin = Folder("sbin");

        var exception = Assert.Throws<PostgresStartException>(() => ProcessRunner.FindRunuser(Folder("path"), [sbin]));

        Assert.Contains("refuses to run as root", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"neither on PATH nor in {sbin}", exception.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install util-linux", exception.Message, StringComparison.Ordinal);
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_sandbox, name)).FullName;

    private string FakeRunuser(string name)
    {
        var folder = Folder(name);
        File.WriteAllText(Path.Combine(folder, "runuser"), "");
        return folder;
    }
}
