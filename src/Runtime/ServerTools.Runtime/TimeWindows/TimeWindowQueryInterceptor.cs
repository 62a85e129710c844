using System;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ServerTools.Infrastructure;

namespace ServerTools.TimeWindows;

/// <summary>
/// Turns <see cref="TimeWindowQuery.IsOpen{TEntity}"/> (the generated <c>WhereOpenAt</c>) into SQL on PostgreSQL. EF
/// Core calls it once per query shape, before it compiles and caches the query. On any other provider the query
/// fails here with a message that says what to do: another relational database cannot run it, and EF Core's in-memory
/// provider does not keep complex collections at all (its rows have no windows). (Over a collection in memory, <c>AsQueryable()</c>, the
/// marker runs the entity's <c>IsOpenAt</c>.)
/// </summary>
internal sealed class TimeWindowQueryInterceptor : IQueryExpressionInterceptor
{
    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData)
    {
        if (!Finder.Uses(queryExpression))
        {
            return queryExpression;
        }

        var database = eventData.Context?.Database;
        if (database?.ProviderName == DatabaseProviders.Npgsql)
        {
            return new Rewriter().Visit(queryExpression);
        }

        if (database?.IsRelational() == true)
        {
            throw new NotSupportedException(
                $"WhereOpenAt runs in SQL on PostgreSQL, but this context uses '{database.ProviderName}'. Use Npgsql (UseNpgsql), or load the "
                + "rows and keep those whose IsOpenAt is true.");
        }

        if (database?.ProviderName == DatabaseProviders.InMemory)
        {
            throw new NotSupportedException(
                $"WhereOpenAt runs in SQL on PostgreSQL, and EF Core's in-memory provider ('{DatabaseProviders.InMemory}') does not store complex collections: "
                + "the rows it loads have no TimeWindows (null), so neither WhereOpenAt nor IsOpenAt can answer for them. In tests, use a PostgreSQL "
                + "database (ServerTools.Testing starts a private one), or build the objects in memory and query them with list.AsQueryable().WhereOpenAt(time).");
        }

        throw new NotSupportedException(
            $"WhereOpenAt runs in SQL on PostgreSQL; '{database?.ProviderName}' cannot read the windows (a complex collection) inside a query. "
            + "Load the rows (AsAsyncEnumerable) and keep those whose IsOpenAt is true, or query a collection in memory (AsQueryable) with WhereOpenAt.");
    }

    private static bool IsMarker(MethodInfo method)
        => method.IsGenericMethod && method.GetGenericMethodDefinition() == s_isOpen;

    private static readonly MethodInfo s_isOpen = typeof(TimeWindowQuery).GetMethod(nameof(TimeWindowQuery.IsOpen))!;

    private sealed class Rewriter : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
            => IsMarker(node.Method)
                ? TimeWindowSql.IsOpen(Visit(node.Arguments[0]), Visit(node.Arguments[1]), Visit(node.Arguments[2]))
                : base.VisitMethodCall(node);
    }

    private sealed class Finder : ExpressionVisitor
    {
        private bool _found;

        public static bool Uses(Expression query)
        {
            var finder = new Finder();
            finder.Visit(query);
            return finder._found;
        }

        public override Expression? Visit(Expression? node) => _found ? node : base.Visit(node);

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            _found |= IsMarker(node.Method);
            return base.VisitMethodCall(node);
        }
    }
}
