using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>
/// Deterministic strings for comparing <see cref="Trigram"/> with pg_trgm: words from small alphabets of many scripts
/// (so that random words share trigrams), joined by punctuation, spaces, emoji and marks that are not word characters,
/// and pairs made of a term and a text that holds it, or a string and a typo-ridden copy of it. Never a NUL or a lone
/// surrogate, which PostgreSQL cannot store.
/// </summary>
internal sealed class TrigramSamples
{
    /// <summary>Letters and digits by script; the first is drawn most often.</summary>
    private static readonly int[][] s_alphabets =
    [
        Alphabet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        Alphabet("0123456789"),
        Alphabet("àáâäãåæçèéêëìíîïñòóôöõøùúûüýÿßÀÉÖÜÑÇŁłŒœİıẞȺǅǈſ"),
        Alphabet("αβγδεζηθικλμνξοπρσςτυφχψωΑΒΓΔΣΩάέήίόύώ"),
        Alphabet("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЁЖЗИЙЯіїєґІЇЄ"),
        Alphabet("東京大阪中国日本人語漢字山川田"),
        Alphabet("あいうえおかきくけこアイウエオカキ한국어서울사람"),
        Alphabet("ابتثجحخدذرزسشصضطظعغفقكلمنهويءةى\u064B\u064C\u064D\u064E\u064F\u0650\u0651\u0652"),
        Alphabet("אבגדהוזחטיכלמנסעפצקרשתךםןףץ\u05B0\u05B4\u05B7\u05B8\u05BC\u05C1\u05C2"),
        Alphabet("कखगघचछजटडतथदनपबमयरलवशसह\u093E\u093F\u0940\u0941\u0947\u094B\u0902\u094D"),
        Alphabet("กขคงจชดตทนบปพมยรลวสหอ\u0E30\u0E31\u0E32\u0E34\u0E35\u0E38\u0E48\u0E49\u0E47"),
        Alphabet("٠١٢٣٤٥٦٧٨٩०१२३४५६७८९"),
        Alphabet("ⒶⒷⒸⓐⓑⓒＡＢＣａｂｃﬁﬂµªºǄǆ"),
        Alphabet("\U00010400\U00010401\U00010402\U00010428\U00010429\U0001E900\U0001E901\U0001E922\U0001E923\U00010330\U00010331\U00020000\U00020001"),
    ];

    /// <summary>What goes between words: mostly spaces, also punctuation, emoji, marks and letters newer than Unicode 14.</summary>
    private static readonly string[] s_separators =
    [
        " ", " ", " ", " ", " ", " ", "  ", "-", ", ", ". ", "'", "_", "/", "@", "\t", "\n", "«", "»", "—", "…", "\u00A0",
        "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "\u0301", "\U00031350", "\U00011F04", "\uFFFD", "\u200B", "\u200D", "%", "\\",
    ];

    /// <summary>A few short words that share trigrams, so that texts made of them repeat trigrams and tie.</summary>
    private static readonly string[] s_vocabulary =
    [
        "word", "words", "two", "sword", "anna", "ann", "hanna", "müller", "muller", "mueller", "straße", "strasse", "σοφία",
        "софия", "ab", "a", "abc", "bca", "cab", "東京", "京都",
    ];

    private readonly Random _random;

    public TrigramSamples(int seed) => _random = new Random(seed);

    /// <summary>Pairs of a first and second argument, of every kind, <paramref name="count"/> in all.</summary>
    public List<(string A, string B)> Pairs(int count)
    {
        var pairs = new List<(string, string)>(count);
        while (pairs.Count < count)
        {
            var kind = _random.Next(100);
            if (kind < 15)
            {
                var term = Vocabulary(_random.Next(1, 3));
                pairs.Add((_random.Next(3) == 0 ? Mutate(term) : term, Vocabulary(_random.Next(1, 16))));
            }
            else if (kind < 35)
            {
                var term = Phrase(_random.Next(1, 4));
                pairs.Add((term, Insert(Mutate(term), Phrase(_random.Next(1, 13)))));
            }
            else if (kind < 60)
            {
                var value = Phrase(_random.Next(1, 7));
                pairs.Add(_random.Next(2) == 0 ? (value, Mutate(value)) : (Mutate(value), value));
            }
            else if (kind < 80)
            {
                pairs.Add((Phrase(_random.Next(0, 5)), Phrase(_random.Next(0, 8))));
            }
            else if (kind < 90)
            {
                var noWords = _random.Next(3) switch { 0 => "", 1 => Separators(), _ => Phrase(0) };
                pairs.Add(_random.Next(2) == 0 ? (noWords, Phrase(_random.Next(0, 4))) : (Phrase(_random.Next(0, 4)), noWords));
            }
            else
            {
                var text = Phrase(_random.Next(20, 200));
                pairs.Add((Mutate(Excerpt(text)), text));
            }
        }

        return pairs;
    }

    /// <summary>A text of about <paramref name="length"/> UTF-16 code units.</summary>
    public string Text(int length)
    {
        var builder = new StringBuilder(length + 64);
        while (builder.Length < length)
        {
            builder.Append(Word()).Append(Separators());
        }

        return builder.ToString();
    }

    /// <summary>A piece of 3 to 30 code units of the first half of the text, cut anywhere but inside a surrogate pair.</summary>
    public string Excerpt(string text)
    {
        var start = _random.Next(text.Length / 2);
        return Trim(text.Substring(start, Math.Min(text.Length - start, _random.Next(3, 31))));
    }

    /// <summary>Words joined by separators, sometimes with separators before and after.</summary>
    public string Phrase(int words)
    {
        var builder = new StringBuilder();
        if (_random.Next(5) == 0)
        {
            builder.Append(Separators());
        }

        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                builder.Append(Separators());
            }

            builder.Append(Word());
        }

        if (_random.Next(5) == 0)
        {
            builder.Append(Separators());
        }

        return builder.ToString();
    }

    /// <summary>Words of <see cref="s_vocabulary"/>, repeats allowed, joined by separators.</summary>
    private string Vocabulary(int words)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            builder.Append(i == 0 ? "" : Separators()).Append(s_vocabulary[_random.Next(s_vocabulary.Length)]);
        }

        return builder.ToString();
    }

    private string Word()
    {
        var script = Script();
        var length = _random.Next(1, 11);
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            if (_random.Next(12) == 0)
            {
                script = Script();
            }

            builder.Append(char.ConvertFromUtf32(script[_random.Next(script.Length)]));
        }

        var word = builder.ToString();
        return _random.Next(6) switch
        {
            0 => word.ToUpperInvariant(),
            1 => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(word),
            _ => word,
        };
    }

    private int[] Script() => _random.Next(3) == 0 ? s_alphabets[0] : s_alphabets[_random.Next(s_alphabets.Length)];

    private string Separators()
    {
        var builder = new StringBuilder(s_separators[_random.Next(s_separators.Length)]);
        while (_random.Next(4) == 0)
        {
            builder.Append(s_separators[_random.Next(s_separators.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>The value with up to three typos, a change of case, or a word dropped or repeated.</summary>
    private string Mutate(string value)
    {
        var codePoints = CodePoints(value);
        var edits = _random.Next(0, 4);
        for (var i = 0; i < edits; i++)
        {
            var at = _random.Next(codePoints.Count + 1);
            var script = Script();
            var letter = script[_random.Next(script.Length)];
            switch (_random.Next(6))
            {
                case 0 when at < codePoints.Count:
                    codePoints.RemoveAt(at);
                    break;
                case 1 when at < codePoints.Count:
                    codePoints[at] = letter;
                    break;
                case 2 when at + 1 < codePoints.Count:
                    (codePoints[at], codePoints[at + 1]) = (codePoints[at + 1], codePoints[at]);
                    break;
                case 3:
                    var upper = Join(codePoints).ToUpperInvariant();
                    codePoints = CodePoints(_random.Next(2) == 0 ? upper : upper.ToLowerInvariant());
                    break;
                case 4:
                    codePoints.InsertRange(at, CodePoints(Separators()));
                    break;
                default:
                    codePoints.Insert(at, letter);
                    break;
            }
        }

        return Join(codePoints);
    }

    /// <summary>The term placed in the text: between two words, or now and then inside one.</summary>
    private string Insert(string term, string text)
    {
        var codePoints = CodePoints(text);
        var at = _random.Next(codePoints.Count + 1);
        if (_random.Next(5) != 0)
        {
            while (at < codePoints.Count && !IsSeparatorStart(codePoints[at]))
            {
                at++;
            }
        }

        var glue = _random.Next(5) == 0 ? "" : " ";
        codePoints.InsertRange(at, CodePoints(glue + term + glue));
        return Join(codePoints);
    }

    private static bool IsSeparatorStart(int codePoint) => s_separators.Any(separator => char.ConvertToUtf32(separator, 0) == codePoint);

    /// <summary>The value without a half surrogate pair at either end, left by cutting a string at any index.</summary>
    private static string Trim(string value)
    {
        if (value.Length > 0 && char.IsLowSurrogate(value[0]))
        {
            value = value[1..];
        }

        return value.Length > 0 && char.IsHighSurrogate(value[^1]) ? value[..^1] : value;
    }

    private static int[] Alphabet(string letters) => [.. CodePoints(letters)];

    private static List<int> CodePoints(string value)
    {
        var codePoints = new List<int>(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            codePoints.Add(rune.Value);
        }

        return codePoints;
    }

    private static string Join(List<int> codePoints)
    {
        var builder = new StringBuilder(codePoints.Count);
        foreach (var codePoint in codePoints)
        {
            builder.Append(char.ConvertFromUtf32(codePoint));
        }

        return builder.ToString();
    }
}
