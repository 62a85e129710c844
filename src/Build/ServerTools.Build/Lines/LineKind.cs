namespace ServerTools.Build.Lines;

/// <summary>The kinds of files the report counts lines of, in report order.</summary>
public enum LineKind
{
    /// <summary><c>.cs</c> files.</summary>
    CSharp,

    /// <summary><c>.razor</c> and <c>.cshtml</c> files.</summary>
    Razor,

    /// <summary><c>.json</c> files (JSONC comments allowed).</summary>
    Json,

    /// <summary><c>.sql</c> files.</summary>
    Sql,

    /// <summary>Other text files of the project (project files, XML, YAML, Markdown, scripts, styles).</summary>
    Other,
}
