using System;
using System.Runtime.CompilerServices;

namespace ServerTools;

/// <summary>
/// Turns text into pg_trgm's trigrams, as PostgreSQL 15 does in a UTF-8 database: the words (maximal runs of
/// <see cref="TrigramCharacters.IsWordCharacter">word characters</see>), each lower-cased and padded with two spaces
/// before and one after, give one trigram per three consecutive characters, so a word of n characters gives n + 1.
/// </summary>
/// <remarks>
/// A trigram is held in an <see cref="int"/> as its three bytes, <c>b0 &lt;&lt; 16 | b1 &lt;&lt; 8 | b2</c>: the
/// characters themselves when all three are ASCII, otherwise the first three bytes in memory (little-endian) of
/// PostgreSQL's legacy CRC-32 of their UTF-8 form, as <c>compact_trigram</c> stores them.
/// </remarks>
internal static class TrigramText
{
    /// <summary>Marks the first trigram of a word.</summary>
    public const byte LeftBound = 1;

    /// <summary>Marks the last trigram of a word.</summary>
    public const byte RightBound = 2;

    private static readonly uint[] s_crcTable = BuildCrcTable();

    /// <summary>
    /// The most trigrams a text of <paramref name="length"/> UTF-16 code units can give: one word character gives
    /// one trigram and each word one more, so single-character words between single separators give the most.
    /// </summary>
    public static int MaxCount(int length) => length + 1;

    /// <summary>Whether <paramref name="text"/> holds a word character, so that it gives at least one trigram.</summary>
    public static bool HasWord(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (TrigramCharacters.IsWordCharacter(Read(text, ref i)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes the trigrams of <paramref name="text"/> in text order, duplicates kept, and returns how many there are.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="trigrams">Receives the trigrams; at least <see cref="MaxCount"/> long.</param>
    /// <param name="bounds">
    /// Empty, or as long as <paramref name="trigrams"/> and zeroed: receives <see cref="LeftBound"/> and
    /// <see cref="RightBound"/> on the first and last trigram of each word.
    /// </param>
    public static int Extract(ReadOnlySpan<char> text, Span<int> trigrams, Span<byte> bounds)
    {
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var codePoint = Read(text, ref i);
            if (!TrigramCharacters.IsWordCharacter(codePoint))
            {
                continue;
            }

            var first = count;
            int beforePrevious = ' ', previous = ' ';
            while (true)
            {
                var lower = TrigramCharacters.ToLower(codePoint);
                trigrams[count++] = Pack(beforePrevious, previous, lower);
                beforePrevious = previous;
                previous = lower;
                if (i == text.Length)
                {
                    break;
                }

                codePoint = Read(text, ref i);
                if (!TrigramCharacters.IsWordCharacter(codePoint))
                {
                    break;
                }
            }

            trigrams[count++] = Pack(beforePrevious, previous, ' ');
            if (!bounds.IsEmpty)
            {
                bounds[first] |= LeftBound;
                bounds[count - 1] |= RightBound;
            }
        }

        return count;
    }

    /// <summary>
    /// The code point at <paramref name="index"/>, which moves past it; -1 for a lone surrogate, which PostgreSQL
    /// cannot store and which is therefore never part of a word.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Read(ReadOnlySpan<char> text, ref int index)
    {
        var c = text[index++];
        if (!char.IsSurrogate(c))
        {
            return c;
        }

        if (char.IsHighSurrogate(c) && index < text.Length && char.IsLowSurrogate(text[index]))
        {
            return char.ConvertToUtf32(c, text[index++]);
        }

        return -1;
    }

    /// <summary>The trigram of three lower-cased code points.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Pack(int first, int second, int third)
        => (first | second | third) < 0x80 ? (first << 16) | (second << 8) | third : Hash(first, second, third);

    /// <summary><c>compact_trigram</c> for three code points not all ASCII: 3 bytes of the CRC of their UTF-8 bytes.</summary>
    private static int Hash(int first, int second, int third)
    {
        var crc = uint.MaxValue;
        crc = Crc(crc, first);
        crc = Crc(crc, second);
        crc = Crc(crc, third);
        crc = ~crc;
        return (int)(((crc & 0xFF) << 16) | (crc & 0xFF00) | ((crc >> 16) & 0xFF));
    }

    /// <summary>Feeds the UTF-8 bytes of a code point to PostgreSQL's legacy CRC-32 (<c>COMP_LEGACY_CRC32</c>).</summary>
    private static uint Crc(uint crc, int codePoint)
    {
        if (codePoint < 0x80)
        {
            return Step(crc, codePoint);
        }

        if (codePoint < 0x800)
        {
            crc = Step(crc, 0xC0 | (codePoint >> 6));
        }
        else
        {
            if (codePoint < 0x10000)
            {
                crc = Step(crc, 0xE0 | (codePoint >> 12));
            }
            else
            {
                crc = Step(crc, 0xF0 | (codePoint >> 18));
                crc = Step(crc, 0x80 | ((codePoint >> 12) & 0x3F));
            }

            crc = Step(crc, 0x80 | ((codePoint >> 6) & 0x3F));
        }

        return Step(crc, 0x80 | (codePoint & 0x3F));
    }

    /// <summary>
    /// One byte of the legacy CRC-32: the reflected table of polynomial 0xEDB88320, fed most significant byte first,
    /// as PostgreSQL has always computed it.
    /// </summary>
    private static uint Step(uint crc, int value) => s_crcTable[(int)((crc >> 24) ^ (uint)value) & 0xFF] ^ (crc << 8);

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var entry = i;
            for (var bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ 0xEDB88320u : entry >> 1;
            }

            table[i] = entry;
        }

        return table;
    }
}
