using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Infrastructure;

/// <summary>
/// Rows in PostgreSQL's binary COPY format (<c>COPY ... FROM STDIN (FORMAT BINARY)</c>), encoded in memory so that they
/// can be prepared before the COPY starts (while the save's own statements run) and then sent in a few large writes.
/// The memory is pooled chunks, never one growing array; <see cref="Dispose"/> returns them.
/// </summary>
/// <remarks>
/// The format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4): a 19-byte header, then per row
/// the field count (int16) and per field its length (int32, -1 for NULL) and its bytes in the type's binary
/// (<c>send</c>/<c>recv</c>) form, then -1 (int16). Only the types ServerTools writes are encoded here.
/// </remarks>
internal sealed class CopyRowBuffer : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    // Microseconds between 0001-01-01 and 2000-01-01, PostgreSQL's epoch for timestamps.
    private const long PostgresEpochTicks = 630_822_816_000_000_000;

    private readonly List<(byte[] Array, int Length)> _full = [];
    private byte[] _chunk;
    private int _written;

    /// <param name="header">Whether the buffer starts the data (the header comes first), or continues another one.</param>
    public CopyRowBuffer(bool header)
    {
        _chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        if (header)
        {
            // "PGCOPY\n\377\r\n\0", no flags, no header extension.
            Write([0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
        }
    }

    public void StartRow(short fieldCount) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), fieldCount);

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);

    /// <summary><c>integer</c>.</summary>
    public void Int32(int value)
    {
        var span = Reserve(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
    }

    public void Uuid(Guid value)
    {
        var span = Reserve(20);
        BinaryPrimitives.WriteInt32BigEndian(span, 16);
        value.TryWriteBytes(span[4..], bigEndian: true, out _);
    }

    /// <summary><c>timestamp with time zone</c>: microseconds since 2000-01-01 UTC (sub-microsecond ticks dropped, as Npgsql does).</summary>
    public void TimestampTz(DateTimeOffset value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], (value.UtcTicks - PostgresEpochTicks) / 10);
    }

    /// <summary><c>text</c>, or NULL for null.</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        var span = Space(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        _written += 4 + length;
    }

    /// <summary><c>json</c> (the text itself) or <c>jsonb</c> (a version byte, 1, then the text), from UTF-8.</summary>
    public void Json(ReadOnlySpan<byte> utf8, bool jsonb)
    {
        var prefix = jsonb ? 1 : 0;
        var span = Reserve(4 + prefix + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, prefix + utf8.Length);
        if (jsonb)
        {
            span[4] = 1;
        }

        utf8.CopyTo(span[(4 + prefix)..]);
    }

    /// <summary>The trailer a binary COPY's data ends with: -1 as an int16.</summary>
    public static ReadOnlyMemory<byte> Trailer { get; } = new byte[] { 0xFF, 0xFF };

    /// <summary>Ends the data with the <see cref="Trailer"/>.</summary>
    public void End() => Write(Trailer.Span);

    public void CopyTo(Stream stream)
    {
        foreach (var (array, length) in _full)
        {
            stream.Write(array, 0, length);
        }

        stream.Write(_chunk, 0, _written);
    }

    public async Task CopyToAsync(Stream stream, CancellationToken cancellationToken)
    {
        foreach (var (array, length) in _full)
        {
            await stream.WriteAsync(array.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }

        await stream.WriteAsync(_chunk.AsMemory(0, _written), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var (array, _) in _full)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _full.Clear();
        ArrayPool<byte>.Shared.Return(_chunk);
        _chunk = [];
        _written = 0;
    }

    private void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Exactly <paramref name="size"/> contiguous bytes, counted as written.</summary>
    private Span<byte> Reserve(int size)
    {
        var span = Space(size)[..size];
        _written += size;
        return span;
    }

    /// <summary>At least <paramref name="size"/> contiguous bytes at the end, not yet counted as written.</summary>
    private Span<byte> Space(int size)
    {
        if (_chunk.Length - _written < size)
        {
            _full.Add((_chunk, _written));
            _chunk = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkSize, size));
            _written = 0;
        }

        return _chunk.AsSpan(_written);
    }
}
