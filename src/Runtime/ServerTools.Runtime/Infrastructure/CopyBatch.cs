using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Npgsql;

namespace ServerTools.Infrastructure;

/// <summary>
/// The rows one save writes with one binary COPY (audit logs, outbox messages), encoded into pooled memory in two parts:
/// <list type="bullet">
/// <item>the rows whose values are all known once the save has started (updates, deletes): on the thread pool, started by
/// <see cref="EncodeAhead"/>, so the work overlaps the save's own statements, which keep the connection and the database
/// busy meanwhile; the write takes the work over if it comes first, and it is done once however often the batch is
/// written;</item>
/// <item>the rows of created entities, whose keys and generated values are known only after the save's statements: at
/// each write.</item>
/// </list>
/// The write then sends bytes only (<see cref="CopyWriter.BeginRaw"/>): no value goes through Npgsql's importer one by one.
/// </summary>
internal abstract class CopyBatch : IDisposable
{
    private Task? _ahead;
    private int _claimed;
    private CopyRowBuffer? _captured;

    // The rows left out after the capture (see Drop), and whether the rows encoded ahead may still hold some of them.
    private bool[]? _dropped;
    private bool _encodeAgain;

    protected CopyBatch(DbContext context) => Context = context;

    /// <summary>The context of the save.</summary>
    public DbContext Context { get; }

    /// <summary>The <c>COPY ... FROM STDIN (FORMAT BINARY)</c> statement the rows are written with.</summary>
    protected abstract string CopySql { get; }

    /// <summary>The JSON column the rows carry, for its encoding and for the error a database with the other type gives.</summary>
    protected abstract CopyJsonColumn JsonColumn { get; }

    /// <summary>Whether some rows are encoded at the write by <see cref="EncodeCreated"/>.</summary>
    protected abstract bool HasCreated { get; }

    /// <summary>The number of rows captured, each of one entity (see <see cref="EntityOf"/>).</summary>
    protected abstract int RowCount { get; }

    /// <summary>Starts encoding the rows known now on the thread pool.</summary>
    public void EncodeAhead() => _ahead = Task.Run(() => EncodeCapturedOnce());

    /// <summary>
    /// Leaves out the rows of <paramref name="entries"/>, whose statements affected no row: a concurrency conflict the
    /// application suppresses lets the save go on without them. Called on the save's own flow, before its write; rows
    /// encoded ahead meanwhile are encoded again at the write.
    /// </summary>
    public virtual void Drop(IReadOnlyList<EntityEntry> entries)
    {
        for (var i = 0; i < RowCount; i++)
        {
            if (EntityOf(i) is { } entity && Contains(entries, entity))
            {
                (_dropped ??= new bool[RowCount])[i] = true;
                EncodeAgain();
            }
        }

        static bool Contains(IReadOnlyList<EntityEntry> entries, object entity)
        {
            foreach (var entry in entries)
            {
                if (ReferenceEquals(entry.Entity, entity))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Writes the rows with one binary COPY on <paramref name="connection"/>, in the save's transaction. A failure half
    /// way cancels the COPY, so none of its rows stay (a COPY ended normally keeps the rows sent so far).
    /// </summary>
    public void WriteTo(NpgsqlConnection connection)
    {
        if (!EncodeCapturedOnce())
        {
            _ahead?.GetAwaiter().GetResult();
            EncodeCapturedAgainIfDropped();
        }
        else
        {
            _encodeAgain = false;
        }

        using var created = EncodeCreatedNow();
        NpgsqlRawCopyStream copy;
        try
        {
            copy = CopyWriter.BeginRaw(Context, connection, CopySql);
        }
        catch (PostgresException error) when (Explain(error) is { } explained)
        {
            throw explained;
        }

        try
        {
            Captured().CopyTo(copy);
            if (created is null)
            {
                copy.Write(CopyRowBuffer.Trailer.Span);
            }
            else
            {
                created.CopyTo(copy);
            }
        }
        catch
        {
            Abandon(copy);
            throw;
        }

        try
        {
            copy.Dispose();
        }
        catch (PostgresException error) when (Explain(error) is { } explained)
        {
            throw explained;
        }
    }

    /// <inheritdoc cref="WriteTo"/>
    public async Task WriteToAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!EncodeCapturedOnce())
        {
            if (_ahead is not null)
            {
                await _ahead.ConfigureAwait(false);
            }

            EncodeCapturedAgainIfDropped();
        }
        else
        {
            _encodeAgain = false;
        }

        using var created = EncodeCreatedNow();
        NpgsqlRawCopyStream copy;
        try
        {
            copy = await CopyWriter.BeginRawAsync(Context, connection, CopySql, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException error) when (Explain(error) is { } explained)
        {
            throw explained;
        }

        try
        {
            await Captured().CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            if (created is null)
            {
                await copy.WriteAsync(CopyRowBuffer.Trailer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await created.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await AbandonAsync(copy).ConfigureAwait(false);
            throw;
        }

        try
        {
            await copy.DisposeAsync().ConfigureAwait(false);
        }
        catch (PostgresException error) when (Explain(error) is { } explained)
        {
            throw explained;
        }
    }

    /// <summary>
    /// The error to report instead of <paramref name="error"/> when it says what the database lacks: the JSON column of
    /// the other type (<see cref="CopyJsonColumn.Explain"/>), or the table or one of its columns
    /// (<see cref="ServerToolsTables.Explain"/>). Null for any other error.
    /// </summary>
    private InvalidOperationException? Explain(PostgresException error)
        => JsonColumn.Explain(error) ?? ServerToolsTables.Explain(
            error,
            JsonColumn.Table,
            "The rows ServerTools writes there were not written, and the save or the audited query that needed them fails: a save's "
            + "transaction cannot commit, so none of its changes are stored.");

    /// <summary>Returns the encoded rows' memory to the pool, once the encoding ahead (if still running) is done with it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _claimed, 1) == 0)
        {
            return; // never encoded: the thread pool, if it starts now, finds the work taken
        }

        if (_ahead is { IsCompleted: false } ahead)
        {
            ahead.ContinueWith(static (done, batch) => ((CopyBatch)batch!).Release(done), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        Release(_ahead);
    }

    /// <summary>
    /// Encodes the rows whose values are known since the save started. Runs once, on the thread pool or in the write,
    /// so it reads only what was captured, never the context.
    /// </summary>
    protected abstract void EncodeCaptured(CopyRowBuffer rows);

    /// <summary>Encodes the rows of created entities, reading their values from the context now.</summary>
    protected abstract void EncodeCreated(CopyRowBuffer rows);

    /// <summary>The entity the row at <paramref name="index"/> is about (the entity of its entry), or null when it has none.</summary>
    protected abstract object? EntityOf(int index);

    /// <summary>Makes the write encode the captured rows again, as what <see cref="Drop"/> left out changed since they were encoded ahead.</summary>
    protected void EncodeAgain() => _encodeAgain = true;

    /// <summary>Whether the row at <paramref name="index"/> was left out by <see cref="Drop"/>: its encoders skip it.</summary>
    protected bool IsDropped(int index) => _dropped is { } dropped && dropped[index];

    /// <summary>
    /// Cancels a COPY that failed half way (PostgreSQL discards its rows and fails the statement, which leaves the
    /// transaction unable to commit). Cancelling fails too when the connection broke, which discards the rows as well:
    /// the first error is the one to report.
    /// </summary>
    private static void Abandon(NpgsqlRawCopyStream copy)
    {
        try
        {
            copy.Cancel();
        }
        catch (NpgsqlException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <inheritdoc cref="Abandon"/>
    private static async Task AbandonAsync(NpgsqlRawCopyStream copy)
    {
        try
        {
            await copy.CancelAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private CopyRowBuffer Captured() => _captured ?? throw new InvalidOperationException(
        "The rows of this save were not encoded: the batch was written after it was released, or its encoding failed earlier.");

    /// <summary>
    /// Returns the memory. A failure of the encoding ahead that no write reported (the save failed before its write) is
    /// taken as seen here: the save's own error is the one its caller gets.
    /// </summary>
    private void Release(Task? ahead)
    {
        _ = ahead?.Exception;
        Interlocked.Exchange(ref _captured, null)?.Dispose();
    }

    /// <summary>
    /// The header and the captured rows, once: by whichever of the thread pool and the write comes first. True when this
    /// call did the work; false when the other one has it (done, running, or failed).
    /// </summary>
    private bool EncodeCapturedOnce()
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0)
        {
            return false;
        }

        _captured = EncodeCapturedRows();
        return true;
    }

    /// <summary>
    /// Encodes the captured rows again when rows were dropped since they were encoded ahead (once the encoding ahead is
    /// over, so they cannot both run): rare, as it takes a concurrency conflict the application suppresses.
    /// </summary>
    private void EncodeCapturedAgainIfDropped()
    {
        if (!_encodeAgain)
        {
            return;
        }

        _encodeAgain = false;
        Interlocked.Exchange(ref _captured, EncodeCapturedRows())?.Dispose();
    }

    /// <summary>The header and the captured rows, in memory of their own.</summary>
    private CopyRowBuffer EncodeCapturedRows()
    {
        var rows = new CopyRowBuffer(header: true);
        try
        {
            EncodeCaptured(rows);
            return rows;
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    /// <summary>The created rows and the trailer, or null when no row is created.</summary>
    private CopyRowBuffer? EncodeCreatedNow()
    {
        if (!HasCreated)
        {
            return null;
        }

        var rows = new CopyRowBuffer(header: false);
        try
        {
            EncodeCreated(rows);
            rows.End();
            return rows;
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }
}
