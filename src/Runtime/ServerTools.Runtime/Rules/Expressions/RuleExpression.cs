using System;
using System.Linq.Expressions;
using ServerTools.Rules;

namespace ServerTools;

/// <summary>
/// Compiles data rule expressions: C# expressions over an entity, such as
/// <c>order.Discount &gt; 0.3m &amp;&amp; order.Customer.Country == "FR"</c>, stored as data and edited at run time.
/// The text is parsed with Roslyn, checked against an allow-list (the entity's properties and navigations, literals,
/// operators and a few safe methods) and compiled to an expression tree. Anything else is refused with a
/// <see cref="RuleExpressionException"/> that names the construct and its position. The language is described in
/// docs/rules.md.
/// </summary>
public static class RuleExpression
{
    /// <summary>Parses, checks and compiles <paramref name="expression"/> over <typeparamref name="T"/>'s public properties.</summary>
    /// <typeparam name="T">The entity type the rule reads.</typeparam>
    /// <param name="expression">The rule's C# expression, true when the rule is broken.</param>
    /// <returns>The rule's SQL form (for <c>Where</c>) and its in-memory evaluation, which agree.</returns>
    /// <exception cref="RuleExpressionException">The expression is malformed or uses something a rule may not use.</exception>
    public static RuleExpression<T> Compile<T>(string expression)
        where T : class
        => new(Compile(typeof(T), expression, RuleSchema.PublicProperties));

    /// <summary>
    /// Parses, checks and compiles <paramref name="expression"/> over the members of <paramref name="entityType"/>
    /// (and of the types its navigations reach) that <paramref name="schema"/> gives. Thread-safe.
    /// </summary>
    /// <exception cref="RuleExpressionException">The expression is malformed or uses something a rule may not use.</exception>
    /// <exception cref="ArgumentException"><paramref name="entityType"/> is not an entity type (a class or struct of the application).</exception>
    internal static CompiledRuleExpression Compile(Type entityType, string expression, RuleSchema schema)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(schema);
        if (!RuleTypes.IsEntity(entityType) || entityType.IsValueType)
        {
            throw new ArgumentException($"'{entityType}' is not an entity class; data rules read entity classes of the application.", nameof(entityType));
        }

        var errors = new RuleErrors(expression);
        var syntax = RuleExpressionParser.Parse(errors);
        var binder = new RuleExpressionBinder(entityType, schema, errors, syntax);
        var body = binder.BindRule(syntax);

        var sql = Expression.Lambda(typeof(Func<,>).MakeGenericType(entityType, typeof(bool)), body.Sql, binder.SqlParameter);
        var memory = Expression.Lambda(typeof(Func<,>).MakeGenericType(entityType, typeof(bool)), body.Memory, binder.MemoryParameter);
        var entity = Expression.Parameter(typeof(object), "entity");
        var evaluate = Expression.Lambda<Func<object, bool>>(Expression.Invoke(memory, Expression.Convert(entity, entityType)), entity);
        return new CompiledRuleExpression(expression, binder.EntityName, sql, memory, evaluate.Compile());
    }
}
