using System;
using System.IO;
using System.Reflection;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>The repository this test assembly was built from (set by the project file).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class RepositoryRootAttribute(string path) : Attribute
{
    public string Path { get; } = path;
}

/// <summary>
/// Paths of files in the repository, for tests that read or write beside their sources (golden files,
/// docs). A CI build (<c>ContinuousIntegrationBuild</c>) maps the source root to <c>/_/</c> in
/// <c>[CallerFilePath]</c>, so caller paths are mapped back here rather than trusted.
/// </summary>
public static class RepositoryPaths
{
    private const string MappedRoot = "/_/";

    /// <summary>The repository root, as recorded by the project file at build time.</summary>
    public static string Root { get; } =
        typeof(RepositoryPaths).Assembly.GetCustomAttribute<RepositoryRootAttribute>()?.Path
        ?? throw new InvalidOperationException("The test assembly has no RepositoryRoot attribute; see ServerTools.CompileTime.Tests.csproj.");

    /// <summary>The real path of a source file given by <c>[CallerFilePath]</c>, mapped or not.</summary>
    public static string FromCallerPath(string callerFilePath)
    {
        if (callerFilePath.StartsWith(MappedRoot, StringComparison.Ordinal))
        {
            return Path.Combine(Root, callerFilePath.Substring(MappedRoot.Length).Replace('/', Path.DirectorySeparatorChar));
        }

        return callerFilePath;
    }
}
