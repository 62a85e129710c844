namespace ServerTools.Build.Lines;

/// <summary>Files and their lines, split into code, comment and blank lines.</summary>
/// <param name="Files">The number of files.</param>
/// <param name="Code">Lines with code (a line with code and a comment is code).</param>
/// <param name="Comment">Lines with only comments.</param>
/// <param name="Blank">Lines with only whitespace.</param>
public sealed record LineCount(int Files, int Code, int Comment, int Blank)
{
    /// <summary>No files.</summary>
    public static LineCount Zero { get; } = new(0, 0, 0, 0);

    /// <summary>All lines.</summary>
    public int Total => Code + Comment + Blank;

    /// <summary>The sum of this count and <paramref name="other"/>.</summary>
    public LineCount Add(LineCount other) => new(Files + other.Files, Code + other.Code, Comment + other.Comment, Blank + other.Blank);
}
