using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace ServerTools.Infrastructure;

/// <summary>
/// Reads the stored rows of tracked entries of one entity type with one query: what EF Core's <c>GetDatabaseValues</c>
/// reads for one entry (the same query root, an owned type's through its owner's navigations; query filters ignored; each
/// property read with <c>EF.Property</c>, a complex type's through the complex properties that hold it), for many. The
/// keys are sent as parameters, the entries in buckets of a power of two (the last key repeated), so that EF compiles
/// a handful of queries per entity type, not one per number of entries; more than <see cref="MaxPerQuery"/> entries take
/// a query per <see cref="MaxPerQuery"/>.
/// </summary>
internal static class StoredRows
{
    /// <summary>The most entries one query reads (PostgreSQL takes at most 65,535 parameters in a statement).</summary>
    internal const int MaxPerQuery = 1024;

    private static readonly MethodInfo s_ignoreQueryFilters = GenericOf((Expression<Func<IQueryable<object>, object>>)(q => q.IgnoreQueryFilters()));
    private static readonly MethodInfo s_asNoTracking = GenericOf((Expression<Func<IQueryable<object>, object>>)(q => q.AsNoTracking()));
    private static readonly MethodInfo s_where = GenericOf((Expression<Func<IQueryable<object>, object>>)(q => q.Where(e => true)));
    private static readonly MethodInfo s_select = GenericOf((Expression<Func<IQueryable<object>, object>>)(q => q.Select(e => e)));
    private static readonly MethodInfo s_selectMany = GenericOf((Expression<Func<IQueryable<object>, object>>)(q => q.SelectMany(e => Array.Empty<object>())));

    /// <summary><c>Queryable.IgnoreQueryFilters&lt;T&gt;</c>, generic, for other queries ServerTools builds by entity type.</summary>
    internal static MethodInfo IgnoreQueryFiltersMethod => s_ignoreQueryFilters;

    /// <summary><c>Queryable.Where&lt;T&gt;</c> (with a predicate of one parameter), generic.</summary>
    internal static MethodInfo WhereMethod => s_where;

    /// <summary><c>Queryable.Select&lt;T, TResult&gt;</c> (with a selector of one parameter), generic.</summary>
    internal static MethodInfo SelectMethod => s_select;

    /// <summary>
    /// The stored values of <paramref name="properties"/> (of <paramref name="type"/>, or of a complex type in it) of the rows
    /// of <paramref name="type"/> with the primary keys <paramref name="keys"/> (distinct): for each row found, the index of
    /// its key and its values, in the order of <paramref name="properties"/>. A value of a value type is read as nullable,
    /// so that a column without a value (of an optional owned entity or complex value that is null) reads null.
    /// </summary>
    public static async Task<List<(int Key, object?[] Values)>> ReadAsync(
        DbContext context, IEntityType type, List<object?[]> keys, IProperty[] properties, bool async, CancellationToken cancellationToken)
    {
        var key = type.FindPrimaryKey()!.Properties;
        var provider = context.GetService<IAsyncQueryProvider>();
        var found = new List<(int, object?[])>(keys.Count);
        var rowKey = new object?[key.Count];
        for (var start = 0; start < keys.Count; start += MaxPerQuery)
        {
            var count = Math.Min(MaxPerQuery, keys.Count - start);
            var indexes = new Dictionary<object?[], int>(count, new KeyComparer(key));
            for (var i = start; i < start + count; i++)
            {
                indexes[keys[i]] = i;
            }

            var query = provider.CreateQuery<object?[]>(Query(provider, type, key, keys.GetRange(start, count), properties));
            var rows = async ? await query.ToListAsync(cancellationToken).ConfigureAwait(false) : query.ToList();
            var unmatched = false;
            foreach (var row in rows)
            {
                Array.Copy(row, properties.Length, rowKey, 0, key.Count);
                if (indexes.Remove(rowKey, out var index))
                {
                    found.Add((index, row));
                }
                else
                {
                    unmatched = true;
                }
            }

            // A row that matches no key as .NET compares them: the database compares this key more loosely (citext, a
            // case-insensitive collation). The keys left are read one at a time, so that the row is the key's whatever it holds.
            if (unmatched)
            {
                foreach (var index in indexes.Values)
                {
                    var single = provider.CreateQuery<object?[]>(Query(provider, type, key, [keys[index]], properties));
                    var alone = async ? await single.ToListAsync(cancellationToken).ConfigureAwait(false) : single.ToList();
                    if (alone.Count == 1)
                    {
                        found.Add((index, alone[0]));
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// <c>root.IgnoreQueryFilters().AsNoTracking().Where(e =&gt; key == k1 || key == k2 ...).Select(e =&gt; new object[] { properties..., key... })</c>,
    /// with the keys as parameters.
    /// </summary>
    private static MethodCallExpression Query(IAsyncQueryProvider provider, IEntityType type, IReadOnlyList<IProperty> key, List<object?[]> keys, IProperty[] properties)
    {
        var clrType = type.ClrType;
        var entity = Expression.Parameter(clrType, "e");
        var match = KeyPredicates.AnyOf(entity, key, keys, 0, keys.Count);
        var columns = new Expression[properties.Length + key.Count];
        for (var i = 0; i < properties.Length; i++)
        {
            var value = KeyPredicates.Read(entity, properties[i]);
            if (value.Type.IsValueType && Nullable.GetUnderlyingType(value.Type) is null)
            {
                value = Expression.Convert(value, typeof(Nullable<>).MakeGenericType(value.Type));
            }

            columns[i] = Expression.Convert(value, typeof(object));
        }

        for (var j = 0; j < key.Count; j++)
        {
            columns[properties.Length + j] = Expression.Convert(KeyPredicates.Read(entity, key[j]), typeof(object));
        }

        Expression query = Expression.Call(s_ignoreQueryFilters.MakeGenericMethod(clrType), Root(provider, type));
        query = Expression.Call(s_asNoTracking.MakeGenericMethod(clrType), query);
        query = Expression.Call(s_where.MakeGenericMethod(clrType), query, Expression.Quote(Expression.Lambda(match, entity)));
        return Expression.Call(
            s_select.MakeGenericMethod(clrType, typeof(object[])),
            query,
            Expression.Quote(Expression.Lambda(Expression.NewArrayInit(typeof(object), columns), entity)));
    }

    /// <summary>The query root of <paramref name="type"/>: its set, or for an owned type its owner's root and the navigation to it.</summary>
    private static Expression Root(IAsyncQueryProvider provider, IEntityType type)
    {
        if (type.FindOwnership() is not { PrincipalToDependent: { } navigation } ownership)
        {
            return new EntityQueryRootExpression(provider, type);
        }

        var owner = ownership.PrincipalEntityType.ClrType;
        var parameter = Expression.Parameter(owner, "o");
        var member = Expression.MakeMemberAccess(parameter, (MemberInfo?)navigation.PropertyInfo ?? navigation.FieldInfo!);
        var source = Root(provider, ownership.PrincipalEntityType);
        if (!navigation.IsCollection)
        {
            return Expression.Call(s_select.MakeGenericMethod(owner, type.ClrType), source, Expression.Quote(Expression.Lambda(member, parameter)));
        }

        var selector = typeof(Func<,>).MakeGenericType(owner, typeof(IEnumerable<>).MakeGenericType(type.ClrType));
        return Expression.Call(s_selectMany.MakeGenericMethod(owner, type.ClrType), source, Expression.Quote(Expression.Lambda(selector, member, parameter)));
    }

    private static MethodInfo GenericOf(LambdaExpression call) => ((MethodCallExpression)call.Body).Method.GetGenericMethodDefinition();

    /// <summary>Key values compared as EF Core compares them (<see cref="IProperty.GetKeyValueComparer"/>).</summary>
    internal sealed class KeyComparer(IReadOnlyList<IProperty> key) : IEqualityComparer<object?[]>
    {
        public bool Equals(object?[]? x, object?[]? y)
        {
            for (var i = 0; i < key.Count; i++)
            {
                if (!key[i].GetKeyValueComparer().Equals(x![i], y![i]))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(object?[] obj)
        {
            var hash = default(HashCode);
            for (var i = 0; i < key.Count; i++)
            {
                hash.Add(obj[i] is null ? 0 : key[i].GetKeyValueComparer().GetHashCode(obj[i]!));
            }

            return hash.ToHashCode();
        }
    }
}
