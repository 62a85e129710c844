using System.Threading.Tasks;
using ServerTools.Testing;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// A fresh database for one test class, on the one PostgreSQL server this test run shares
/// (<see cref="PostgresServer.GetSharedAsync"/>). Classes run in parallel; each sees only its own tables.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>The connection string of this class's database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetSharedAsync();
        ConnectionString = await _server.CreateDatabaseAsync("tests");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null && ConnectionString.Length > 0)
        {
            await _server.DropDatabaseAsync(ConnectionString);
        }
    }
}
