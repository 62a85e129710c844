using System;
using System.Reflection;

namespace ServerTools.Tests.Infrastructure;

/// <summary>The repository this test assembly was built from (set by the project file).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class RepositoryRootAttribute(string path) : Attribute
{
    public string Path { get; } = path;
}

/// <summary>The build configuration of this test assembly (set by the project file).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class BuildConfigurationAttribute(string configuration) : Attribute
{
    public string Configuration { get; } = configuration;
}

public static class BuildFacts
{
    private static readonly Assembly s_assembly = typeof(BuildFacts).Assembly;

    public static string RepositoryRoot { get; } = s_assembly.GetCustomAttribute<RepositoryRootAttribute>()!.Path;

    public static string Configuration { get; } = s_assembly.GetCustomAttribute<BuildConfigurationAttribute>()!.Configuration;
}
