using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Npgsql;

namespace ServerTools.Testing.Tests;

/// <summary>Behaviour of a running server, on the process-wide shared server.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class PostgresServerTests(SharedServerFixture fixture)
{
    private readonly PostgresServer _server = fixture.Server;

    [Fact]
    public async Task SharedServerIsOneRunningServerThatDisposeDoesNotStop()
    {
        var again = await PostgresServer.GetSharedAsync();
        Assert.Same(_server, again);

        await again.DisposeAsync();
        again.Dispose();

        Assert.Equal("1", await ServerProbe.QueryAsync(_server.ConnectionString, "SELECT 1"));
        Assert.True(Directory.Exists(_server.DataDirectory));
    }

    [Fact]
    public async Task DatabasesCreatedOnOneServerAreIsolated()
    {
        var first = await _server.CreateDatabaseAsync("isolation");
        var second = await _server.CreateDatabaseAsync("isolation");

        await ServerProbe.QueryAsync(first, "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1)");

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        Assert.StartsWith("isolation_", new NpgsqlConnectionStringBuilder(first).Database, StringComparison.Ordinal);
        Assert.Equal("orders", await ServerProbe.QueryAsync(first, "SELECT to_regclass('orders')::text"));
        Assert.Null(await ServerProbe.QueryAsync(second, "SELECT to_regclass('orders')::text"));
    }

    [Theory]
    [InlineData("Orders")]
    [InlineData("my-db")]
    [InlineData("x\"; DROP DATABASE postgres; --")]
    [InlineData("")]
    [InlineData("a_prefix_that_is_far_too_long_to_leave_room_for_the_suffix")]
    public async Task DatabasePrefixOutsideLowercaseDigitsAndUnderscoreIsRejected(string prefix)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => _server.CreateDatabaseAsync(prefix));

        Assert.Equal("namePrefix", exception.ParamName);
        Assert.Contains($"'{prefix}' is not valid", exception.Message, StringComparison.Ordinal);
        Assert.Contains("lowercase letter (a-z), a digit (0-9) or an underscore (_)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DroppedDatabaseIsGoneEvenWithOpenConnections()
    {
        var connectionString = await _server.CreateDatabaseAsync("dropped");
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var open = new NpgsqlConnection(connectionString);
        await open.OpenAsync();

        await _server.DropDatabaseAsync(connectionString);

        Assert.Equal("0", await ServerProbe.QueryAsync(_server.ConnectionString, $"SELECT count(*) FROM pg_database WHERE datname = '{name}'"));
        await Assert.ThrowsAsync<ArgumentException>(() => _server.DropDatabaseAsync(_server.ConnectionString));
    }

    [Fact]
    public async Task ServerUsesUtf8WithCUtf8CharacterClassesSoPgTrgmSeesAccentedLetters()
    {
        var connectionString = await _server.CreateDatabaseAsync("utf8");

        Assert.Equal("UTF8", await ServerProbe.QueryAsync(connectionString, "SHOW server_encoding"));
        Assert.Equal("C.UTF-8", await ServerProbe.QueryAsync(connectionString, "SELECT datctype FROM pg_database WHERE datname = current_database()"));
        Assert.Equal("école", await ServerProbe.QueryAsync(connectionString, "SELECT lower('ÉCOLE')"));

        await ServerProbe.QueryAsync(connectionString, "CREATE EXTENSION pg_trgm");
        // Under a C ctype 'é' is not a word character and yields no trigrams at all.
        Assert.Equal("2", await ServerProbe.QueryAsync(connectionString, "SELECT cardinality(show_trgm('é'))"));
    }

    [Fact]
    public async Task ServerListensOnLoopbackOnlyWithFastUnsafeSettings()
    {
        Assert.Equal("127.0.0.1", await ServerProbe.QueryAsync(_server.ConnectionString, "SHOW listen_addresses"));
        Assert.Equal(string.Empty, await ServerProbe.QueryAsync(_server.ConnectionString, "SHOW unix_socket_directories"));
        Assert.Equal(_server.Port.ToString(CultureInfo.InvariantCulture), await ServerProbe.QueryAsync(_server.ConnectionString, "SHOW port"));
        foreach (var setting in new[] { "fsync", "synchronous_commit", "full_page_writes" })
        {
            Assert.Equal("off", await ServerProbe.QueryAsync(_server.ConnectionString, $"SHOW {setting}"));
        }
    }

    [Fact]
    public async Task ConnectionsWithoutTheServersPasswordAreRefused()
    {
        var database = await _server.CreateDatabaseAsync("password");
        var withoutPassword = new NpgsqlConnectionStringBuilder(database) { Password = null, Pooling = false };
        var wrongPassword = new NpgsqlConnectionStringBuilder(database) { Password = "postgres", Pooling = false };

        var missing = await Assert.ThrowsAsync<NpgsqlException>(() => OpenAsync(withoutPassword.ConnectionString));
        var wrong = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(wrongPassword.ConnectionString));

        Assert.Contains("No password has been provided but the backend requires one", missing.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.InvalidPassword, wrong.SqlState);
        var password = new NpgsqlConnectionStringBuilder(_server.ConnectionString).Password;
        Assert.Equal(48, password?.Length);
        Assert.Equal(password, new NpgsqlConnectionStringBuilder(database).Password);
        Assert.Equal("0", await ServerProbe.QueryAsync(database, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'"));

        static async Task OpenAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        }
    }

    [Fact]
    public void ServerRunsAsThePostgresUserWhenThisProcessIsRoot()
    {
        var postmaster = ServerProbe.ReadPostmasterProcessId(_server.DataDirectory);

        var expected = Environment.IsPrivilegedProcess ? UserId("postgres") : RealUserId("self");

        Assert.NotEqual(0, RealUserId(postmaster.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(expected, RealUserId(postmaster.ToString(CultureInfo.InvariantCulture)));

        static int RealUserId(string process) =>
            int.Parse(
                File.ReadLines($"/proc/{process}/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal))
                    .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1],
                CultureInfo.InvariantCulture);

        static int UserId(string user) =>
            int.Parse(
                File.ReadLines("/etc/passwd").Select(line => line.Split(':')).First(fields => fields[0] == user)[2],
                CultureInfo.InvariantCulture);
    }
}
