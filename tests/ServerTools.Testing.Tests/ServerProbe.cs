using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using Npgsql;

namespace ServerTools.Testing.Tests;

/// <summary>Small reads of a server's state, shared by the test classes.</summary>
internal static class ServerProbe
{
    public static async Task<string?> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? null : value.ToString();
    }

    /// <summary>Opens a connection to the port (no pooling) and returns the socket error when it fails.</summary>
    public static async Task<SocketError?> ConnectErrorAsync(int port)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = false, Timeout = 5,
        }.ConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return null;
        }
        catch (NpgsqlException exception) when (exception.InnerException is SocketException socket)
        {
            return socket.SocketErrorCode;
        }
    }

    public static int ReadPostmasterProcessId(string dataDirectory) =>
        int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
}
