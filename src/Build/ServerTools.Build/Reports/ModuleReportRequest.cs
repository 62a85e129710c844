using System.Collections.Generic;
using ServerTools.Build.References;

namespace ServerTools.Build.Reports;

/// <summary>What the build knows about a project that the report is made from.</summary>
public sealed class ModuleReportRequest
{
    /// <summary>The full path of the project file.</summary>
    public string ProjectFile { get; set; } = "";

    /// <summary>The assembly name.</summary>
    public string Module { get; set; } = "";

    /// <summary>The target framework.</summary>
    public string TargetFramework { get; set; } = "";

    /// <summary>The build configuration (Debug, Release...).</summary>
    public string Configuration { get; set; } = "";

    /// <summary>
    /// The build's preprocessing symbols (<c>DefineConstants</c>: separated by <c>;</c> or <c>,</c>), so that the C# text
    /// of a section the compile leaves out is not read for comments; null when unknown.
    /// </summary>
    public string? DefineConstants { get; set; }

    /// <summary>The project's files (Compile, Content, None, EmbeddedResource...), relative to the project folder or full.</summary>
    public IReadOnlyList<string> Files { get; set; } = [];

    /// <summary>Folders never counted: output, intermediate and artifacts folders.</summary>
    public IReadOnlyList<string> ExcludedDirectories { get; set; } = [];

    /// <summary>The user's exclusion globs.</summary>
    public IReadOnlyList<string> ExcludeGlobs { get; set; } = [];

    /// <summary>The compiler's error log as the ErrorLog property gives it (<c>path</c> or <c>path,version=2.1</c>).</summary>
    public string ErrorLog { get; set; } = "";

    /// <summary>
    /// True when the error log is ServerTools' own (the project sets no ErrorLog): one that cannot be read (two compiles
    /// of the project at once write it together) is deleted, and since it is an output of the compile, the next build
    /// compiles again and writes the report whole; a project's own ErrorLog is left alone.
    /// </summary>
    public bool DeleteUnreadableErrorLog { get; set; }

    /// <summary>The resolved references.</summary>
    public IReadOnlyList<ReferenceItem> References { get; set; } = [];
}

/// <summary>A problem met while making the report: logged as a build warning, never failing the build.</summary>
/// <param name="Code">The warning code (STB001...).</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="File">The file concerned, if any.</param>
public sealed record ReportProblem(string Code, string Message, string? File);
