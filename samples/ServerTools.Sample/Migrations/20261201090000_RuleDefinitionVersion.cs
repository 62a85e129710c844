using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ServerTools.Sample.Migrations
{
    /// <inheritdoc />
    public partial class RuleDefinitionVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "servertools_rule_definitions",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "xmin",
                table: "servertools_rule_definitions");
        }
    }
}
