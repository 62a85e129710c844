using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ServerTools.Analyzers.Common;

/// <summary>The name a misspelt one most likely means, for the suggestions of ST2002, ST4001 and ST4002.</summary>
internal static class NearestName
{
    /// <summary>How many edits away a name may be from the one it is taken to mean: 1 for names of up to 3 letters, else 2.</summary>
    private const int ShortNameLength = 3;

    /// <summary>
    /// The one candidate equal to <paramref name="name"/> but for case, else the one candidate nearest to it by
    /// <see cref="EditDistance"/>, a typo away at most and with the same <see cref="Numbers"/> (a typo is not another
    /// offset: <c>GMT+1</c> does not mean <c>GMT+0</c>, nor <c>Etc/GMT+13</c> <c>Etc/GMT-13</c>); null when there is none,
    /// or two are as near.
    /// </summary>
    public static string? Of(string name, IReadOnlyCollection<string> candidates)
    {
        var sameButCase = candidates.Where(candidate => string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        if (sameButCase.Count > 0)
        {
            return sameButCase.Count == 1 ? sameButCase[0] : null;
        }

        var limit = name.Length <= ShortNameLength ? 1 : 2;
        var numbers = Numbers(name);
        var nearest = candidates
            .Where(candidate => Numbers(candidate) == numbers)
            .Select(candidate => (Name: candidate, Distance: EditDistance.Of(candidate, name)))
            .Where(candidate => candidate.Distance <= limit)
            .GroupBy(static candidate => candidate.Distance)
            .OrderBy(static group => group.Key)
            .FirstOrDefault()?
            .Take(2)
            .ToList();
        return nearest is { Count: 1 } ? nearest[0].Name : null;
    }

    /// <summary>The digits of <paramref name="name"/>, with the sign before each number: <c>"+13"</c> for <c>Etc/GMT+13</c>.</summary>
    private static string Numbers(string name)
    {
        var numbers = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsDigit(name[i]) || (name[i] is '+' or '-' && i + 1 < name.Length && char.IsDigit(name[i + 1])))
            {
                numbers.Append(name[i]);
            }
        }

        return numbers.ToString();
    }
}
