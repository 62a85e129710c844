using System;
using System.Buffers.Binary;
using System.Threading;

namespace ServerTools.Auditing;

/// <summary>
/// Audit log ids: UUID version 7 (time-ordered, so the primary key index grows at its end), made strictly
/// increasing within the process, so logs written in the same millisecond, or while the clock stands still or
/// steps back, still sort in the order they were written. PostgreSQL compares uuids byte by byte, the order used here.
/// </summary>
internal static class AuditIds
{
    private static readonly Lock s_gate = new();
    private static UInt128 s_last;

    public static Guid Next(DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(timestamp).TryWriteBytes(bytes, bigEndian: true, out _);
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        lock (s_gate)
        {
            // Only the 62 random bits at the end move: the version and variant bits stay valid.
            s_last = value > s_last ? value : s_last + 1;
            value = s_last;
        }

        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true);
    }
}
