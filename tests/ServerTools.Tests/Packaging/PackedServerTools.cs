using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Packaging;

/// <summary>
/// The ServerTools package, packed once for a test class (from the build's outputs, <c>dotnet pack --no-build</c>) into a
/// private feed with a version of its own, and the folder its consumers are written to. Disposing deletes both and drops
/// that version from the NuGet cache, so that runs do not pile up there.
/// </summary>
public sealed class PackedServerTools : IAsyncLifetime
{
    /// <summary>How long one dotnet command (pack, restore, build, run) may take.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The temporary folder that holds the feed and the consumer projects.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("servertools-package-").FullName;

    /// <summary>The package's version, unique to this run.</summary>
    public string Version { get; } = "0.1.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    /// <summary>The folder the package was packed to, the consumers' first package source.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The packed .nupkg file.</summary>
    public string Package => Path.Combine(Feed, $"ServerTools.{Version}.nupkg");

    /// <inheritdoc />
    public async Task InitializeAsync() => (await Command.RunAsync(
        "dotnet",
        ["pack", Path.Combine(BuildFacts.RepositoryRoot, "src", "Runtime", "ServerTools.Runtime", "ServerTools.Runtime.csproj"),
         "--no-build", "-c", BuildFacts.Configuration, "-o", Feed, $"-p:Version={Version}",

         // The nuspec goes with the feed, not into the repository's obj folder, where every run left one.
         $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}{Path.DirectorySeparatorChar}"],
        Root,
        CommandTimeout)).Succeeded();

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        var cached = Path.Combine(
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "servertools", Version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Writes a project folder under <see cref="Root"/> with a nuget.config whose sources are the feed and nuget.org, and
    /// a project file that references this package with <paramref name="properties"/> (TargetFramework and the like).
    /// </summary>
    public string WriteConsumer(string name, string properties)
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
            {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ServerTools" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        return directory;
    }
}
