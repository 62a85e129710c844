using System;
using System.Linq.Expressions;
using System.Reflection;

namespace ServerTools.Rules;

/// <summary>
/// A literal of a data rule (or a value folded from literals) in the rule's SQL form. The SQL form reads it from an
/// object, as a lambda reads a captured variable, so EF Core sends it to PostgreSQL as a parameter and never writes it
/// into the SQL text: what a rule's author writes in a literal cannot change the query, whatever the session's
/// settings (with <c>standard_conforming_strings</c> off, PostgreSQL reads a backslash in a quoted literal as an escape).
/// EF Core gives the parameter the type mapping of the column it meets (an enum stored as text is sent as text, a
/// decimal as numeric with the literal's own scale). Bools and null stay constants: EF Core writes them as the keywords
/// <c>TRUE</c>, <c>FALSE</c> and <c>NULL</c>, which no setting changes, and simplifies the SQL around them.
/// </summary>
internal sealed class RuleLiteral
{
    private static readonly PropertyInfo s_value = typeof(RuleLiteral).GetProperty(nameof(Value))!;

    private RuleLiteral(object value) => Value = value;

    /// <summary>The literal's value.</summary>
    public object Value { get; }

    /// <summary>The SQL form of the literal <paramref name="value"/> of <paramref name="type"/>.</summary>
    public static Expression Sql(object? value, Type type)
    {
        if (value is null or bool)
        {
            return Expression.Constant(value, type);
        }

        return Expression.Convert(Expression.Property(Expression.Constant(new RuleLiteral(value)), s_value), type);
    }
}
