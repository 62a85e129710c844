using System;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ServerTools.Infrastructure;

namespace ServerTools.FuzzySearch;

/// <summary>
/// Hands the queries that use <see cref="TrigramFunctions"/> to <see cref="TrigramQueryRewriter"/> on PostgreSQL. EF Core
/// calls it once per query shape, before it compiles and caches the query. On a provider that runs queries in memory
/// (EF Core's in-memory provider) the functions stay, and run with <see cref="Trigram"/>; on another relational
/// database, which has no pg_trgm, the query fails here with a message that says so.
/// </summary>
internal sealed class FuzzySearchQueryInterceptor : IQueryExpressionInterceptor
{
    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData)
    {
        if (!TrigramQueryRewriter.Uses(queryExpression))
        {
            return queryExpression;
        }

        var database = eventData.Context?.Database;
        if (database?.ProviderName == DatabaseProviders.Npgsql)
        {
            return TrigramQueryRewriter.Rewrite(queryExpression);
        }

        if (database is not null && database.IsRelational())
        {
            throw new NotSupportedException(
                $"Fuzzy search (FuzzySearch, TrigramFunctions) runs on PostgreSQL with pg_trgm, or in memory on a provider that evaluates queries "
                + $"in .NET (EF Core's in-memory provider), but this context uses '{database.ProviderName}'. Use Npgsql (UseNpgsql), or load "
                + "the rows and compare them with Trigram.Similarity.");
        }

        return queryExpression;
    }
}
