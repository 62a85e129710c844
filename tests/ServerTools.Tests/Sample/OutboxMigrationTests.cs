using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using ServerTools.Sample.Data;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Sample;

/// <summary>
/// The sample's <c>OutboxDeliveryOrder</c> migration numbers the changes already in the outbox in the order they were
/// written, not in the order the table happens to store them (a change updated by a retry is stored after later ones),
/// and new changes are numbered after them.
/// </summary>
public sealed class OutboxMigrationTests : IAsyncLifetime
{
    private readonly DatabaseFixture _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Existing_changes_are_numbered_in_the_order_they_were_written()
    {
        await using var db = new ShopDbContext(ShopDbContextFactory.CreateOptions(_database.ConnectionString));
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync("20261201090000_RuleDefinitionVersion");

        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        var older = Guid.NewGuid();
        var newer = Guid.NewGuid();
        await Insert(connection, older, "2026-03-02 10:00:00+00");
        await Insert(connection, newer, "2026-03-02 10:05:00+00");
        // A retry updates the older change: PostgreSQL stores its new row version after the newer change.
        await using (var retry = new NpgsqlCommand("""UPDATE servertools_outbox SET "Attempts" = 1 WHERE "Id" = @id""", connection))
        {
            retry.Parameters.AddWithValue("id", older);
            await retry.ExecuteNonQueryAsync();
        }

        await migrator.MigrateAsync();

        var sequences = await Sequences(connection);
        Assert.True(sequences[older] < sequences[newer], $"older {sequences[older]}, newer {sequences[newer]}");

        var next = Guid.NewGuid();
        await Insert(connection, next, "2026-03-02 10:10:00+00");
        Assert.Equal(3, (await Sequences(connection))[next]);
    }

    private static async Task Insert(NpgsqlConnection connection, Guid id, string timestamp)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO servertools_outbox ("Id", "Operation", "EntityType", "EntityKey", "Timestamp", "State", "Attempts", "NextAttemptAt", "Fields")
            VALUES (@id, 'Update', 'Order', '7', @timestamp::timestamptz, 'Pending', 0, @timestamp::timestamptz, '[]')
            """,
            connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("timestamp", timestamp);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Dictionary<Guid, long>> Sequences(NpgsqlConnection connection)
    {
        var sequences = new Dictionary<Guid, long>();
        await using var command = new NpgsqlCommand("""SELECT "Id", "Sequence" FROM servertools_outbox""", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sequences[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        return sequences;
    }
}
