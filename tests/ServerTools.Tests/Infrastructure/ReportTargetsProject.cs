using System.IO;
using ServerTools.Build.Reports;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// A project for real builds in tests that imports the repository's build/ServerTools.props and .targets, as NuGet imports
/// the package's, with the task assembly this test project references, run in a task host as the sample does.
/// </summary>
public static class ReportTargetsProject
{
    private static readonly string s_build = Path.Combine(BuildFacts.RepositoryRoot, "src", "Build", "ServerTools.Build", "build");

    /// <summary>
    /// Writes <c>{parent}/{name}/{name}.csproj</c> targeting net10.0, with <paramref name="items"/> (MSBuild item elements,
    /// such as project references), <paramref name="properties"/> (property elements) and <paramref name="source"/> as its
    /// one C# file; returns the project's path.
    /// </summary>
    public static string Write(string parent, string name, string source, string items = "", string properties = "")
    {
        var folder = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        var project = Path.Combine(folder, name + ".csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{s_build}/ServerTools.props" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ServerToolsBuildTasksAssembly>{typeof(ModuleReportJson).Assembly.Location}</ServerToolsBuildTasksAssembly>
                <ServerToolsBuildTasksInTaskHost>true</ServerToolsBuildTasksInTaskHost>
            {properties}  </PropertyGroup>
              <ItemGroup>
            {items}  </ItemGroup>
              <Import Project="{s_build}/ServerTools.targets" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Code.cs"), source);
        return project;
    }
}
