using System;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using FuzzySharp;

namespace ServerTools.Benchmarks.FuzzySearch;

/// <summary>
/// Scoring names in memory, as fuzzy search does on a provider without pg_trgm: <see cref="Trigram.Similarity"/> (pg_trgm's
/// <c>similarity</c>) against FuzzySharp's <see cref="Fuzz.Ratio(string, string)"/> (a Levenshtein ratio, the usual
/// .NET choice), on the same 1,000 fixed pairs of person names: a name and a misspelt copy of it, or another name.
/// Times and allocations are per pair (<c>OperationsPerInvoke</c>); Op/s is pairs per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class TrigramBenchmarks
{
    private const int PairCount = 1000;

    private static readonly string[] s_firstNames =
    [
        "Jonathan", "Anna-Lena", "Mia", "Jürgen", "Zoë", "François", "Søren", "Łukasz", "María José", "Siobhan", "Aleksandr",
        "Mohammed", "Chloé", "Björn", "Ines", "Wojciech", "Giulia", "Hannah", "Seán", "Dmitri", "Émilie", "Kateřina", "Olamide",
        "Yuki", "Lars", "Agnieszka", "Matthias", "Renée", "Tomás", "Elif",
    ];

    private static readonly string[] s_lastNames =
    [
        "Smith", "Müller", "Verkauf", "Papadopoulos", "Kowalski", "O'Brien", "García López", "Nguyen", "Johansson", "Rossi",
        "Dubois", "Schäfer", "Ivanov", "Yılmaz", "Novák", "van der Berg", "Okonkwo", "Tanaka", "Fernández", "Lindqvist",
        "Öztürk", "Hernández", "Wiśniewski", "Brown", "Schmidt-Rottluff", "Petrović", "Kim", "De Luca", "MacLeod", "Haddad",
    ];

    private readonly (string A, string B)[] _pairs = NamePairs();

    [Benchmark(Baseline = true, Description = "FuzzySharp Fuzz.Ratio", OperationsPerInvoke = PairCount)]
    public int FuzzRatio()
    {
        var total = 0;
        foreach (var (a, b) in _pairs)
        {
            total += Fuzz.Ratio(a, b);
        }

        return total;
    }

    [Benchmark(Description = "Trigram.Similarity", OperationsPerInvoke = PairCount)]
    public double TrigramSimilarity()
    {
        var total = 0.0;
        foreach (var (a, b) in _pairs)
        {
            total += Trigram.Similarity(a, b);
        }

        return total;
    }

    /// <summary>Half the pairs are a name and a misspelt copy, half two random names.</summary>
    private static (string A, string B)[] NamePairs()
    {
        var random = new Random(2026);
        var pairs = new (string, string)[PairCount];
        for (var i = 0; i < pairs.Length; i++)
        {
            var name = Name(random);
            pairs[i] = i % 2 == 0 ? (name, Misspell(name, random)) : (name, Name(random));
        }

        return pairs;
    }

    private static string Name(Random random) => s_firstNames[random.Next(s_firstNames.Length)] + " " + s_lastNames[random.Next(s_lastNames.Length)];

    /// <summary>The name with one to three typos (two letters swapped, one dropped or one replaced), now and then lower-cased.</summary>
    private static string Misspell(string name, Random random)
    {
        var chars = new StringBuilder(name);
        for (var typos = random.Next(1, 4); typos > 0; typos--)
        {
            var at = random.Next(chars.Length - 1);
            switch (random.Next(3))
            {
                case 0:
                    (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                    break;
                case 1:
                    chars.Remove(at, 1);
                    break;
                default:
                    chars[at] = (char)('a' + random.Next(26));
                    break;
            }
        }

        var misspelt = chars.ToString();
        return random.Next(3) == 0 ? misspelt.ToLowerInvariant() : misspelt;
    }

    /// <summary>Adds operations (pairs) per second to the table.</summary>
    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
