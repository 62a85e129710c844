using System.Text.RegularExpressions;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>
/// The ways user code marks a declaration obsolete or experimental, for the tests that generated code which names such a
/// declaration compiles without a diagnostic of its own.
/// </summary>
public static partial class ObsoleteMarks
{
    /// <summary>The marks that warn (or, for <c>[Experimental]</c>, fail) where code uses the declaration: a pragma can silence each.</summary>
    public static readonly string[] Suppressible =
    [
        "[System.Obsolete]",
        "[System.Obsolete(\"Use the new one.\")]",
        "[System.Obsolete(\"Use the new one.\", DiagnosticId = \"X123\", UrlFormat = \"https://example.com/{0}\")]",
        "[System.Diagnostics.CodeAnalysis.Experimental(\"X124\")]",
    ];

    /// <summary>Obsolete as an error: a use outside an obsolete context is error CS0619, which no pragma silences.</summary>
    public const string Error = "[System.Obsolete(\"Gone.\", true)]";

    /// <summary>Every pair of a place (a <c>$PLACE$</c> of a template) and a mark of <see cref="Suppressible"/>.</summary>
    public static TheoryData<string, string> Cases(params string[] places)
    {
        var data = new TheoryData<string, string>();
        foreach (var place in places)
        {
            foreach (var mark in Suppressible)
            {
                data.Add(place, mark);
            }
        }

        return data;
    }

    /// <summary><paramref name="template"/> with <paramref name="mark"/> at <c>$<paramref name="place"/>$</c> and nothing at its other places.</summary>
    public static string Apply(string template, string place, string mark)
        => Place().Replace(template, match => match.Groups[1].Value == place ? mark : "");

    [GeneratedRegex(@"\$([A-Z]+)\$")]
    private static partial Regex Place();
}
