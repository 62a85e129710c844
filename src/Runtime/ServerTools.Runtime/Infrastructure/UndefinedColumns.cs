using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace ServerTools.Infrastructure;

/// <summary>
/// Proves which table a PostgreSQL "column does not exist" (42703) is about, from its message and the failed statement's
/// text, for the explanations of a column that ServerTools maps and the database lacks: on one of ServerTools' own tables
/// (<see cref="ServerToolsTables"/>), or on the table of a <c>[TimeWindowed]</c> entity (<see cref="TimeWindows.TimeWindowColumnErrors"/>).
/// The column's name alone proves nothing (an application's own table may have a column <c>EntityKey</c> or
/// <c>SpecialDays</c>), so the table is found from the message and the statement (see <see cref="Proves"/>). Also keeps the
/// text of the failed commands those explanations need (<see cref="RememberFailedCommand"/>).
/// </summary>
internal static class UndefinedColumns
{
    private const string Prefix = "column ";
    private const string Suffix = " does not exist";
    private const string OfRelation = "\" of relation \"";

    /// <summary>An identifier of a statement, quoted (<c>"Stores"</c>, with <c>""</c> for a quote) or not (<c>stores</c>).</summary>
    public const string IdentifierPattern = @"(?:""(?:[^""]|"""")+""|[A-Za-z_][A-Za-z0-9_$]*)";

    /// <summary>A name of a statement that may be a table's: an identifier, qualified by its schema or not.</summary>
    private const string TableName = IdentifierPattern + @"(?:\s*\.\s*" + IdentifierPattern + ")?";

    private static readonly Regex s_identifier = new(IdentifierPattern, RegexOptions.CultureInvariant);

    private static readonly Regex s_reference = new(@"(?<![A-Za-z0-9_$""])" + TableName, RegexOptions.CultureInvariant);

    /// <summary>A table a statement reads or writes: after FROM, JOIN, INTO or UPDATE.</summary>
    private static readonly Regex s_target = new(
        @"\b(?:FROM|JOIN|INTO|UPDATE)\s+(?:ONLY\s+)?(?<table>" + TableName + ")", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>
    /// Every table of the models built in this process (ServerTools' or not) that has a column of a name that ServerTools
    /// maps (<see cref="Remember"/>), by context type and column, as <see cref="Reference"/> writes it: an unqualified
    /// <c>column "X"</c> of a statement that names two of them could be either's.
    /// </summary>
    private static readonly ConcurrentDictionary<(Type Context, string Column), ConcurrentDictionary<string, bool>> s_tablesWithColumn = new();

    /// <summary>The context types whose models have columns that ServerTools maps and explains (<see cref="Remember"/>).</summary>
    private static readonly ConcurrentDictionary<Type, bool> s_contexts = new();

    /// <summary>
    /// The text of the failed commands <see cref="RememberFailedCommand"/> keeps, by their exception: weakly, so an
    /// entry goes with its exception when no explanation takes it (a failure of the application's own SQL).
    /// </summary>
    private static readonly ConditionalWeakTable<Exception, string> s_failedCommands = [];

    /// <summary>
    /// Keeps, for <paramref name="contextType"/>, every table of <paramref name="model"/> that has a column named as one of
    /// <paramref name="columns"/> (those ServerTools maps on a table of its own or of a <c>[TimeWindowed]</c> entity).
    /// </summary>
    public static void Remember(Type contextType, IReadOnlyModel model, IReadOnlyCollection<string> columns)
    {
        if (columns.Count == 0)
        {
            return;
        }

        s_contexts.TryAdd(contextType, true);
        var names = columns.ToHashSet(StringComparer.Ordinal);
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
    public static IEnumerable<string> MappedColumns(IReadOnlyEntityType type, StoreObjectIdentifier table)
    {
        var properties = type.GetProperties().Select(property => property.GetColumnName(table));
        var complex = type.GetComplexProperties().SelectMany(property => property.ComplexType.GetContainerColumnName() is { } container
            ? [container]
            : property.ComplexType.GetProperties().Select(inner => inner.GetColumnName(table)));
        return properties.Concat(complex).Append(type.GetContainerColumnName()).OfType<string>();
    }

    /// <summary>
    /// Keeps the text of <paramref name="sql"/>, a command of a <paramref name="contextType"/> that failed with
    /// <paramref name="exception"/>, for the explanations of a query's and a save's failure, which run once EF Core has
    /// disposed the command and closed the connection it opened, and are not given the command. Kept only for PostgreSQL's
    /// 42703 and 22023 (a time zone, see <see cref="TimeWindows.TimeWindowColumnErrors"/>) in a context type with columns
    /// ServerTools explains, as long as the exception lives (a weak table: nothing grows).
    /// </summary>
    public static void RememberFailedCommand(Exception exception, Type contextType, string sql)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.InvalidParameterValue }
            && s_contexts.ContainsKey(contextType))
        {
            s_failedCommands.AddOrUpdate(exception, sql);
        }
    }

    /// <summary>The text of the failed command <see cref="RememberFailedCommand"/> kept for <paramref name="error"/>; null when none was.</summary>
    public static string? FailedCommand(PostgresException error)
        => error.SqlState is PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.InvalidParameterValue && s_failedCommands.TryGetValue(error, out var sql)
            ? sql
            : null;

    /// <summary>
    /// <see cref="Parse"/> of <paramref name="error"/>'s message when the failed statement itself raised it, which
    /// <see cref="Proves"/> can then read against the statement's text; null when a function raised it (a trigger's, a
    /// policy's: <see cref="ServerToolsTables.RaisingFunction"/>), whose missing column the statement's text proves nothing of.
    /// </summary>
    public static (string Column, string? Relation, string? Alias)? OfStatement(PostgresException error)
        => ServerToolsTables.RaisingFunction(error) is null ? Parse(error.MessageText) : null;

    /// <summary>
    /// The column, and the relation or the alias when PostgreSQL names one, of a 42703 message: <c>column s.X does not exist</c>,
    /// <c>column "X" does not exist</c>, <c>column "X" of relation "T" does not exist</c>. Null for another wording.
    /// </summary>
    public static (string Column, string? Relation, string? Alias)? Parse(string message)
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

    /// <summary>
    /// Whether <paramref name="sql"/>, a command of a <paramref name="contextType"/> that failed with a 42703 that
    /// <see cref="Parse"/> read as (<paramref name="column"/>, <paramref name="relation"/>, <paramref name="alias"/>), provably
    /// refers to the column of the table named <paramref name="name"/> (<paramref name="reference"/> as <see cref="Reference"/>
    /// writes it):
    /// <list type="bullet">
    /// <item><c>column "X" of relation "T"</c> (an INSERT's or an UPDATE's): T is the table, and every table named T that
    /// the statement names is this one (PostgreSQL leaves out the schema);</item>
    /// <item><c>column s.X</c>: the statement declares the alias s only for this table (<c>FROM "Stores" AS s</c>, as EF Core
    /// writes it);</item>
    /// <item><c>column "X"</c>: every table the statement reads or writes (after FROM, JOIN, INTO, UPDATE) is this one,
    /// and it names no other table of the model that has a column X.</item>
    /// </list>
    /// </summary>
    public static bool Proves(string sql, Type contextType, string column, string? relation, string? alias, string name, string reference)
        => relation is not null
            ? string.Equals(name, relation, StringComparison.Ordinal) && NamesOnly(sql, reference, relation)
            : alias is not null
                ? DeclaresAliasOnlyFor(sql, reference, alias)
                : ReadsOrWritesOnly(sql, reference) && !NamesAnother(sql, contextType, column, reference);

    /// <summary>Whether <paramref name="sql"/> names <paramref name="reference"/>, and every table it names <paramref name="name"/> (in any schema) is that one.</summary>
    private static bool NamesOnly(string sql, string reference, string name)
    {
        var named = s_reference.Matches(sql).Select(Normalize).Where(named => named.EndsWith(Quote(name), StringComparison.Ordinal)).ToArray();
        return named.Length > 0 && named.All(named => string.Equals(named, reference, StringComparison.Ordinal));
    }

    /// <summary>Whether <paramref name="sql"/> declares <paramref name="alias"/> (<c>"Stores" AS s</c>), and only for the table <paramref name="reference"/>.</summary>
    public static bool DeclaresAliasOnlyFor(string sql, string reference, string alias)
    {
        var declared = @"\s+AS\s+(?:""" + Regex.Escape(alias.Replace("\"", "\"\"", StringComparison.Ordinal)) + @"""|" + Regex.Escape(alias) + @")(?![A-Za-z0-9_$""])";
        var declarations = Regex.Count(sql, declared, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        var ours = Regex.Matches(sql, @"(?<![A-Za-z0-9_$""])(?<table>" + TableName + ")" + declared, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)
            .Count(declaration => string.Equals(Normalize(declaration.Groups["table"].Value), reference, StringComparison.Ordinal));
        return declarations > 0 && ours == declarations;
    }

    /// <summary>Whether every table <paramref name="sql"/> reads or writes (after FROM, JOIN, INTO or UPDATE) is <paramref name="reference"/>.</summary>
    private static bool ReadsOrWritesOnly(string sql, string reference)
    {
        var targets = s_target.Matches(sql);
        return targets.Count > 0
            && targets.All(target => string.Equals(Normalize(target.Groups["table"].Value), reference, StringComparison.Ordinal));
    }

    /// <summary>Whether <paramref name="sql"/> names a table of the model other than <paramref name="reference"/> that has a column <paramref name="column"/>.</summary>
    private static bool NamesAnother(string sql, Type contextType, string column, string reference)
        => s_tablesWithColumn.TryGetValue((contextType, column), out var others)
            && others.Keys.Any(other => !string.Equals(other, reference, StringComparison.Ordinal)
                && s_reference.Matches(sql).Any(named => string.Equals(Normalize(named), other, StringComparison.Ordinal)));

    /// <summary>A table reference of a statement as <see cref="Reference"/> writes it: <c>"schema"."table"</c> or <c>"table"</c>; unquoted names folded to lower case as PostgreSQL does.</summary>
    private static string Normalize(Match reference) => Normalize(reference.Value);

    private static string Normalize(string reference)
    {
        var parts = s_identifier.Matches(reference)
            .Select(static part => part.Value.StartsWith('"') ? part.Value : Quote(part.Value.ToLowerInvariant()))
            .ToArray();
        return string.Join(".", parts);
    }

    /// <summary>A table's reference as a statement names it, quoted: <c>"schema"."table"</c> or <c>"table"</c>.</summary>
    public static string Reference(string name, string? schema)
        => schema is null ? Quote(name) : Quote(schema) + "." + Quote(name);

    /// <summary>An identifier quoted as PostgreSQL quotes it (<c>"Stores"</c>, with <c>""</c> for a quote).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>An identifier of a statement without its quotes (<c>"s"</c> is <c>s</c>); unquoted ones folded to lower case as PostgreSQL does.</summary>
    public static string Unquote(string identifier)
        => identifier.StartsWith('"') ? identifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : identifier.ToLowerInvariant();
}
