using System;
using System.Linq.Expressions;
using System.Reflection;

namespace ServerTools.Rules;

/// <summary>
/// Builds the in-memory form's null-safe pieces: where the SQL form reads <c>order.Customer.Country</c> plainly (and
/// SQL gives null for a missing customer), the in-memory form checks each value that may be null once, in a
/// temporary, and gives null instead of throwing.
/// </summary>
internal static class RuleMemory
{
    /// <summary><paramref name="source"/>.<paramref name="property"/>, or null when <paramref name="source"/> is null.</summary>
    public static Expression Property(Expression source, PropertyInfo property, bool sourceMaybeNull)
        => Lift(source, sourceMaybeNull, value => Expression.Property(value, property));

    /// <summary>
    /// The navigation <paramref name="navigation"/> of <paramref name="source"/>, or null when <paramref name="source"/> is
    /// null; read through <see cref="RuleNavigations.Read{T}"/>, so a navigation that the context tracking the entity did
    /// not load fails the rule instead of reading as null or empty.
    /// </summary>
    public static Expression Navigation(Expression source, PropertyInfo navigation, bool sourceMaybeNull, bool isCollection)
        => Lift(source, sourceMaybeNull, value => RuleNavigations.Call(value, navigation, isCollection));

    /// <summary>
    /// <paramref name="apply"/> on the value of <paramref name="input"/> when it is not null, otherwise null. The
    /// result is lifted to <see cref="Nullable{T}"/> when <paramref name="input"/> may be null and the result is a value type.
    /// </summary>
    public static Expression Lift(Expression input, bool inputMaybeNull, Func<Expression, Expression> apply)
    {
        var nullable = RuleTypes.IsNullableValue(input.Type);
        if (!nullable && (!inputMaybeNull || input.Type.IsValueType))
        {
            return apply(input);
        }

        var temporary = Expression.Variable(input.Type, "value");
        var applied = apply(nullable ? Expression.Property(temporary, "Value") : temporary);
        var resultType = RuleTypes.Lift(applied.Type);
        var isNull = nullable
            ? (Expression)Expression.Not(Expression.Property(temporary, "HasValue"))
            : Expression.ReferenceEqual(temporary, Expression.Constant(null, input.Type));
        return Expression.Block(
            resultType,
            [temporary],
            Expression.Assign(temporary, input),
            Expression.Condition(isNull, Expression.Default(resultType), ConvertTo(applied, resultType)));
    }

    /// <summary><paramref name="expression"/> converted to <paramref name="type"/> when it is not of it already.</summary>
    public static Expression ConvertTo(Expression expression, Type type) => expression.Type == type ? expression : Expression.Convert(expression, type);
}
