namespace ServerTools.Build.Lines;

/// <summary>The comment syntax a file is read with (several for <see cref="LineKind.Other"/>).</summary>
internal enum Syntax
{
    /// <summary>No comments: every line with text is code.</summary>
    None,

    /// <summary>C#: <see cref="CSharpLineScanner"/>.</summary>
    CSharp,

    /// <summary>Razor: <see cref="DelimitedLineScanner.Razor"/>.</summary>
    Razor,

    /// <summary>JSON with comments: <see cref="DelimitedLineScanner.Json"/>.</summary>
    Json,

    /// <summary>PostgreSQL: <see cref="DelimitedLineScanner.Sql"/>.</summary>
    Sql,

    /// <summary>XML and HTML: <see cref="DelimitedLineScanner.Markup"/>.</summary>
    Markup,

    /// <summary>JavaScript and TypeScript: <see cref="ScriptLineScanner"/>.</summary>
    Script,

    /// <summary>CSS: <see cref="DelimitedLineScanner.Css"/>.</summary>
    Css,

    /// <summary>Sass, Less, Protocol Buffers: <see cref="DelimitedLineScanner.CStyle"/>.</summary>
    CStyle,

    /// <summary>HTTP request files: <see cref="LineStartScanner.Http"/>.</summary>
    Http,

    /// <summary>Dockerfiles: <see cref="LineStartScanner.Dockerfile"/>.</summary>
    Dockerfile,

    /// <summary>Windows batch files: <see cref="LineStartScanner.Batch"/>.</summary>
    Batch,
}
