using System;
using System.Buffers;

namespace ServerTools;

/// <summary>
/// PostgreSQL's pg_trgm computed in .NET: <c>similarity</c>, <c>word_similarity</c>, <c>strict_word_similarity</c> and
/// <c>show_trgm</c>, with the results PostgreSQL 15 gives, to the last bit of its <c>real</c> (single precision) result.
/// </summary>
/// <remarks>
/// <para>
/// A word is a maximal run of letters and digits; it is lower-cased and padded with two spaces before and one after,
/// and each run of three characters is a trigram (<c>"cat"</c> gives <c>"  c"</c>, <c>" ca"</c>, <c>"cat"</c>,
/// <c>"at "</c>). The similarity of two trigram sets is the number they share divided by the number in either.
/// </para>
/// <para>
/// Letters, digits and lower-casing are those of a PostgreSQL database in UTF-8 with a glibc locale other than C and
/// POSIX, on glibc 2.36 (Debian 12, the <c>postgres:15</c> image): the Unicode 14.0 Alphabetic property and decimal
/// digits, lower-cased by <c>towlower</c>. A server on another glibc can differ for characters added to Unicode since;
/// a database in the C locale takes only ASCII letters and digits; a Turkish locale lower-cases <c>I</c> to <c>ı</c>.
/// </para>
/// <para>
/// No call allocates except <see cref="ShowTrigrams"/>, which returns new strings; inputs of any length are accepted
/// (long ones borrow their buffers from <see cref="ArrayPool{T}.Shared"/>).
/// </para>
/// </remarks>
public static class Trigram
{
    /// <summary>Buffers up to this many elements live on the stack; larger ones are rented.</summary>
    private const int StackLimit = 512;

    /// <summary>The top bit of each of a trigram's three bytes.</summary>
    private const int SignFlip = 0x808080;

    /// <summary>
    /// How similar two strings are, from 0 (no trigram in common) to 1 (the same trigrams): pg_trgm's
    /// <c>similarity(a, b)</c>, and the score behind its <c>%</c> operator. Symmetric.
    /// </summary>
    /// <param name="a">One string.</param>
    /// <param name="b">The other string.</param>
    /// <returns>
    /// The number of distinct trigrams the two share divided by the number of distinct trigrams in either, computed in
    /// single precision as PostgreSQL does; 0 when either has no trigram.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> or <paramref name="b"/> is <see langword="null"/>.</exception>
    /// <example><c>Trigram.Similarity("word", "words")</c> is 0.5714286 (4 shared of 7).</example>
    public static double Similarity(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);

        var capacityA = TrigramText.MaxCount(a.Length);
        var capacityB = TrigramText.MaxCount(b.Length);
        var trigramCapacity = Math.Max(capacityA, capacityB);
        var slots = TrigramSet.SlotCount(capacityA + capacityB);
        var capacity = trigramCapacity + slots;
        int[]? rented = null;
        var buffer = capacity <= StackLimit ? stackalloc int[capacity] : (rented = ArrayPool<int>.Shared.Rent(capacity));
        try
        {
            var trigrams = buffer[..trigramCapacity];
            var set = new TrigramSet(buffer.Slice(trigramCapacity, slots));
            var countA = 0;
            foreach (var trigram in trigrams[..TrigramText.Extract(a, trigrams, default)])
            {
                countA += set.Mark(trigram, TrigramSet.First, out _) == 0 ? 1 : 0;
            }

            if (countA == 0)
            {
                return 0;
            }

            var countB = 0;
            var shared = 0;
            foreach (var trigram in trigrams[..TrigramText.Extract(b, trigrams, default)])
            {
                var marks = set.Mark(trigram, TrigramSet.Second, out _);
                if ((marks & TrigramSet.Second) == 0)
                {
                    countB++;
                    shared += marks == TrigramSet.First ? 1 : 0;
                }
            }

            return countB == 0 ? 0 : Ratio(shared, countA, countB);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// How well <paramref name="term"/> matches the best matching stretch of <paramref name="text"/>: pg_trgm's
    /// <c>word_similarity(term, text)</c>, and the score behind <c>term &lt;% text</c>. For a short term inside long text.
    /// </summary>
    /// <param name="term">The short string searched for.</param>
    /// <param name="text">The string searched in.</param>
    /// <returns>
    /// The greatest similarity between the trigrams of <paramref name="term"/> and those of a run of consecutive
    /// trigrams of <paramref name="text"/> (the run need not start or end on a word boundary), chosen as pg_trgm chooses
    /// it; from 0 to 1.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="term"/> or <paramref name="text"/> is <see langword="null"/>.</exception>
    /// <example><c>Trigram.WordSimilarity("word", "two words")</c> is 0.8.</example>
    public static double WordSimilarity(string term, string text) => BestWordSimilarity(term, text, strict: false);

    /// <summary>
    /// As <see cref="WordSimilarity"/>, with the matching stretch of <paramref name="text"/> made of whole words:
    /// pg_trgm's <c>strict_word_similarity(term, text)</c>, and the score behind <c>term &lt;&lt;% text</c>.
    /// </summary>
    /// <param name="term">The short string searched for.</param>
    /// <param name="text">The string searched in.</param>
    /// <returns>The greatest similarity between the trigrams of <paramref name="term"/> and those of a run of whole words of <paramref name="text"/>; from 0 to 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="term"/> or <paramref name="text"/> is <see langword="null"/>.</exception>
    /// <example><c>Trigram.StrictWordSimilarity("word", "two words")</c> is 0.5714286.</example>
    public static double StrictWordSimilarity(string term, string text) => BestWordSimilarity(term, text, strict: true);

    /// <summary>
    /// The distinct trigrams of <paramref name="value"/>, as pg_trgm's <c>show_trgm(value)</c> lists them on x86-64:
    /// in its order (bytes compared as signed), a trigram of three ASCII letters, digits or spaces as its text, any
    /// other (one with a non-ASCII character, which pg_trgm keeps as three bytes of a hash) as <c>0x</c> and six hex digits.
    /// </summary>
    /// <param name="value">The string.</param>
    /// <returns>The trigrams; empty when <paramref name="value"/> holds no letter or digit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <example><c>Trigram.ShowTrigrams("word")</c> is <c>["  w", " wo", "ord", "rd ", "wor"]</c>.</example>
    public static string[] ShowTrigrams(string value)
    {
        ArgumentNullException.ThrowIfNull(value);

        var capacity = TrigramText.MaxCount(value.Length);
        int[]? rented = null;
        var buffer = capacity <= StackLimit ? stackalloc int[capacity] : (rented = ArrayPool<int>.Shared.Rent(capacity));
        try
        {
            var count = TrigramText.Extract(value, buffer, default);
            if (count == 0)
            {
                return [];
            }

            // Flipping the top bit of each byte makes the order of the ints that of the bytes read as signed chars.
            var trigrams = buffer[..count];
            for (var i = 0; i < trigrams.Length; i++)
            {
                trigrams[i] ^= SignFlip;
            }

            trigrams = Distinct(trigrams, count);
            var shown = new string[trigrams.Length];
            for (var i = 0; i < trigrams.Length; i++)
            {
                shown[i] = Show(trigrams[i] ^ SignFlip);
            }

            return shown;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/> gives any trigram, that is, holds a letter or a digit. A term without trigrams
    /// matches nothing: every similarity with it is 0. Reads the string once and allocates nothing.
    /// </summary>
    /// <param name="value">The string.</param>
    /// <returns><see langword="true"/> when <see cref="ShowTrigrams"/> would return at least one trigram.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static bool HasTrigrams(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TrigramText.HasWord(value);
    }

    /// <summary>
    /// pg_trgm's <c>calc_word_similarity</c>: each distinct trigram of the text gets an id, flagged when the term has it,
    /// and <see cref="BestExtent"/> finds the best stretch. (pg_trgm numbers the ids in sorted order, these in order of
    /// appearance; the ids only tell trigrams apart, so the result is the same.)
    /// </summary>
    private static float BestWordSimilarity(string term, string text, bool strict)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentNullException.ThrowIfNull(text);

        var termCapacity = TrigramText.MaxCount(term.Length);
        var textCapacity = TrigramText.MaxCount(text.Length);
        var slots = TrigramSet.SlotCount(termCapacity + textCapacity);

        // Ints: the term's trigrams; the text's (then the id at each position); the set of both, the id of each slot,
        // the last position of each id. Bytes: the word bounds at each position; whether the term has each id.
        var intCapacity = termCapacity + (2 * textCapacity) + (2 * slots);
        var byteCapacity = 2 * textCapacity;
        int[]? rentedInts = null;
        byte[]? rentedBytes = null;
        var ints = intCapacity <= StackLimit ? stackalloc int[intCapacity] : (rentedInts = ArrayPool<int>.Shared.Rent(intCapacity));
        var bytes = byteCapacity <= StackLimit ? stackalloc byte[byteCapacity] : (rentedBytes = ArrayPool<byte>.Shared.Rent(byteCapacity));
        try
        {
            var set = new TrigramSet(ints.Slice(termCapacity + textCapacity, slots));
            var termTrigrams = ints[..termCapacity];
            var termCount = 0;
            foreach (var trigram in termTrigrams[..TrigramText.Extract(term, termTrigrams, default)])
            {
                termCount += set.Mark(trigram, TrigramSet.First, out _) == 0 ? 1 : 0;
            }

            var bounds = strict ? bytes[..textCapacity] : default;
            bounds.Clear();
            var ids = ints.Slice(termCapacity, textCapacity);
            var length = TrigramText.Extract(text, ids, bounds);
            if (termCount == 0 || length == 0)
            {
                return 0;
            }

            ids = ids[..length];
            var slotIds = ints.Slice(termCapacity + textCapacity + slots, slots);
            var inTerm = bytes.Slice(textCapacity, textCapacity);
            var distinct = 0;
            for (var i = 0; i < ids.Length; i++)
            {
                var marks = set.Mark(ids[i], TrigramSet.Second, out var slot);
                if ((marks & TrigramSet.Second) == 0)
                {
                    inTerm[distinct] = marks == TrigramSet.First ? (byte)1 : (byte)0;
                    slotIds[slot] = distinct++;
                }

                ids[i] = slotIds[slot];
            }

            var lastPositions = ints.Slice(termCapacity + textCapacity + (2 * slots), distinct);
            lastPositions.Fill(-1);
            return BestExtent(ids, inTerm, termCount, lastPositions, bounds, strict);
        }
        finally
        {
            if (rentedInts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedInts);
            }

            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }
        }
    }

    /// <summary>
    /// pg_trgm's <c>iterate_word_similarity</c>, step for step and in single precision, so that ties and rounding go
    /// the same way: the stretch ends at each trigram the term has (strict: at each word's last trigram) and its start
    /// moves right while that raises the similarity (strict: only to a word's first trigram).
    /// </summary>
    /// <param name="ids">The id of the text's trigram at each position.</param>
    /// <param name="inTerm">For each id, 1 when the term has that trigram.</param>
    /// <param name="termCount">The number of distinct trigrams of the term.</param>
    /// <param name="lastPositions">For each id, -1; used as the last position of the id inside the stretch.</param>
    /// <param name="bounds">For each position, the word bounds (strict only).</param>
    /// <param name="strict">Whether the stretch is made of whole words.</param>
    private static float BestExtent(ReadOnlySpan<int> ids, ReadOnlySpan<byte> inTerm, int termCount, Span<int> lastPositions, ReadOnlySpan<byte> bounds, bool strict)
    {
        var extentCount = 0;
        var shared = 0;
        var lower = strict ? 0 : -1;
        var best = 0f;
        for (var upper = 0; upper < ids.Length; upper++)
        {
            var id = ids[upper];
            if (lower >= 0 || inTerm[id] != 0)
            {
                if (lastPositions[id] < 0)
                {
                    extentCount++;
                    shared += inTerm[id];
                }

                lastPositions[id] = upper;
            }

            if (strict ? (bounds[upper] & TrigramText.RightBound) == 0 : inTerm[id] == 0)
            {
                continue;
            }

            if (lower == -1)
            {
                lower = upper;
                extentCount = 1;
            }

            var current = Ratio(shared, termCount, extentCount);
            var currentUnion = (long)(termCount + extentCount - shared);
            var candidateShared = shared;
            var candidateCount = extentCount;
            var previousLower = lower;
            for (var candidate = lower; candidate <= upper; candidate++)
            {
                // Rounding to float keeps order, so a ratio not greater in integers is not greater in floats either:
                // the division and the float comparison run only when they can move the start.
                if ((!strict || (bounds[candidate] & TrigramText.LeftBound) != 0)
                    && candidateShared * currentUnion > (long)shared * (termCount + candidateCount - candidateShared))
                {
                    var similarity = Ratio(candidateShared, termCount, candidateCount);
                    if (similarity > current)
                    {
                        current = similarity;
                        currentUnion = termCount + candidateCount - candidateShared;
                        extentCount = candidateCount;
                        lower = candidate;
                        shared = candidateShared;
                    }
                }

                var candidateId = ids[candidate];
                if (lastPositions[candidateId] == candidate)
                {
                    candidateCount--;
                    candidateShared -= inTerm[candidateId];
                }
            }

            best = best > current ? best : current;
            for (var dropped = previousLower; dropped < lower; dropped++)
            {
                var droppedId = ids[dropped];
                if (lastPositions[droppedId] == dropped)
                {
                    lastPositions[droppedId] = -1;
                }
            }
        }

        return best;
    }

    /// <summary>Sorts the first <paramref name="count"/> trigrams and removes repeats; returns the distinct ones.</summary>
    private static Span<int> Distinct(Span<int> trigrams, int count)
    {
        trigrams = trigrams[..count];
        if (count < 2)
        {
            return trigrams;
        }

        trigrams.Sort();
        var distinct = 1;
        for (var i = 1; i < trigrams.Length; i++)
        {
            if (trigrams[i] != trigrams[distinct - 1])
            {
                trigrams[distinct++] = trigrams[i];
            }
        }

        return trigrams[..distinct];
    }

    /// <summary>pg_trgm's <c>CALCSML</c>: shared over the size of the union, in single precision.</summary>
    private static float Ratio(int shared, int count1, int count2) => shared / (float)(count1 + count2 - shared);

    /// <summary>show_trgm's text for one trigram.</summary>
    private static string Show(int trigram)
    {
        if (IsShownAsText(trigram >> 16) && IsShownAsText((trigram >> 8) & 0xFF) && IsShownAsText(trigram & 0xFF))
        {
            return string.Create(3, trigram, static (chars, value) =>
            {
                chars[0] = (char)(value >> 16);
                chars[1] = (char)((value >> 8) & 0xFF);
                chars[2] = (char)(value & 0xFF);
            });
        }

        return string.Create(8, trigram, static (chars, value) =>
        {
            chars[0] = '0';
            chars[1] = 'x';
            for (var i = 7; i >= 2; i--)
            {
                chars[i] = "0123456789abcdef"[value & 0xF];
                value >>= 4;
            }
        });
    }

    /// <summary>show_trgm's <c>ISPRINTABLECHAR</c>: an ASCII letter, digit or space.</summary>
    private static bool IsShownAsText(int value)
        => value == ' ' || (uint)(value - '0') <= '9' - '0' || (uint)((value | 0x20) - 'a') <= 'z' - 'a';
}
