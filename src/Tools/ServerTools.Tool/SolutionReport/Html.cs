using System.Text;

namespace ServerTools.Tool.SolutionReport;

/// <summary>HTML escaping for text and attribute values (also inside inline SVG).</summary>
internal static class Html
{
    /// <summary>Escapes <c>&amp; &lt; &gt; " '</c>, so the value is text in an element and in a quoted attribute.</summary>
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var character in value)
        {
            escaped.Append(character switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => character.ToString(),
            });
        }

        return escaped.ToString();
    }
}
