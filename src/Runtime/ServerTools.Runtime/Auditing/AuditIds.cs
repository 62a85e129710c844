using System;
using System.Buffers.Binary;
using System.Threading;

namespace ServerTools.Auditing;

/// <summary>
/// Audit log ids: UUID version 7 (time-ordered, so the primary key index grows at its end), made strictly
/// increasing within the process, so logs written in the same millisecond, or while the clock stands still or
/// steps back, still sort in the order they were written. PostgreSQL compares uuids byte by byte, the order used here.
/// </summary>
/// <remarks>
/// The ids of one save are consecutive: the first takes its random bits from <see cref="Guid.CreateVersion7(DateTimeOffset)"/>,
/// the next ones add one to them (RFC 9562's "monotonic random" method). Each call of <c>CreateVersion7</c> asks the
/// operating system for random bytes, a system call: once per log it was a fifth of the time a save of 1,000 audited
/// entities spent capturing them. Ids of other processes stay apart by their own 62 random bits.
/// </remarks>
internal sealed class AuditIds
{
    private readonly Lock _gate = new();
    private UInt128 _last;

    /// <summary>The ids of this process's audit logs and outbox messages.</summary>
    public static AuditIds Shared { get; } = new();

    /// <summary>Fills <paramref name="ids"/> with consecutive ids of <paramref name="timestamp"/>, each greater than any given before.</summary>
    public void Fill(DateTimeOffset timestamp, Span<Guid> ids)
    {
        if (ids.IsEmpty)
        {
            return;
        }

        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(timestamp).TryWriteBytes(bytes, bigEndian: true, out _);
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        UInt128 first;
        lock (_gate)
        {
            // Only the 62 random bits at the end move: the version and variant bits stay valid.
            first = value > _last ? value : _last + 1;
            _last = first + (UInt128)(ids.Length - 1);
        }

        for (var i = 0; i < ids.Length; i++)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, first + (UInt128)i);
            ids[i] = new Guid(bytes, bigEndian: true);
        }
    }
}
