using System;
using System.Numerics;

namespace ServerTools;

/// <summary>
/// Trigrams of two strings, each marked with the strings that have it, in a span the caller provides (on the stack or
/// rented): open addressing with linear probing, one probe per trigram, so that counting the distinct and the shared
/// trigrams costs no sort and no allocation.
/// </summary>
internal readonly ref struct TrigramSet
{
    /// <summary>The mark of a trigram of the first string.</summary>
    public const int First = 1 << 25;

    /// <summary>The mark of a trigram of the second string.</summary>
    public const int Second = 1 << 26;

    private const int MinimumSlots = 16;

    /// <summary>The trigram plus 1 (a trigram is 24 bits), so that 0 is an empty slot.</summary>
    private const int KeyMask = First - 1;

    /// <summary>0 for an empty slot, else the trigram plus 1 with its marks.</summary>
    private readonly Span<int> _slots;
    private readonly int _shift;

    /// <summary>An empty set over <paramref name="slots"/>, whose length is a <see cref="SlotCount"/>.</summary>
    public TrigramSet(Span<int> slots)
    {
        slots.Clear();
        _slots = slots;
        _shift = 32 - BitOperations.Log2((uint)slots.Length);
    }

    /// <summary>The slots for up to <paramref name="trigrams"/> distinct trigrams: a power of two, at most half full.</summary>
    public static int SlotCount(int trigrams) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinimumSlots, 2 * trigrams));

    /// <summary>Adds the trigram with <paramref name="mark"/>; returns the marks it had before (0 when it was not in the set).</summary>
    /// <param name="trigram">The trigram.</param>
    /// <param name="mark"><see cref="First"/> or <see cref="Second"/>.</param>
    /// <param name="slot">Where the trigram is: the same for the same trigram as long as the set lives.</param>
    public int Mark(int trigram, int mark, out int slot)
    {
        var key = trigram + 1;
        var mask = _slots.Length - 1;
        slot = (int)(((uint)key * 0x9E3779B1u) >> _shift);
        while (_slots[slot] != 0 && (_slots[slot] & KeyMask) != key)
        {
            slot = (slot + 1) & mask;
        }

        var marks = _slots[slot] & ~KeyMask;
        _slots[slot] = key | marks | mark;
        return marks;
    }
}
