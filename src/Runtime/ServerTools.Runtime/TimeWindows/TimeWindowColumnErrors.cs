using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
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
    private const string Prefix = "column ";
    private const string Suffix = " does not exist";
    private const string OfRelation = "\" of relation \"";

    /// <summary>
    /// The time-windowed tables of the models built in this process, by context type and column (as <see cref="Remember"/>
    /// keeps them). Kept, not replaced, when another model of the context type is built: a context type can be used with
    /// several providers (an in-memory one in unit tests), whose models differ.
    /// </summary>
    private static readonly ConcurrentDictionary<(Type Context, string Table, string Column), TimeWindowTable> s_columns = new();

    /// <summary>
    /// Every table of those models (time-windowed or not) that has a column of the names in <see cref="s_columns"/>, by context
    /// type and column, as <see cref="Reference"/> writes it: an unqualified <c>column "X"</c> of a statement that names
    /// two of them could be either's.
    /// </summary>
    private static readonly ConcurrentDictionary<(Type Context, string Column), ConcurrentDictionary<string, bool>> s_tablesWithColumn = new();

    /// <summary>The multirange columns (which <c>WhereOpenAt</c> reads) of the time-windowed tables in <see cref="s_columns"/>, by context type and table.</summary>
    private static readonly ConcurrentDictionary<(Type Context, TimeWindowTable Table), string[]> s_rangeColumns = new();

    /// <summary>
    /// The text of the failed commands <see cref="RememberFailedCommand"/> keeps, by their exception: weakly, so an
    /// entry goes with its exception when no explanation takes it (a failure of the application's own SQL).
    /// </summary>
    private static readonly ConditionalWeakTable<Exception, string> s_failedCommands = [];

    /// <summary>An identifier of a statement, quoted (<c>"Stores"</c>, with <c>""</c> for a quote) or not (<c>stores</c>).</summary>
    private const string IdentifierPattern = @"(?:""(?:[^""]|"""")+""|[A-Za-z_][A-Za-z0-9_$]*)";

    /// <summary>A name of a statement that may be a table's: an identifier, qualified by its schema or not.</summary>
    private const string TableName = IdentifierPattern + @"(?:\s*\.\s*" + IdentifierPattern + ")?";

    private static readonly Regex s_identifier = new(IdentifierPattern, RegexOptions.CultureInvariant);

    private const string ZonePrefix = "time zone \"";
    private const string ZoneSuffix = "\" not recognized";

    /// <summary>A conversion with a column's zone, as <c>WhereOpenAt</c> writes it: <c>timezone(s."TimeZoneId", ...</c>.</summary>
    private static readonly Regex s_zoneColumn = new(
        @"\btimezone\s*\(\s*(?<alias>" + IdentifierPattern + @")\s*\.\s*(?<column>" + IdentifierPattern + ")", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Any time zone conversion of a statement: <c>timezone(</c> or <c>AT TIME ZONE</c>.</summary>
    private static readonly Regex s_zoneUse = new(@"\btimezone\s*\(|\bAT\s+TIME\s+ZONE\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex s_reference = new(@"(?<![A-Za-z0-9_$""])" + TableName, RegexOptions.CultureInvariant);

    /// <summary>A table a statement reads or writes: after FROM, JOIN, INTO or UPDATE.</summary>
    private static readonly Regex s_target = new(
        @"\b(?:FROM|JOIN|INTO|UPDATE)\s+(?:ONLY\s+)?(?<table>" + TableName + ")", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

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
            var remembered = new TimeWindowTable(name, Reference(name, type.GetSchema()), table.DisplayName(), type.DisplayName());
            s_rangeColumns.TryAdd((contextType, remembered), [.. new[] { TimeWindowColumns.Weekly, TimeWindowColumns.SpecialDates, TimeWindowColumns.SpecialHours }
                .Select(column => type.FindProperty(column)?.GetColumnName(table)).OfType<string>()]);
            foreach (var column in columns)
            {
                s_columns.TryAdd((contextType, table.DisplayName(), column), remembered);
            }
        }

        var names = s_columns.Keys.Where(key => key.Context == contextType).Select(static key => key.Column).ToHashSet(StringComparer.Ordinal);
        foreach (var type in model.GetEntityTypes())
        {
            if (type.GetTableName() is not { } name)
            {
                continue;
            }

            var reference = Reference(name, type.GetSchema());
            foreach (var column in MappedColumns(type, StoreObjectIdentifier.Table(name, type.GetSchema())).Where(names.Contains))
            {
                s_tablesWithColumn.GetOrAdd((contextType, column), static _ => new(StringComparer.Ordinal)).TryAdd(reference, true);
            }
        }
    }

    /// <summary>The columns of <paramref name="type"/> in <paramref name="table"/>: its properties', its JSON containers' and its complex properties'.</summary>
    private static IEnumerable<string> MappedColumns(IReadOnlyEntityType type, StoreObjectIdentifier table)
    {
        var properties = type.GetProperties().Select(property => property.GetColumnName(table));
        var complex = type.GetComplexProperties().SelectMany(property => property.ComplexType.GetContainerColumnName() is { } container
            ? [container]
            : property.ComplexType.GetProperties().Select(inner => inner.GetColumnName(table)));
        return properties.Concat(complex).Append(type.GetContainerColumnName()).OfType<string>();
    }

    /// <summary>
    /// Keeps the text of <paramref name="sql"/>, a command of a <paramref name="contextType"/> that failed with
    /// <paramref name="exception"/>, for <see cref="ExplainQuery"/> and <see cref="ExplainSave"/>, which run once EF Core has
    /// disposed the command and closed the connection it opened, and are not given the command. Kept only for PostgreSQL's
    /// 42703 and 22023 (<see cref="ExplainZone"/>) in a context type with time-windowed tables, as long as the exception lives (a weak table: nothing grows).
    /// </summary>
    public static void RememberFailedCommand(Exception exception, Type contextType, string sql)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.InvalidParameterValue }
            && s_columns.Keys.Any(key => key.Context == contextType))
        {
            s_failedCommands.AddOrUpdate(exception, sql);
        }
    }

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/>, a query's, when a time-windowed table of
    /// <paramref name="contextType"/> lacks a column ServerTools maps on it (see <see cref="Explain"/>); null for any other
    /// error.
    /// </summary>
    public static InvalidOperationException? ExplainQuery(Exception exception, Type contextType)
        => exception is PostgresException error && TakeCommand(error) is { } sql
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
            && TakeCommand(error) is { } sql
            && Explain(error, contextType, sql, "PostgreSQL refused the save's statement on it, and the save failed.") is { } explained
                ? new DbUpdateException(update.Message, explained, update.Entries)
                : null;

    /// <summary>The text of the failed command <see cref="RememberFailedCommand"/> kept for <paramref name="error"/>, forgotten now.</summary>
    private static string? TakeCommand(PostgresException error)
    {
        if (error.SqlState is not (PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.InvalidParameterValue) || !s_failedCommands.TryGetValue(error, out var sql))
        {
            return null;
        }

        _ = s_failedCommands.Remove(error);
        return sql;
    }

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
        if (Parse(error.MessageText) is not (var column, var relation, var alias))
        {
            return null;
        }

        var candidates = s_columns
            .Where(remembered => remembered.Key.Context == contextType && string.Equals(remembered.Key.Column, column, StringComparison.Ordinal))
            .Select(static remembered => remembered.Value)
            .ToArray();
        var tables = candidates.Where(candidate => relation is not null
            ? string.Equals(candidate.Name, relation, StringComparison.Ordinal) && NamesOnly(sql, candidate, relation)
            : alias is not null
                ? DeclaresAliasOnlyFor(sql, candidate, alias)
                : ReadsOrWritesOnly(sql, candidate) && !NamesAnother(sql, contextType, column, candidate)).ToArray();
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
        if (!message.StartsWith(ZonePrefix, StringComparison.Ordinal) || !message.EndsWith(ZoneSuffix, StringComparison.Ordinal))
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
            var alias = Unquote(conversion.Groups["alias"].Value);
            if (tables.Where(table => DeclaresAliasOnlyFor(sql, table, alias)).ToArray() is not [var table] || !ReadsRanges(sql, contextType, table, alias))
            {
                return null;
            }

            used.Add((table, Unquote(conversion.Groups["column"].Value)));
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
            + $"SELECT * FROM {zoneTable.Reference} WHERE {Quote(column)} NOT IN (SELECT name FROM pg_timezone_names); set each to an IANA id "
            + "such as Europe/Paris (through a context, whose SaveChanges checks it, or by an UPDATE), or update the tzdata of the database server.",
            error);
    }

    /// <summary>Whether <paramref name="sql"/> reads a multirange column of <paramref name="table"/> through <paramref name="alias"/>, as <c>WhereOpenAt</c> does beside its conversions.</summary>
    private static bool ReadsRanges(string sql, Type contextType, TimeWindowTable table, string alias)
        => s_rangeColumns.TryGetValue((contextType, table), out var columns)
            && columns.Any(column => Regex.IsMatch(
                sql,
                @"(?<![A-Za-z0-9_$""])(?:" + Regex.Escape(Quote(alias)) + "|" + Regex.Escape(alias) + @")\s*\.\s*" + Regex.Escape(Quote(column)),
                RegexOptions.CultureInvariant | RegexOptions.IgnoreCase));

    /// <summary>An identifier of a statement without its quotes (<c>"s"</c> is <c>s</c>); unquoted ones folded to lower case as PostgreSQL does.</summary>
    private static string Unquote(string identifier)
        => identifier.StartsWith('"') ? identifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : identifier.ToLowerInvariant();

    /// <summary>Whether <paramref name="sql"/> names <paramref name="table"/>, and every table it names <paramref name="name"/> (in any schema) is that one.</summary>
    private static bool NamesOnly(string sql, TimeWindowTable table, string name)
    {
        var named = s_reference.Matches(sql).Select(Normalize).Where(reference => reference.EndsWith(Quote(name), StringComparison.Ordinal)).ToArray();
        return named.Length > 0 && named.All(reference => string.Equals(reference, table.Reference, StringComparison.Ordinal));
    }

    /// <summary>Whether <paramref name="sql"/> declares <paramref name="alias"/> (<c>"Stores" AS s</c>), and only for <paramref name="table"/>.</summary>
    private static bool DeclaresAliasOnlyFor(string sql, TimeWindowTable table, string alias)
    {
        var declared = @"\s+AS\s+(?:""" + Regex.Escape(alias.Replace("\"", "\"\"", StringComparison.Ordinal)) + @"""|" + Regex.Escape(alias) + @")(?![A-Za-z0-9_$""])";
        var declarations = Regex.Count(sql, declared, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        var ours = Regex.Matches(sql, @"(?<![A-Za-z0-9_$""])(?<table>" + TableName + ")" + declared, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)
            .Count(declaration => string.Equals(Normalize(declaration.Groups["table"].Value), table.Reference, StringComparison.Ordinal));
        return declarations > 0 && ours == declarations;
    }

    /// <summary>Whether every table <paramref name="sql"/> reads or writes (after FROM, JOIN, INTO or UPDATE) is <paramref name="table"/>.</summary>
    private static bool ReadsOrWritesOnly(string sql, TimeWindowTable table)
    {
        var targets = s_target.Matches(sql);
        return targets.Count > 0
            && targets.All(target => string.Equals(Normalize(target.Groups["table"].Value), table.Reference, StringComparison.Ordinal));
    }

    /// <summary>Whether <paramref name="sql"/> names a table of the model other than <paramref name="table"/> that has a column <paramref name="column"/>.</summary>
    private static bool NamesAnother(string sql, Type contextType, string column, TimeWindowTable table)
        => s_tablesWithColumn.TryGetValue((contextType, column), out var others)
            && others.Keys.Any(other => !string.Equals(other, table.Reference, StringComparison.Ordinal)
                && s_reference.Matches(sql).Any(reference => string.Equals(Normalize(reference), other, StringComparison.Ordinal)));

    /// <summary>A table reference of a statement as <see cref="Reference"/> writes it: <c>"schema"."table"</c> or <c>"table"</c>; unquoted names folded to lower case as PostgreSQL does.</summary>
    private static string Normalize(Match reference) => Normalize(reference.Value);

    private static string Normalize(string reference)
    {
        var parts = s_identifier.Matches(reference)
            .Select(static part => part.Value.StartsWith('"') ? part.Value : Quote(part.Value.ToLowerInvariant()))
            .ToArray();
        return string.Join(".", parts);
    }

    /// <summary>A table's reference as <see cref="Normalize(string)"/> writes it.</summary>
    private static string Reference(string name, string? schema)
        => schema is null ? Quote(name) : Quote(schema) + "." + Quote(name);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// The column, and the relation or the alias when PostgreSQL names one, of a 42703 message: <c>column s.X does not exist</c>,
    /// <c>column "X" does not exist</c>, <c>column "X" of relation "T" does not exist</c>. Null for another wording.
    /// </summary>
    private static (string Column, string? Relation, string? Alias)? Parse(string message)
    {
        if (!message.StartsWith(Prefix, StringComparison.Ordinal) || !message.EndsWith(Suffix, StringComparison.Ordinal)
            || message.Length <= Prefix.Length + Suffix.Length)
        {
            return null;
        }

        var reference = message[Prefix.Length..^Suffix.Length];
        if (reference.Length > 1 && reference[0] == '"' && reference[^1] == '"')
        {
            var inner = reference[1..^1];
            var of = inner.IndexOf(OfRelation, StringComparison.Ordinal);
            return of < 0 ? (inner, null, null) : (inner[..of], inner[(of + OfRelation.Length)..], null);
        }

        var dot = reference.LastIndexOf('.');
        return dot <= 0 ? (reference, null, null) : (reference[(dot + 1)..], null, reference[..dot]);
    }

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
    /// <param name="Reference">How a statement names it, as <see cref="TimeWindowColumnErrors.Reference(string, string?)"/> writes it.</param>
    /// <param name="Display">Its name for messages, with its schema.</param>
    /// <param name="Entity">The marked entity type.</param>
    private sealed record TimeWindowTable(string Name, string Reference, string Display, string Entity);
}
