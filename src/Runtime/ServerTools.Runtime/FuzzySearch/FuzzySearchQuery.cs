using System;
using System.Globalization;

namespace ServerTools;

/// <summary>Checks the arguments of the generated <c>FuzzySearch</c> methods.</summary>
public static class FuzzySearchQuery
{
    /// <summary>
    /// Checks a search's term and threshold, and returns the term as it is sent to the database: characters PostgreSQL
    /// cannot store (NUL, unpaired surrogates), which pg_trgm would treat as word separators anyway, become spaces. Null
    /// when the term has no word characters (blank, punctuation only): then no value can reach a threshold above 0, and
    /// the generated query asks the database for nothing.
    /// </summary>
    /// <param name="term">What the user searches for.</param>
    /// <param name="threshold">The least score of a match, greater than 0 and at most 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="term"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    public static string? Term(string term, double threshold)
    {
        ArgumentNullException.ThrowIfNull(term);
        if (!(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(threshold),
                threshold,
                $"A fuzzy search threshold must be greater than 0 and at most 1 (pg_trgm's scale), but it is {threshold.ToString(CultureInfo.InvariantCulture)}. "
                + "Use 0.3 (pg_trgm's default for similarity) and raise it for fewer, closer matches.");
        }

        var sendable = Sendable(term);
        return Trigram.HasTrigrams(sendable) ? sendable : null;
    }

    /// <summary><paramref name="term"/> with NUL and unpaired surrogates replaced by spaces; the same string when it has none.</summary>
    internal static string Sendable(string term)
    {
        var index = FirstUnsendable(term, 0);
        if (index < 0)
        {
            return term;
        }

        return string.Create(term.Length, term, static (chars, source) =>
        {
            source.AsSpan().CopyTo(chars);
            for (var i = FirstUnsendable(source, 0); i >= 0; i = FirstUnsendable(source, i + 1))
            {
                chars[i] = ' ';
            }
        });
    }

    private static int FirstUnsendable(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }
}
