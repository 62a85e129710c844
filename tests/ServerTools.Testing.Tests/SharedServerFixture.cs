using System.Threading.Tasks;

namespace ServerTools.Testing.Tests;

/// <summary>Hands the process-wide server to a test collection; the server stops when the test process exits.</summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.GetSharedAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class SharedServerDefinition : ICollectionFixture<SharedServerFixture>
{
    public const string Name = "Shared PostgreSQL server";
}
