using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace ServerTools.TimeWindows;

/// <summary>
/// Explains PostgreSQL's "column does not exist" (42703) about a column that <c>UseServerTools()</c> maps on the
/// application's own table of a <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entity (its JSON columns
/// <c>TimeWindows</c> and <c>SpecialDays</c>, and on PostgreSQL the multirange columns of <see cref="TimeWindowColumns"/>):
/// the table was made before the class was marked, and the migration that adds them is missing or not applied. Without it
/// the error names a column the application never declared (<c>column s.TimeWindowsSpecialDates does not exist</c>). Any
/// other column's error is left as PostgreSQL gave it.
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
            var remembered = new TimeWindowTable(name, table.DisplayName(), type.DisplayName());
            foreach (var column in columns)
            {
                s_columns.TryAdd((contextType, table.DisplayName(), column), remembered);
            }
        }
    }

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/>, PostgreSQL's, when <paramref name="sql"/>, a command of a
    /// <paramref name="contextType"/> (a query's, or a save's when <paramref name="save"/>), failed because a time-windowed
    /// table lacks a column ServerTools maps on it; null for any other error.
    /// </summary>
    public static InvalidOperationException? Explain(Exception exception, Type contextType, string sql, bool save)
    {
        if (exception is not PostgresException { SqlState: PostgresErrorCodes.UndefinedColumn } error
            || Parse(error.MessageText) is not (var column, var relation, var alias))
        {
            return null;
        }

        var candidates = s_columns
            .Where(remembered => remembered.Key.Context == contextType && string.Equals(remembered.Key.Column, column, StringComparison.Ordinal))
            .Select(static remembered => remembered.Value)
            .OrderBy(static table => table.Display, StringComparer.Ordinal)
            .ToArray();
        if (relation is not null)
        {
            // PostgreSQL names the relation of an INSERT or UPDATE, without its schema.
            candidates = [.. candidates.Where(table => string.Equals(table.Name, relation, StringComparison.Ordinal))];
        }
        else if (alias is not null && candidates.Length > 1)
        {
            // EF Core writes FROM "Stores" AS s: the alias of the message says which table the statement read.
            var aliased = candidates.Where(table => Regex.IsMatch(
                sql, "\"" + Regex.Escape(table.Name) + "\" AS " + Regex.Escape(alias) + "(?![A-Za-z0-9_$])", RegexOptions.CultureInvariant)).ToArray();
            candidates = aliased.Length > 0 ? aliased : candidates;
        }

        if (candidates.Length == 0)
        {
            return null;
        }

        var where = string.Join(" or ", candidates.Select(static table => $"{table.Display} (of [TimeWindowed] {table.Entity})"));
        var refused = save ? "PostgreSQL refused the save's statement on it, and the save failed." : "PostgreSQL refused a query of it.";
        return new InvalidOperationException(
            $"The database's table {where} has no column {column}, which UseServerTools() maps for the opening hours of a [TimeWindowed] "
            + $"entity (the columns {string.Join(", ", ColumnsOf(contextType, candidates[0]))}): {refused} The table was made before the class was marked "
            + "[TimeWindowed] (or before UseServerTools() was added), and the migration that adds these columns is missing or not applied. "
            + $"Add a migration (dotnet ef migrations add Add{Identifier(candidates[0].Entity)}TimeWindows) and apply it (dotnet ef database update); "
            + "the rows the table has get no opening hours (closed) until they are set.",
            error);
    }

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

    /// <summary>A time-windowed table: its name, its name for messages (with its schema) and its marked entity type.</summary>
    private sealed record TimeWindowTable(string Name, string Display, string Entity);
}
