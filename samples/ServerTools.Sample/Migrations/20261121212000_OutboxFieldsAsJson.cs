using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ServerTools.Sample.Migrations
{
    /// <inheritdoc />
    public partial class OutboxFieldsAsJson : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Fields",
                table: "servertools_outbox",
                type: "json",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Fields",
                table: "servertools_outbox",
                type: "jsonb",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "json");
        }
    }
}
