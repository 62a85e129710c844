using System;
using System.Data;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ServerTools.Infrastructure;

/// <summary>
/// The connection and the binary COPY that ServerTools writes its rows with (audit logs, outbox messages): the
/// connection of the save's transaction, or the context's (opened for the write when it was closed, then closed), and
/// raw binary COPY streams that honour the context's command timeout.
/// </summary>
internal static class CopyWriter
{
    /// <summary>Runs <paramref name="write"/> on the Npgsql connection of <paramref name="transaction"/> or of the context.</summary>
    public static void Run(DbContext context, DbTransaction? transaction, Action<NpgsqlConnection> write)
    {
        var (connection, opened) = Open(context, transaction);
        try
        {
            write(connection);
        }
        finally
        {
            if (opened)
            {
                context.Database.CloseConnection();
            }
        }
    }

    /// <inheritdoc cref="Run"/>
    public static async Task RunAsync(DbContext context, DbTransaction? transaction, Func<NpgsqlConnection, Task> write)
    {
        var (connection, opened) = Open(context, transaction);
        try
        {
            await write(connection).ConfigureAwait(false);
        }
        finally
        {
            if (opened)
            {
                await context.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="copy"/> (<c>COPY ... FROM STDIN (FORMAT BINARY)</c>) for rows the caller encodes
    /// (<see cref="CopyRowBuffer"/>), with the context's command timeout. Disposing the stream ends the COPY.
    /// </summary>
    public static NpgsqlRawCopyStream BeginRaw(DbContext context, NpgsqlConnection connection, string copy)
        => WithTimeout(context, connection.BeginRawBinaryCopy(copy));

    /// <inheritdoc cref="BeginRaw"/>
    public static async Task<NpgsqlRawCopyStream> BeginRawAsync(DbContext context, NpgsqlConnection connection, string copy, CancellationToken cancellationToken)
        => WithTimeout(context, await connection.BeginRawBinaryCopyAsync(copy, cancellationToken).ConfigureAwait(false));

    private static NpgsqlRawCopyStream WithTimeout(DbContext context, NpgsqlRawCopyStream stream)
    {
        if (context.Database.GetCommandTimeout() is { } seconds && stream.CanTimeout)
        {
            stream.WriteTimeout = stream.ReadTimeout = seconds * 1000;
        }

        return stream;
    }

    private static (NpgsqlConnection Connection, bool Opened) Open(DbContext context, DbTransaction? transaction)
    {
        var connection = transaction?.Connection ?? context.Database.GetDbConnection();
        if (connection is not NpgsqlConnection npgsql)
        {
            throw new NotSupportedException(
                $"ServerTools writes the audit trail and the outbox to PostgreSQL through Npgsql, but this context uses '{connection.GetType().FullName}'. " +
                "Use UseNpgsql(...), or turn the features off for this context with UseServerTools(o => { o.Auditing.Enabled = false; o.Tracking.Enabled = false; }).");
        }

        if (npgsql.State == ConnectionState.Open)
        {
            return (npgsql, false);
        }

        context.Database.OpenConnection();
        return (npgsql, true);
    }
}
