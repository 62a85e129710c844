using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using ServerTools.Infrastructure;

namespace ServerTools.TimeWindows;

/// <summary>
/// Explains PostgreSQL's "column does not exist" (42703), in a query, a save, an <c>ExecuteUpdate</c> or an <c>ExecuteDelete</c>, about a column that <c>UseServerTools()</c> maps on the
/// application's own table of a <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entity (its JSON columns
/// <c>TimeWindows</c> and <c>SpecialDays</c>, and on PostgreSQL the multirange columns of <see cref="TimeWindowColumns"/>):
/// the table was made before the class was marked, and the migration that adds them is missing or not applied. Without it
/// the error names a column the application never declared (<c>column s.TimeWindowsSpecialDates does not exist</c>). Any
/// other column's error is left as PostgreSQL gave it.
/// <para>Also explains PostgreSQL's "time zone not recognized" (22023) in a query (or <c>ExecuteUpdate</c>, <c>ExecuteDelete</c>) whose every time zone conversion is
/// <c>WhereOpenAt</c>'s of a time-windowed table's zone column: a row holds a zone id PostgreSQL does not know, written
/// around ServerTools (SaveChanges refuses such ids).</para>
/// </summary>
internal static class TimeWindowColumnErrors
{
    /// <summary>
    /// The time-windowed tables of the models built in this process, by context type and column (as <see cref="Remember"/>
    /// keeps them). Kept, not replaced, when another model of the context type is built: a context type can be used with
    /// several providers (an in-memory one in unit tests), whose models differ.
    /// </summary>
    private static readonly ConcurrentDictionary<(Type Context, string Table, string Column), TimeWindowTable> s_columns = new();

    /// <summary>The multirange columns (which <c>WhereOpenAt</c> reads) of the time-windowed tables in <see cref="s_columns"/>, by context type and table.</summary>
    private static readonly ConcurrentDictionary<(Type Context, TimeWindowTable Table), string[]> s_rangeColumns = new();

    private const string ZonePrefix = "time zone \"";
    private const string ZoneSuffix = "\" not recognized";

    /// <summary>A conversion with a column's zone, as <c>WhereOpenAt</c> writes it: <c>timezone(s."TimeZoneId", ...</c>.</summary>
    private static readonly Regex s_zoneColumn = new(
        @"\btimezone\s*\(\s*(?<alias>" + UndefinedColumns.IdentifierPattern + @")\s*\.\s*(?<column>" + UndefinedColumns.IdentifierPattern + ")", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Any time zone conversion of a statement: <c>timezone(</c> or <c>AT TIME ZONE</c>.</summary>
    private static readonly Regex s_zoneUse = new(@"\btimezone\s*\(|\bAT\s+TIME\s+ZONE\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>
    /// Keeps the tables of the <c>[TimeWindowed]</c> entity types that <paramref name="model"/>, of <paramref name="contextType"/>,
    /// maps, with the columns ServerTools maps on them, as the finished model names them.
    /// </summary>
    public static void Remember(Type contextType, IReadOnlyModel model)
    {
        foreach (var type in model.GetEntityTypes())
        {
            // The marked class itself: a derived entity type has its opening hours, in the same table.
            if (!typeof(ITimeWindowed).IsAssignableFrom(type.ClrType)
                || (type.BaseType is { } baseType && typeof(ITimeWindowed).IsAssignableFrom(baseType.ClrType))
                || type.GetTableName() is not { } name)
            {
                continue;
            }

            var table = StoreObjectIdentifier.Table(name, type.GetSchema());
            var columns = type.GetComplexProperties()
                .Where(TimeWindowModelConvention.IsStoredSchedule)
                .Select(static property => property.ComplexType.GetContainerColumnName())
                .Concat(new[] { TimeWindowColumns.Weekly, TimeWindowColumns.SpecialDates, TimeWindowColumns.SpecialHours }
                    .Select(column => type.FindProperty(column)?.GetColumnName(table)))
                .OfType<string>()
                .ToArray();
            var remembered = new TimeWindowTable(name, UndefinedColumns.Reference(name, type.GetSchema()), table.DisplayName(), type.DisplayName());
            s_rangeColumns.TryAdd((contextType, remembered), [.. new[] { TimeWindowColumns.Weekly, TimeWindowColumns.SpecialDates, TimeWindowColumns.SpecialHours }
                .Select(column => type.FindProperty(column)?.GetColumnName(table)).OfType<string>()]);
            foreach (var column in columns)
            {
                s_columns.TryAdd((contextType, table.DisplayName(), column), remembered);
            }
        }

        UndefinedColumns.Remember(contextType, model, [.. s_columns.Keys.Where(key => key.Context == contextType).Select(static key => key.Column).Distinct()]);
    }

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/>, a query's, when a time-windowed table of
    /// <paramref name="contextType"/> lacks a column ServerTools maps on it (see <see cref="Explain"/>); null for any other
    /// error.
    /// </summary>
    public static InvalidOperationException? ExplainQuery(Exception exception, Type contextType)
        => exception is PostgresException error && UndefinedColumns.FailedCommand(error) is { } sql
            ? error.SqlState == PostgresErrorCodes.InvalidParameterValue
                ? ExplainZone(error, contextType, sql, "the query failed")
                : Explain(error, contextType, sql, "PostgreSQL refused a query of it.")
            : null;

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/>, PostgreSQL's error for <paramref name="sql"/>, the command of
    /// an <c>ExecuteUpdate</c> or an <c>ExecuteDelete</c> of a <paramref name="contextType"/>, when a time-windowed table of
    /// it lacks a column ServerTools maps on it (see <see cref="Explain"/>), or a row of it holds a zone PostgreSQL does not
    /// know (see <see cref="ExplainZone"/>); null for any other error. The statement failed as a whole: it changed no row.
    /// </summary>
    public static InvalidOperationException? ExplainNonQuery(Exception exception, Type contextType, string sql)
        => exception switch
        {
            PostgresException { SqlState: PostgresErrorCodes.UndefinedColumn } error
                => Explain(error, contextType, sql, "PostgreSQL refused an ExecuteUpdate or ExecuteDelete of it, which changed no row."),
            PostgresException { SqlState: PostgresErrorCodes.InvalidParameterValue } error
                => ExplainZone(error, contextType, sql, "the ExecuteUpdate or ExecuteDelete failed and changed no row"),
            _ => null,
        };

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/>, a save's, when its statement failed because a
    /// time-windowed table of <paramref name="contextType"/> lacks a column ServerTools maps on it: a
    /// <see cref="DbUpdateException"/> like EF Core's, with the same message and entries, whose inner exception is the
    /// explanation (which holds PostgreSQL's error). Null for any other error.
    /// </summary>
    public static DbUpdateException? ExplainSave(Exception exception, Type contextType)
        => exception is DbUpdateException { InnerException: PostgresException error } update and not DbUpdateConcurrencyException
            && UndefinedColumns.FailedCommand(error) is { } sql
            && Explain(error, contextType, sql, "PostgreSQL refused the save's statement on it, and the save failed.") is { } explained
                ? new DbUpdateException(update.Message, explained, update.Entries)
                : null;

    /// <summary>
    /// The explanation of <paramref name="error"/>, PostgreSQL's 42703 for <paramref name="sql"/>, a command of a
    /// <paramref name="contextType"/> (a query's, a save's, an <c>ExecuteUpdate</c>'s or an <c>ExecuteDelete</c>'s, which
    /// <paramref name="refused"/> says, a sentence), when it provably names a column
    /// ServerTools maps on a time-windowed table that the statement reads or writes; null otherwise, and the application
    /// keeps PostgreSQL's error. The column's name alone proves nothing (an application's own table may have a column
    /// <c>SpecialDays</c>), so the table is found from the message and the statement:
    /// <list type="bullet">
    /// <item><c>column "X" of relation "T"</c> (an INSERT's or an UPDATE's): T is the table, and every table named T that
    /// the statement names is the time-windowed one (PostgreSQL leaves out the schema);</item>
    /// <item><c>column s.X</c>: the statement declares the alias s only for the time-windowed table
    /// (<c>FROM "Stores" AS s</c>, as EF Core writes it);</item>
    /// <item><c>column "X"</c>: every table the statement reads or writes (after FROM, JOIN, INTO, UPDATE) is the
    /// time-windowed one, and it names no other table of the model that has a column X.</item>
    /// </list>
    /// </summary>
    private static InvalidOperationException? Explain(PostgresException error, Type contextType, string sql, string refused)
    {
        if (UndefinedColumns.OfStatement(error) is not (var column, var relation, var alias))
        {
            return null;
        }

        var candidates = s_columns
            .Where(remembered => remembered.Key.Context == contextType && string.Equals(remembered.Key.Column, column, StringComparison.Ordinal))
            .Select(static remembered => remembered.Value)
            .ToArray();
        var tables = candidates.Where(candidate => UndefinedColumns.Proves(sql, contextType, column, relation, alias, candidate.Name, candidate.Reference)).ToArray();
        if (tables is not [var table])
        {
            return null;
        }

        return new InvalidOperationException(
            $"The database's table {table.Display} (of [TimeWindowed] {table.Entity}) has no column {column}, which UseServerTools() maps for the opening hours of a [TimeWindowed] "
            + $"entity (the columns {string.Join(", ", ColumnsOf(contextType, table))}): {refused} The table was made before the class was marked "
            + "[TimeWindowed] (or before UseServerTools() was added), and the migration that adds these columns is missing or not applied. "
            + $"Add a migration (dotnet ef migrations add Add{Identifier(table.Entity)}TimeWindows) and apply it (dotnet ef database update); "
            + "the rows the table has get no opening hours (closed) until they are set.",
            error);
    }

    /// <summary>
    /// The explanation of <paramref name="error"/>, PostgreSQL's 22023 <c>time zone "X" not recognized</c> for
    /// <paramref name="sql"/>, a query (or an <c>ExecuteUpdate</c>, an <c>ExecuteDelete</c>: <paramref name="failed"/> says
    /// what failed, a clause) of a <paramref name="contextType"/>, when the statement provably converted with the zone
    /// of a time-windowed table: every time zone conversion in it (<c>timezone(</c>, <c>AT TIME ZONE</c>) is
    /// <c>timezone(alias."Column", ...</c> (as <c>WhereOpenAt</c> writes it) with an alias the statement declares for that
    /// table alone, and all are of one table and column. Null otherwise (a conversion of the application's own, a zone
    /// given as a value, two such tables), and the application keeps PostgreSQL's error. The message shows no value
    /// of a row but the zone PostgreSQL's own message shows.
    /// </summary>
    private static InvalidOperationException? ExplainZone(PostgresException error, Type contextType, string sql, string failed)
    {
        var message = error.MessageText;
        if (ServerToolsTables.RaisingFunction(error) is not null
            || !message.StartsWith(ZonePrefix, StringComparison.Ordinal)
            || !message.EndsWith(ZoneSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var conversions = s_zoneColumn.Matches(sql);
        if (conversions.Count == 0 || conversions.Count != s_zoneUse.Count(sql))
        {
            return null;
        }

        var tables = s_columns.Where(remembered => remembered.Key.Context == contextType).Select(static remembered => remembered.Value).Distinct().ToArray();
        var used = new HashSet<(TimeWindowTable Table, string Column)>();
        foreach (Match conversion in conversions)
        {
            var alias = UndefinedColumns.Unquote(conversion.Groups["alias"].Value);
            if (tables.Where(table => UndefinedColumns.DeclaresAliasOnlyFor(sql, table.Reference, alias)).ToArray() is not [var table] || !ReadsRanges(sql, contextType, table, alias))
            {
                return null;
            }

            used.Add((table, UndefinedColumns.Unquote(conversion.Groups["column"].Value)));
        }

        if (used.Count != 1)
        {
            return null;
        }

        var (zoneTable, column) = used.Single();
        return new InvalidOperationException(
            $"A row of the database's table {zoneTable.Display} (of [TimeWindowed] {zoneTable.Entity}) holds in its column {column} a time zone id that PostgreSQL "
            + $"does not know ({LogText.Printable(message)}), and WhereOpenAt converts every row's instant with its zone, so {failed}. SaveChanges refuses such "
            + "ids: the row was written around ServerTools (SQL, ExecuteUpdate, an import, another application), or the id is newer than the "
            + "database server's time zone data. Find such rows, and those whose id PostgreSQL reads but .NET refuses (europe/paris), with "
            + $"SELECT * FROM {zoneTable.Reference} WHERE {UndefinedColumns.Quote(column)} NOT IN (SELECT name FROM pg_timezone_names); set each to an IANA id "
            + "such as Europe/Paris (through a context, whose SaveChanges checks it, or by an UPDATE), or update the tzdata of the database server.",
            error);
    }

    /// <summary>Whether <paramref name="sql"/> reads a multirange column of <paramref name="table"/> through <paramref name="alias"/>, as <c>WhereOpenAt</c> does beside its conversions.</summary>
    private static bool ReadsRanges(string sql, Type contextType, TimeWindowTable table, string alias)
        => s_rangeColumns.TryGetValue((contextType, table), out var columns)
            && columns.Any(column => Regex.IsMatch(
                sql,
                @"(?<![A-Za-z0-9_$""])(?:" + Regex.Escape(UndefinedColumns.Quote(alias)) + "|" + Regex.Escape(alias) + @")\s*\.\s*" + Regex.Escape(UndefinedColumns.Quote(column)),
                RegexOptions.CultureInvariant | RegexOptions.IgnoreCase));

    /// <summary>The columns ServerTools maps on <paramref name="table"/> in the models of <paramref name="contextType"/>.</summary>
    private static string[] ColumnsOf(Type contextType, TimeWindowTable table)
        => [.. s_columns.Keys
            .Where(key => key.Context == contextType && string.Equals(key.Table, table.Display, StringComparison.Ordinal))
            .Select(static key => key.Column)
            .Order(StringComparer.Ordinal)];

    /// <summary>The letters and digits of an entity's name, for the name of a migration.</summary>
    private static string Identifier(string name)
        => new([.. name.Where(char.IsLetterOrDigit)]);

    /// <summary>A time-windowed table.</summary>
    /// <param name="Name">The table's name.</param>
    /// <param name="Reference">How a statement names it, as <see cref="UndefinedColumns.Reference(string, string?)"/> writes it.</param>
    /// <param name="Display">Its name for messages, with its schema.</param>
    /// <param name="Entity">The marked entity type.</param>
    private sealed record TimeWindowTable(string Name, string Reference, string Display, string Entity);
}
