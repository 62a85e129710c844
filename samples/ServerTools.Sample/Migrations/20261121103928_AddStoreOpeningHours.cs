using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

namespace ServerTools.Sample.Migrations
{
    /// <inheritdoc />
    public partial class AddStoreOpeningHours : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Stores",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TimeZoneId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TimeWindowsSpecialDates = table.Column<NpgsqlRange<DateOnly>[]>(type: "datemultirange", nullable: false, defaultValueSql: "'{}'"),
                    TimeWindowsSpecialHours = table.Column<NpgsqlRange<DateTime>[]>(type: "tsmultirange", nullable: false, defaultValueSql: "'{}'"),
                    TimeWindowsWeekly = table.Column<NpgsqlRange<int>[]>(type: "int4multirange", nullable: false, defaultValueSql: "'{}'"),
                    SpecialDays = table.Column<string>(type: "jsonb", nullable: false),
                    TimeWindows = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Stores", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Stores");
        }
    }
}
