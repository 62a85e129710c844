using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
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

    protected CopyBatch(DbContext context) => Context = context;

    /// <summary>The context of the save.</summary>
    public DbContext Context { get; }

    /// <summary>The <c>COPY ... FROM STDIN (FORMAT BINARY)</c> statement the rows are written with.</summary>
    protected abstract string CopySql { get; }

    /// <summary>The JSON column the rows carry, for its encoding and for the error a database with the other type gives.</summary>
    protected abstract CopyJsonColumn JsonColumn { get; }

    /// <summary>Whether some rows are encoded at the write by <see cref="EncodeCreated"/>.</summary>
    protected abstract bool HasCreated { get; }

    /// <summary>Starts encoding the rows known now on the thread pool.</summary>
    public void EncodeAhead() => _ahead = Task.Run(() => EncodeCapturedOnce());

    /// <summary>
    /// Writes the rows with one binary COPY on <paramref name="connection"/>, in the save's transaction. A failure half
    /// way cancels the COPY, so none of its rows stay (a COPY ended normally keeps the rows sent so far).
    /// </summary>
    public void WriteTo(NpgsqlConnection connection)
    {
        if (!EncodeCapturedOnce())
        {
            _ahead?.GetAwaiter().GetResult();
        }

        using var created = EncodeCreatedNow();
        var copy = CopyWriter.BeginRaw(Context, connection, CopySql);
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
        catch (PostgresException error) when (JsonColumn.Explain(error) is { } explained)
        {
            throw explained;
        }
    }

    /// <inheritdoc cref="WriteTo"/>
    public async Task WriteToAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!EncodeCapturedOnce() && _ahead is not null)
        {
            await _ahead.ConfigureAwait(false);
        }

        using var created = EncodeCreatedNow();
        var copy = await CopyWriter.BeginRawAsync(Context, connection, CopySql, cancellationToken).ConfigureAwait(false);
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
        catch (PostgresException error) when (JsonColumn.Explain(error) is { } explained)
        {
            throw explained;
        }
    }

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

        var rows = new CopyRowBuffer(header: true);
        try
        {
            EncodeCaptured(rows);
        }
        catch
        {
            rows.Dispose();
            throw;
        }

        _captured = rows;
        return true;
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
