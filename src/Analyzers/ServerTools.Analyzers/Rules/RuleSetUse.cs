using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// The rule sets code rules write, with the rules that write each, and what "a typo away" means for rule sets: ST5010
/// suggests the sets a name given to the engine is a typo away from, and ST5013 reports a set that one rule writes and
/// that is a typo away from the set of other rules.
/// </summary>
internal sealed class RuleSetUse
{
    /// <summary>The shortest set name for which a typo is suggested; shorter ones are matched only without regard to case.</summary>
    private const int ShortestTypoLength = 4;

    /// <summary>The shortest set name two typed letters away from a name may be (one letter for shorter ones).</summary>
    private const int TwoTyposLength = 8;

    private readonly Dictionary<string, List<INamedTypeSymbol>> _owners;

    private RuleSetUse(Dictionary<string, List<INamedTypeSymbol>> owners) => _owners = owners;

    /// <summary>The sets the rules write, in no order.</summary>
    public IEnumerable<string> Sets => _owners.Keys;

    /// <summary>
    /// The rule sets of <paramref name="rules"/>, each with the rules that write it (ordinal, as the engine compares them);
    /// a rule the registry skips (<see cref="ExceptionRuleClasses.WhyInvalid"/>, reported by ST5006 or ST5008) writes none.
    /// </summary>
    public static RuleSetUse Of(IEnumerable<CodeRule> rules)
    {
        var owners = new Dictionary<string, List<INamedTypeSymbol>>(StringComparer.Ordinal);
        foreach (var rule in rules.Where(static rule => ExceptionRuleClasses.WhyInvalid(rule.Attribute) is null))
        {
            foreach (var set in CodeRules.RuleSets(rule.Attribute))
            {
                if (string.IsNullOrWhiteSpace(set))
                {
                    continue;
                }

                if (!owners.TryGetValue(set!, out var types))
                {
                    owners.Add(set!, types = []);
                }

                if (!types.Contains(rule.Type, SymbolEqualityComparer.Default))
                {
                    types.Add(rule.Type);
                }
            }
        }

        return new RuleSetUse(owners);
    }

    /// <summary>Whether a rule writes <paramref name="set"/>.</summary>
    public bool Contains(string set) => _owners.ContainsKey(set);

    /// <summary>The rules that write <paramref name="set"/> (none when no rule does).</summary>
    public IReadOnlyList<INamedTypeSymbol> Owners(string set) => _owners.TryGetValue(set, out var owners) ? owners : [];

    /// <summary>
    /// The sets <paramref name="set"/> may be a misspelling of: when one rule alone writes it, the sets nearest to it, a
    /// typo away (<see cref="TypoAway"/>), that another rule writes; none otherwise (a set that several rules write is
    /// taken as meant, as <c>"sale"</c> and <c>"sales"</c> are when each serves several rules), and so is a pair of names
    /// that differ the way names meant to differ do (<see cref="DifferOnPurpose"/>). In ordinal order.
    /// </summary>
    public List<string> TypoOf(string set)
    {
        if (!_owners.TryGetValue(set, out var owners) || owners.Count != 1)
        {
            return [];
        }

        var rule = owners[0];
        return TypoAway(
            set,
            _owners.Where(other => !DifferOnPurpose(set, other.Key) && other.Value.Any(owner => !SymbolEqualityComparer.Default.Equals(owner, rule)))
                .Select(static other => other.Key));
    }

    /// <summary>
    /// Whether two set names differ the way names of different sets do, not the way a typo does: one word with two
    /// endings (<see cref="OtherEndings"/>: <c>"draft"</c>, <c>"drafts"</c>; <c>"create"</c>, <c>"created"</c>;
    /// <c>"confirms"</c>, <c>"confirmed"</c>; <c>"draft"</c>, <c>"draft2"</c>), digits alone (<c>"stage1"</c>,
    /// <c>"stage2"</c>), or only the part after their last <c>_</c>, <c>.</c>, <c>-</c>, <c>:</c> or <c>/</c> where those
    /// parts are no typo of each other (<c>"region_eu"</c>, <c>"region_us"</c>; not <c>"credit_reveiw"</c>; for parts of
    /// fewer than <see cref="ShortestTypoLength"/> letters, <see cref="ShortSlip"/>: not <c>"region_ue"</c>). Case is
    /// ignored. A letter dropped, doubled or added at the end (<c>"confir"</c>, <c>"confirmm"</c>, <c>"orderss"</c>) is a
    /// typo, and so is an ending misspelt as a shorter one (<c>"reviewd"</c> for <c>"reviewed"</c>).
    /// </summary>
    internal static bool DifferOnPurpose(string a, string b)
    {
        if (OtherEndings(a, b))
        {
            return true;
        }

        if (string.Equals(WithoutDigits(a), WithoutDigits(b), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var last = a.LastIndexOfAny(s_separators);
        if (last <= 0 || last != b.LastIndexOfAny(s_separators) || string.Compare(a, 0, b, 0, last + 1, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return false;
        }

        var (partA, partB) = (a.Substring(last + 1), b.Substring(last + 1));
        return partA.Length < ShortestTypoLength && partB.Length < ShortestTypoLength
            ? !ShortSlip(partA, partB)
            : TypoAway(partA, [partB]).Count == 0;
    }

    /// <summary>
    /// Whether two short last parts (fewer than <see cref="ShortestTypoLength"/> letters each, such as codes and tiers)
    /// differ by a slip of the hand rather than on purpose: two adjacent letters swapped (<c>"eu"</c>, <c>"ue"</c>), or the
    /// last letter doubled (<c>"eu"</c>, <c>"euu"</c>) where the shorter part is not one letter repeated (<c>"b"</c>,
    /// <c>"bb"</c>, <c>"bbb"</c> are ratings). A letter changed (<c>"de"</c>, <c>"dk"</c>; <c>"a"</c>, <c>"b"</c>) or
    /// added elsewhere (<c>"s"</c>, <c>"xs"</c>; <c>"xl"</c>, <c>"xxl"</c>) makes another code, so those are meant. Case is
    /// ignored.
    /// </summary>
    private static bool ShortSlip(string a, string b)
    {
        var (x, y) = (a.ToLowerInvariant(), b.ToLowerInvariant());
        if (x.Length == y.Length)
        {
            var first = 0;
            while (first < x.Length && x[first] == y[first])
            {
                first++;
            }

            return first + 1 < x.Length
                   && x[first] == y[first + 1]
                   && x[first + 1] == y[first]
                   && string.CompareOrdinal(x, first + 2, y, first + 2, x.Length) == 0;
        }

        var (shorter, longer) = x.Length < y.Length ? (x, y) : (y, x);
        return longer.Length == shorter.Length + 1
               && shorter.Length > 0
               && longer.StartsWith(shorter, StringComparison.Ordinal)
               && longer[longer.Length - 1] == shorter[shorter.Length - 1]
               && shorter.Trim(shorter[0]).Length > 0;
    }

    private static readonly char[] s_separators = ['_', '.', '-', ':', '/'];

    /// <summary>The word endings that make another name of a set (<c>s</c>, <c>es</c>, <c>d</c>, <c>ed</c>, <c>r</c>, <c>er</c>), not a typo.</summary>
    private static readonly string[] s_endings = ["s", "es", "d", "ed", "r", "er"];

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> are one stem with two different endings, each none, a word
    /// ending (<see cref="s_endings"/>) or a number, and neither of two endings the end of the other (<c>"d"</c> and
    /// <c>"ed"</c> are a typo's pair).
    /// </summary>
    private static bool OtherEndings(string a, string b)
    {
        for (var length = 1; length <= a.Length && length <= b.Length; length++)
        {
            if (string.Compare(a, 0, b, 0, length, StringComparison.OrdinalIgnoreCase) != 0)
            {
                return false;
            }

            var stem = a.Substring(0, length);
            var (first, second) = (a.Substring(length), b.Substring(length));
            if (IsEnding(stem, first)
                && IsEnding(stem, second)
                && !string.Equals(first, second, StringComparison.OrdinalIgnoreCase)
                && (first.Length == 0 || second.Length == 0
                    || !(first.EndsWith(second, StringComparison.OrdinalIgnoreCase) || second.EndsWith(first, StringComparison.OrdinalIgnoreCase))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="ending"/> ends a name of <paramref name="stem"/>: none, a number, or a word ending other than
    /// one letter that repeats the stem's last (<c>"orders"</c> + <c>"s"</c> is a typo).
    /// </summary>
    private static bool IsEnding(string stem, string ending)
        => ending.Length == 0
           || ending.All(static c => c is >= '0' and <= '9')
           || (s_endings.Contains(ending, StringComparer.OrdinalIgnoreCase)
               && !(ending.Length == 1 && char.ToLowerInvariant(ending[0]) == char.ToLowerInvariant(stem[stem.Length - 1])));

    private static string WithoutDigits(string name) => new([.. name.Where(static c => c is < '0' or > '9')]);

    /// <summary>
    /// Whether <paramref name="set"/> is a misspelling of a set that more rules write (<see cref="TypoOf"/>): ST5010 does not
    /// suggest it. A set a typo away from a set of one other rule is not: which of the two is meant cannot be told.
    /// </summary>
    public bool IsTypoOfMoreUsed(string set) => TypoOf(set).Any(near => _owners[near].Count > 1);

    /// <summary>
    /// The names of <paramref name="known"/> nearest to <paramref name="name"/> and a typo away from it, ignoring case:
    /// at most one edit (two for names of <see cref="TwoTyposLength"/> letters or more), with a swap of two adjacent
    /// letters counted as one; none for names shorter than <see cref="ShortestTypoLength"/>, which a letter changes too
    /// much. Names equal to it but for case are not counted (ST5010 and ST5011 tell those apart). In ordinal order.
    /// </summary>
    public static List<string> TypoAway(string name, IEnumerable<string> known)
    {
        var nearest = known
            .Where(set => set.Length >= ShortestTypoLength
                          && Math.Abs(set.Length - name.Length) <= Limit(set)
                          && !string.Equals(set, name, StringComparison.OrdinalIgnoreCase))
            .Select(set => (Set: set, Distance: EditDistance.WithTranspositions(set, name)))
            .Where(static candidate => candidate.Distance <= Limit(candidate.Set))
            .GroupBy(static candidate => candidate.Distance)
            .OrderBy(static group => group.Key)
            .FirstOrDefault();
        return nearest is null ? [] : [.. nearest.Select(static candidate => candidate.Set).OrderBy(static set => set, StringComparer.Ordinal)];
    }

    /// <summary>How many typos away from <paramref name="set"/> a name may be.</summary>
    private static int Limit(string set) => set.Length >= TwoTyposLength ? 2 : 1;
}
