using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace ServerTools.Rules.Data;

/// <summary>
/// Up to 64 consecutive rules of a <see cref="DataRulePlan"/> compiled into one delegate that evaluates the in-memory
/// form of each (the lambdas are invoked in one tree, which the expression compiler inlines) and returns bit
/// <c>i</c> set when rule <c>Start + i</c> is broken. Rules that cannot run have no code in it; <see cref="Unrunnable"/>
/// marks them. Delegates are cached by entity type and the rules' compiled expressions, which the compiler caches by
/// text, so reading unchanged definitions again compiles nothing.
/// </summary>
internal sealed class DataRuleGroup
{
    /// <summary>The most rules one group holds: a bit each in a <see cref="ulong"/>.</summary>
    public const int MaxRules = 64;

    private const int CacheLimit = 1_000;

    private static readonly ConcurrentDictionary<Key, Func<object, ulong>> s_compiled = new();

    private DataRuleGroup(int start, int count, ulong unrunnable, Func<object, ulong>? check)
    {
        Start = start;
        Count = count;
        Unrunnable = unrunnable;
        Check = check;
    }

    /// <summary>The index of the group's first rule in the plan.</summary>
    public int Start { get; }

    /// <summary>How many rules the group holds.</summary>
    public int Count { get; }

    /// <summary>A bit per rule of the group that cannot run (<see cref="DataRule.Error"/>), reported as failed on every entity.</summary>
    public ulong Unrunnable { get; }

    /// <summary>The compiled delegate, or <see langword="null"/> when no rule of the group can run.</summary>
    public Func<object, ulong>? Check { get; }

    /// <summary>The group of <paramref name="count"/> rules from <paramref name="start"/> for entities of <paramref name="entityType"/>.</summary>
    public static DataRuleGroup For(Type entityType, DataRule[] rules, int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxRules);
        var expressions = new CompiledRuleExpression?[count];
        var unrunnable = 0UL;
        var runnable = false;
        for (var i = 0; i < count; i++)
        {
            expressions[i] = rules[start + i].Expression;
            if (expressions[i] is null)
            {
                unrunnable |= 1UL << i;
            }
            else
            {
                runnable = true;
            }
        }

        if (!runnable)
        {
            return new DataRuleGroup(start, count, unrunnable, null);
        }

        if (s_compiled.Count > CacheLimit)
        {
            s_compiled.Clear();
        }

        var check = s_compiled.GetOrAdd(new Key(entityType, expressions), static key => Compile(key.EntityType, key.Expressions));
        return new DataRuleGroup(start, count, unrunnable, check);
    }

    /// <summary>Evaluates the group's rules on <paramref name="entity"/>; false when one of them threw.</summary>
    public bool TryCheck(object entity, out ulong broken)
    {
        if (Check is not { } check)
        {
            broken = 0;
            return true;
        }

        try
        {
            broken = check(entity);
            return true;
        }
        catch (Exception)
        {
            broken = 0;
            return false;
        }
    }

    /// <summary><c>entity => { var e = (T)entity; ulong broken = 0; if (rule0(e)) broken |= 1; ...; return broken; }</c>.</summary>
    private static Func<object, ulong> Compile(Type entityType, CompiledRuleExpression?[] expressions)
    {
        var entity = Expression.Parameter(typeof(object), "entity");
        var typed = Expression.Variable(entityType, "typed");
        var broken = Expression.Variable(typeof(ulong), "broken");
        var body = new List<Expression>(expressions.Length + 3)
        {
            Expression.Assign(typed, Expression.Convert(entity, entityType)),
            Expression.Assign(broken, Expression.Constant(0UL)),
        };
        for (var i = 0; i < expressions.Length; i++)
        {
            if (expressions[i] is { } expression)
            {
                body.Add(Expression.IfThen(
                    Expression.Invoke(expression.Memory, typed),
                    Expression.OrAssign(broken, Expression.Constant(1UL << i))));
            }
        }

        body.Add(broken);
        return Expression.Lambda<Func<object, ulong>>(Expression.Block([typed, broken], body), entity).Compile();
    }

    /// <summary>An entity type and a group's compiled expressions, equal when they are the same instances in the same order.</summary>
    private sealed class Key(Type entityType, CompiledRuleExpression?[] expressions) : IEquatable<Key>
    {
        private readonly int _hash = Hash(entityType, expressions);

        public Type EntityType { get; } = entityType;

        public CompiledRuleExpression?[] Expressions { get; } = expressions;

        public bool Equals(Key? other)
        {
            if (other is null || other._hash != _hash || other.EntityType != EntityType || other.Expressions.Length != Expressions.Length)
            {
                return false;
            }

            for (var i = 0; i < Expressions.Length; i++)
            {
                if (!ReferenceEquals(other.Expressions[i], Expressions[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as Key);

        public override int GetHashCode() => _hash;

        private static int Hash(Type entityType, CompiledRuleExpression?[] expressions)
        {
            var hash = new HashCode();
            hash.Add(entityType);
            foreach (var expression in expressions)
            {
                hash.Add(expression is null ? 0 : RuntimeHelpers.GetHashCode(expression));
            }

            return hash.ToHashCode();
        }
    }
}
