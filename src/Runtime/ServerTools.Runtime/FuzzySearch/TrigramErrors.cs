using System;
using Npgsql;

namespace ServerTools.FuzzySearch;

/// <summary>
/// PostgreSQL's answer to a fuzzy search on a database without pg_trgm (<c>42883: operator does not exist: text % text</c>,
/// <c>function similarity(text, text) does not exist</c>), turned into an error that says where the extension comes from.
/// Raised when EF Core reports the failed query (<see cref="Infrastructure.EfCoreEvents"/>), of any context of the process,
/// and when an <c>ExecuteUpdate</c> or <c>ExecuteDelete</c> of a context with <c>UseServerTools()</c> fails (its command
/// interceptor's <c>CommandFailed</c>, see <see cref="Infrastructure.SaveChangesInterceptor"/>); any other error passes untouched, also a call of pg_trgm's names that pg_trgm could not serve either (other argument
/// types, as <c>function similarity(text, integer) does not exist</c>, or another number of arguments).
/// </summary>
internal static class TrigramErrors
{
    private const string OperatorMissing = "operator does not exist: ";
    private const string FunctionMissing = "function ";
    private const string FunctionMissingEnd = ") does not exist";

    /// <summary>pg_trgm's operators, as PostgreSQL's message writes them between the operand types.</summary>
    private static readonly string[] s_operators = [" % ", " <% ", " %> ", " <<% ", " %>> "];

    /// <summary>pg_trgm's functions that the rewritten queries call, as PostgreSQL's message starts with them; each takes two texts.</summary>
    private static readonly string[] s_functions = ["similarity(", "word_similarity(", "strict_word_similarity("];

    /// <summary>The error to raise instead of <paramref name="exception"/> when it is pg_trgm missing; null otherwise.</summary>
    public static InvalidOperationException? Explain(Exception exception)
        => exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedFunction } error && IsTrigram(error.MessageText)
            ? new InvalidOperationException(
                $"The connection finds no pg_trgm, which fuzzy search (FuzzySearch, TrigramFunctions) runs on: PostgreSQL answered \"{error.MessageText}\". "
                + "UseServerTools() adds the pg_trgm extension and a GIN trigram index per [FuzzySearchable] field to the model, and they come "
                + "with the model's migration (the sample's is AddFuzzySearch) or EnsureCreated(); this database was made without them (before an "
                + "entity was marked [FuzzySearchable], or by a context without UseServerTools()), or that migration is missing or not applied. "
                + "Add a migration (dotnet ef migrations add AddFuzzySearch) and apply it (dotnet ef database update). A model with no "
                + "[FuzzySearchable] entity that uses TrigramFunctions gets no extension from ServerTools: add modelBuilder.HasPostgresExtension(\"pg_trgm\") "
                + "and a migration. If the database has pg_trgm in a schema that is not on the connection's search_path (SELECT "
                + "extnamespace::regnamespace FROM pg_extension WHERE extname = 'pg_trgm'), the migration changes nothing: add that schema to "
                + "the search_path (Search Path in the connection string, or ALTER ROLE ... SET search_path).",
                error)
            : null;

    /// <summary>Whether PostgreSQL's message names one of pg_trgm's operators or functions, called on texts as pg_trgm declares it.</summary>
    private static bool IsTrigram(string message)
    {
        if (message.StartsWith(OperatorMissing, StringComparison.Ordinal))
        {
            var operands = message.AsSpan(OperatorMissing.Length);
            foreach (var symbol in s_operators)
            {
                var at = operands.IndexOf(symbol, StringComparison.Ordinal);
                if (at > 0 && IsText(operands[..at]) && IsText(operands[(at + symbol.Length)..]))
                {
                    return true;
                }
            }
        }
        else if (message.StartsWith(FunctionMissing, StringComparison.Ordinal) && message.EndsWith(FunctionMissingEnd, StringComparison.Ordinal)
            && message.Length >= FunctionMissing.Length + FunctionMissingEnd.Length)
        {
            // PostgreSQL writes the call's signature: the name, then the argument types separated by ", " in parentheses.
            var function = message.AsSpan(FunctionMissing.Length, message.Length - FunctionMissing.Length - FunctionMissingEnd.Length);
            foreach (var name in s_functions)
            {
                if (function.StartsWith(name, StringComparison.Ordinal))
                {
                    var arguments = function[name.Length..];
                    var comma = arguments.IndexOf(", ", StringComparison.Ordinal);
                    return comma > 0 && IsText(arguments[..comma]) && IsText(arguments[(comma + 2)..]);
                }
            }
        }

        return false;
    }

    /// <summary>Whether PostgreSQL names a type pg_trgm's operators take (through text).</summary>
    private static bool IsText(ReadOnlySpan<char> type)
        => type is "text" or "character varying" or "character" or "citext" or "name" or "unknown";
}
