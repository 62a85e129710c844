using System;
using System.Collections.Generic;

namespace ServerTools.Rules;

/// <summary>Names in data rules: "did you mean" suggestions and the default name of the entity.</summary>
internal static class RuleNames
{
    /// <summary>The candidate closest to <paramref name="name"/> by edit distance, if one is close enough to be a likely typo.</summary>
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var limit = Math.Max(1, name.Length / 3);
        foreach (var candidate in candidates)
        {
            if (candidate == name)
            {
                continue;
            }

            var distance = string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name, candidate, limit);
            if (distance <= limit && (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0)))
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>The camelCase name of <paramref name="type"/>: <c>order</c> for <c>Order</c>, <c>rushOrder</c> for <c>RushOrder</c>.</summary>
    public static string CamelCase(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        return name.Length == 0 ? "entity" : string.Concat(name[..1].ToLowerInvariant(), name.AsSpan(1));
    }

    /// <summary>Whether a name reads as a local's (camelCase), not a type's or a namespace's (PascalCase).</summary>
    public static bool IsCamelCase(string name) => name.Length > 0 && (char.IsLower(name[0]) || name[0] == '_');

    /// <summary>Optimal string alignment distance (insertions, deletions, substitutions, adjacent transpositions), capped above <paramref name="limit"/>.</summary>
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        var previous2 = new int[b.Length + 1];
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
                var cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                var value = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[b.Length];
    }
}
