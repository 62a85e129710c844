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
