using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ServerTools.Sample.Migrations
{
    /// <inheritdoc />
    public partial class OutboxDeliveryOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_servertools_outbox_State_NextAttemptAt",
                table: "servertools_outbox");

            migrationBuilder.AddColumn<List<string>>(
                name: "HandledBy",
                table: "servertools_outbox",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "servertools_outbox",
                type: "bigint",
                nullable: false,
                defaultValue: 0L)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            // Added by hand: adding the identity column numbers the existing rows in the order the table stores them,
            // where a change updated by a retry comes after later ones. Number them in the order they were written, and
            // let the identity go on after the last.
            migrationBuilder.Sql(
                """
                UPDATE servertools_outbox AS o SET "Sequence" = n.number
                FROM (SELECT "Id", row_number() OVER (ORDER BY "Timestamp", "Id") AS number FROM servertools_outbox) AS n
                WHERE o."Id" = n."Id";
                SELECT setval(pg_get_serial_sequence('servertools_outbox', 'Sequence'), coalesce(max("Sequence"), 0) + 1, false)
                FROM servertools_outbox;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_servertools_outbox_EntityType_EntityKey_Sequence",
                table: "servertools_outbox",
                columns: new[] { "EntityType", "EntityKey", "Sequence" },
                filter: "\"State\" = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "IX_servertools_outbox_State_EntityType_NextAttemptAt_Sequence",
                table: "servertools_outbox",
                columns: new[] { "State", "EntityType", "NextAttemptAt", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_servertools_outbox_EntityType_EntityKey_Sequence",
                table: "servertools_outbox");

            migrationBuilder.DropIndex(
                name: "IX_servertools_outbox_State_EntityType_NextAttemptAt_Sequence",
                table: "servertools_outbox");

            migrationBuilder.DropColumn(
                name: "HandledBy",
                table: "servertools_outbox");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "servertools_outbox");

            migrationBuilder.CreateIndex(
                name: "IX_servertools_outbox_State_NextAttemptAt",
                table: "servertools_outbox",
                columns: new[] { "State", "NextAttemptAt" });
        }
    }
}
