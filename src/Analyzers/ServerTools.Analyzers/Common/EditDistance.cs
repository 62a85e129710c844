using System;

namespace ServerTools.Analyzers.Common;

/// <summary>How far apart two names are, to suggest the member a misspelt name meant (ST2002, ST3001).</summary>
internal static class EditDistance
{
    /// <summary>The Levenshtein distance of <paramref name="a"/> and <paramref name="b"/>, ignoring case.</summary>
    public static int Of(string a, string b)
    {
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
                var substitution = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
