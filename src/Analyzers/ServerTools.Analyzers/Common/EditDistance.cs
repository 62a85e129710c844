using System;

namespace ServerTools.Analyzers.Common;

/// <summary>How far apart two names are, to suggest the member a misspelt name meant (ST2002, ST3001, ST5010).</summary>
internal static class EditDistance
{
    /// <summary>The Levenshtein distance of <paramref name="a"/> and <paramref name="b"/>, ignoring case.</summary>
    public static int Of(string a, string b) => Of(a, b, transpositions: false);

    /// <summary>
    /// The edits, ignoring case, that turn <paramref name="a"/> into <paramref name="b"/>, where two adjacent letters swapped
    /// count as one edit, as the typo they usually are (<c>"confrim"</c> is one edit from <c>"confirm"</c>, not two).
    /// </summary>
    public static int WithTranspositions(string a, string b) => Of(a, b, transpositions: true);

    /// <summary>The Levenshtein distance, or with <paramref name="transpositions"/> the optimal string alignment distance.</summary>
    private static int Of(string a, string b, bool transpositions)
    {
        var beforePrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = Same(a[i - 1], b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + substitution);
                if (transpositions && i > 1 && j > 1 && Same(a[i - 1], b[j - 2]) && Same(a[i - 2], b[j - 1]))
                {
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1);
                }
            }

            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }

        return previous[b.Length];
    }

    private static bool Same(char a, char b) => char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
