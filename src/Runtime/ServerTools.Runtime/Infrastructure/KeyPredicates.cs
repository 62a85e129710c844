using System;
using System.Collections.Generic;
using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.Infrastructure;

/// <summary>
/// Predicates that match entities by their keys, for queries ServerTools builds over many entities at once (the stored
/// rows of client copies, what data rules read): <c>key == k1 || key == k2 || ...</c>, each key value sent as a parameter,
/// the keys padded to a power of two by repeating the last one, so that EF Core compiles and caches a handful of queries
/// per entity type, not one per set of keys, and PostgreSQL sees the same statement text.
/// </summary>
internal static class KeyPredicates
{
    private static readonly MethodInfo s_property = ((MethodCallExpression)((Expression<Func<object, object>>)(e => EF.Property<object>(e, ""))).Body).Method.GetGenericMethodDefinition();
    private static readonly MethodInfo s_objectEquals = ((MethodCallExpression)((Expression<Func<bool>>)(() => Equals(null, null))).Body).Method;

    /// <summary>How many keys a query of <paramref name="count"/> keys matches: the least power of two not below it.</summary>
    public static int Padded(int count) => (int)BitOperations.RoundUpToPowerOf2((uint)count);

    /// <summary>
    /// The test that <paramref name="entity"/>'s <paramref name="key"/> equals one of <paramref name="keys"/>[<paramref name="start"/>,
    /// <paramref name="start"/> + <paramref name="count"/>), padded to <see cref="Padded"/> keys; the values as parameters,
    /// joined by <c>||</c> as a balanced tree, so that a thousand keys do not nest a thousand deep.
    /// </summary>
    public static Expression AnyOf(Expression entity, IReadOnlyList<IProperty> key, IReadOnlyList<object?[]> keys, int start, int count)
    {
        var padded = Padded(count);
        var keyValues = new object?[padded * key.Count];
        for (var i = 0; i < padded; i++)
        {
            Array.Copy(keys[start + Math.Min(i, count - 1)], 0, keyValues, i * key.Count, key.Count);
        }

        // A field of a constant: EF Core sends each element read from it as a parameter, whatever the values.
        var sent = Expression.Field(Expression.Constant(new StrongBox<object?[]>(keyValues)), nameof(StrongBox<object?[]>.Value));
        var matches = new Expression[padded];
        for (var i = 0; i < padded; i++)
        {
            Expression? match = null;
            for (var j = 0; j < key.Count; j++)
            {
                var value = Expression.Convert(Expression.ArrayIndex(sent, Expression.Constant((i * key.Count) + j)), key[j].ClrType);
                var equal = EqualTo(Read(entity, key[j]), value);
                match = match is null ? equal : Expression.AndAlso(match, equal);
            }

            matches[i] = match!;
        }

        return Balanced(matches, 0, padded);
    }

    /// <summary><c>EF.Property</c> of <paramref name="property"/>, through the complex properties that hold it when it is a complex type's.</summary>
    public static Expression Read(Expression entity, IProperty property)
    {
        var path = new Stack<IPropertyBase>();
        path.Push(property);
        for (var declaring = property.DeclaringType; declaring is IComplexType complex; declaring = complex.ComplexProperty.DeclaringType)
        {
            path.Push(complex.ComplexProperty);
        }

        var instance = entity;
        foreach (var member in path)
        {
            var from = instance.Type.IsValueType ? Expression.Convert(instance, typeof(object)) : instance;
            instance = Expression.Call(s_property.MakeGenericMethod(member.ClrType), from, Expression.Constant(member.Name));
        }

        return instance;
    }

    /// <summary>The == operator of the type, or <see cref="object.Equals(object, object)"/> for a struct that has none (EF Core translates both).</summary>
    private static Expression EqualTo(Expression left, Expression right)
        => left.Type.IsValueType && !left.Type.IsPrimitive && !left.Type.IsEnum && Nullable.GetUnderlyingType(left.Type) is null
           && left.Type.GetMethod("op_Equality", [left.Type, left.Type]) is null
               ? Expression.Call(s_objectEquals, Expression.Convert(left, typeof(object)), Expression.Convert(right, typeof(object)))
               : Expression.Equal(left, right);

    private static Expression Balanced(Expression[] matches, int start, int count)
        => count == 1 ? matches[start] : Expression.OrElse(Balanced(matches, start, count / 2), Balanced(matches, start + (count / 2), count - (count / 2)));
}
