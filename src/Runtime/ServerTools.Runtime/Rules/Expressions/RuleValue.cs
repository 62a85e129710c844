using System;
using System.Linq.Expressions;

namespace ServerTools.Rules;

/// <summary>
/// A part of a data rule, bound: its SQL form (plain member access, typed as C# types it) and its in-memory form (the
/// same value, null where SQL would give null). The in-memory form's type is the SQL form's, lifted to
/// <see cref="Nullable{T}"/> when the value may be null.
/// </summary>
internal sealed class RuleValue
{
    private RuleValue(RuleValueKind kind, Expression sql, Expression memory, bool maybeNull, Type? elementType, bool isConstant = false)
    {
        IsConstant = isConstant;
        Kind = kind;
        Sql = sql;
        Memory = memory;
        MaybeNull = maybeNull;
        ElementType = elementType;
    }

    /// <summary>What the value is: a scalar, an entity, a collection, the <see langword="null"/> literal, a char literal.</summary>
    public RuleValueKind Kind { get; }

    /// <summary>The form EF Core translates to SQL.</summary>
    public Expression Sql { get; }

    /// <summary>The in-memory form.</summary>
    public Expression Memory { get; }

    /// <summary>Whether the value may be null at run time, even when its C# type cannot be (read through a navigation).</summary>
    public bool MaybeNull { get; }

    /// <summary>The element type of a collection navigation.</summary>
    public Type? ElementType { get; }

    /// <summary>The value's C# type (the SQL form's type).</summary>
    public Type Type => Sql.Type;

    /// <summary>
    /// Whether the value is a constant (literals and operations on literals only, folded). Its in-memory form is then a
    /// <see cref="ConstantExpression"/>, and its SQL form reads a <see cref="RuleLiteral"/>, which EF Core sends as a
    /// parameter (bools and null stay constants).
    /// </summary>
    public bool IsConstant { get; }

    /// <summary>
    /// A scalar value: a number, bool, string, date or enum. <paramref name="memory"/> is of <paramref name="sql"/>'s
    /// type or its nullable form, and is lifted to the nullable form when <paramref name="maybeNull"/>.
    /// </summary>
    public static RuleValue Scalar(Expression sql, Expression memory, bool maybeNull)
    {
        var lifted = RuleTypes.Lift(sql.Type);
        if (memory.Type != sql.Type && memory.Type != lifted)
        {
            throw new InvalidOperationException($"The in-memory form of a {sql.Type} value is a {memory.Type}.");
        }

        return new(RuleValueKind.Scalar, sql, maybeNull ? ConvertIfNeeded(memory, lifted) : memory, maybeNull || RuleTypes.IsNullableValue(sql.Type), null);
    }

    /// <summary>A constant scalar: a parameter in SQL (see <see cref="RuleLiteral"/>), a constant in memory.</summary>
    public static RuleValue Constant(object? value, Type type)
        => new(RuleValueKind.Scalar, RuleLiteral.Sql(value, type), Expression.Constant(value, type), value is null, null, isConstant: true);

    /// <summary>An entity: the rule's entity itself, a reference navigation, or a collection's element.</summary>
    public static RuleValue Entity(Expression sql, Expression memory, bool maybeNull) => new(RuleValueKind.Entity, sql, memory, maybeNull, null);

    /// <summary>A collection navigation of <paramref name="elementType"/>.</summary>
    public static RuleValue Collection(Expression sql, Expression memory, Type elementType) => new(RuleValueKind.Collection, sql, memory, true, elementType);

    /// <summary>The <see langword="null"/> literal, which takes its type from the other operand.</summary>
    public static RuleValue Null { get; } = new(RuleValueKind.Null, Expression.Constant(null), Expression.Constant(null), true, null, isConstant: true);

    /// <summary>A char literal, allowed only as the argument of the string methods, which read it as a one-character string.</summary>
    public static RuleValue Char(char value)
        => new(RuleValueKind.Char, RuleLiteral.Sql(value.ToString(), typeof(string)), Expression.Constant(value.ToString()), false, null, isConstant: true);

    private static Expression ConvertIfNeeded(Expression expression, Type type) => expression.Type == type ? expression : Expression.Convert(expression, type);
}
