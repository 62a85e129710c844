using System;
using System.Linq.Expressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Rules;

/// <summary>The operators: C#'s typing and numeric promotions, EF Core's null semantics, PostgreSQL's arithmetic in memory.</summary>
internal sealed partial class RuleExpressionBinder
{
    private static readonly System.Reflection.MethodInfo s_concat = typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string)])!;

    private RuleValue BindBinary(BinaryExpressionSyntax node)
    {
        var kind = node.Kind();
        switch (kind)
        {
            case SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression:
                var left = Condition(Bind(node.Left), node.Left);
                var right = Condition(Bind(node.Right), node.Right);

                // PostgreSQL drops the other operand of OR TRUE and AND FALSE when it plans the query, so memory does not
                // evaluate it either (it could throw where the database never does).
                var isAnd = kind == SyntaxKind.LogicalAndExpression;
                if (right is { IsConstant: true, Memory: ConstantExpression { Value: bool decisive } } && decisive != isAnd)
                {
                    return right;
                }

                return Predicate(node, left, right, isAnd ? Expression.AndAlso : Expression.OrElse);
            case SyntaxKind.CoalesceExpression:
                return BindCoalesce(node);
            case SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression:
                return BindEquality(node, Bind(node.Left), Bind(node.Right), kind == SyntaxKind.EqualsExpression);
            case SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression
                or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression:
                return BindComparison(node, Bind(node.Left), Bind(node.Right));
            case SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression
                or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression:
                return BindArithmetic(node, Bind(node.Left), Bind(node.Right));
            case SyntaxKind.BitwiseAndExpression or SyntaxKind.BitwiseOrExpression or SyntaxKind.ExclusiveOrExpression
                or SyntaxKind.LeftShiftExpression or SyntaxKind.RightShiftExpression or SyntaxKind.UnsignedRightShiftExpression:
                throw _errors.At(node.OperatorToken, $"operator '{node.OperatorToken.Text}'", "bitwise operators are not allowed; write conditions with &&, || and !.");
            default:
                throw RuleConstructs.Reject(_errors, node);
        }
    }

    private RuleValue BindEquality(BinaryExpressionSyntax node, RuleValue left, RuleValue right, bool equal)
    {
        var op = node.OperatorToken;
        if (left.Kind == RuleValueKind.Null && right.Kind == RuleValueKind.Null)
        {
            throw _errors.At(op, "comparison of null with null", "compare a property with null, such as order.Note == null.");
        }

        if (left.Kind == RuleValueKind.Null || right.Kind == RuleValueKind.Null)
        {
            return CompareWithNull(left.Kind == RuleValueKind.Null ? right : left, equal, node, op);
        }

        if (left.Kind != RuleValueKind.Scalar || right.Kind != RuleValueKind.Scalar)
        {
            throw _errors.At(op, $"operator '{op.Text}' on {Describe(left)} and {Describe(right)}", "compare values, such as order.CustomerId == 3; entities and collections compare only with null, and collections not at all (use Any()).");
        }

        CheckStoredComparison(node, left, right);
        var (l, r) = Unify(left, right, CommonType(left, right, op, ordering: false));
        return Predicate(node, l, r, equal ? ExpressionType.Equal : ExpressionType.NotEqual);
    }

    /// <summary>A bool (never null) of two operands, the same operation in both forms, folded when both are constants.</summary>
    private RuleValue Predicate(SyntaxNode node, RuleValue left, RuleValue right, Func<Expression, Expression, BinaryExpression> operation)
        => Fold(RuleValue.Scalar(operation(left.Sql, right.Sql), operation(left.Memory, right.Memory), maybeNull: false), node, left, right);

    /// <summary>
    /// A comparison of two operands of one type. Doubles compare in memory as PostgreSQL compares float8 (NaN equals
    /// NaN and is above every other number), through <see cref="InMemoryRuleFunctions"/>; lifted, as C# lifts, when an
    /// operand is nullable (null equals null, and an order comparison with null is false).
    /// </summary>
    private RuleValue Predicate(SyntaxNode node, RuleValue left, RuleValue right, ExpressionType comparison)
    {
        var sql = Expression.MakeBinary(comparison, left.Sql, right.Sql);
        var memory = RuleTypes.Underlying(left.Memory.Type) == typeof(double)
            ? Expression.MakeBinary(comparison, left.Memory, right.Memory, liftToNull: false, Function(DoubleComparison(comparison), typeof(double), typeof(double)))
            : Expression.MakeBinary(comparison, left.Memory, right.Memory);
        return Fold(RuleValue.Scalar(sql, memory, maybeNull: false), node, left, right);
    }

    private static string DoubleComparison(ExpressionType comparison) => comparison switch
    {
        ExpressionType.Equal => nameof(InMemoryRuleFunctions.EqualDouble),
        ExpressionType.NotEqual => nameof(InMemoryRuleFunctions.NotEqualDouble),
        ExpressionType.LessThan => nameof(InMemoryRuleFunctions.LessThanDouble),
        ExpressionType.LessThanOrEqual => nameof(InMemoryRuleFunctions.LessThanOrEqualDouble),
        ExpressionType.GreaterThan => nameof(InMemoryRuleFunctions.GreaterThanDouble),
        _ => nameof(InMemoryRuleFunctions.GreaterThanOrEqualDouble),
    };

    /// <summary><c>x == null</c>, <c>x is null</c>, <c>x.HasValue</c>: true when SQL gives null, so also for a value read through a null navigation.</summary>
    private RuleValue CompareWithNull(RuleValue value, bool equal, SyntaxNode node, SyntaxToken op)
    {
        switch (value.Kind)
        {
            case RuleValueKind.Collection:
                throw _errors.At(node, "collection compared with null", "a collection navigation is never null in SQL; test it with Any().");
            case RuleValueKind.Char:
                throw _errors.At(node, "character literal compared with null", RuleErrors.DefaultAdvice);
            case RuleValueKind.Entity when value.Type.IsValueType:
                throw _errors.At(node, $"{RuleTypes.Name(value.Type)} compared with null", "compare one of its properties with null.");
            case RuleValueKind.Scalar when !value.MaybeNull:
                throw _errors.At(
                    op.IsKind(SyntaxKind.None) ? node.Span : op.Span,
                    $"comparison of {RuleTypes.Name(value.Type)} with null",
                    $"a value of type {RuleTypes.Name(value.Type)} that is not read through a navigation is never null, so the comparison is always {(equal ? "false" : "true")}.");
        }

        var sql = value.Sql.Type.IsValueType ? RuleMemory.ConvertTo(value.Sql, RuleTypes.Lift(value.Sql.Type)) : value.Sql;
        var isNull = MemoryIsNull(value.Memory) ?? Expression.Constant(false);
        return RuleValue.Scalar(NullTest(sql, equal), equal ? isNull : Expression.Not(isNull), maybeNull: false);
    }

    /// <summary>
    /// Whether the in-memory <paramref name="value"/> is null, tested as EF Core tests its SQL form: an operation that
    /// propagates null (arithmetic, a sign, a conversion, <c>Math.Abs</c>) is null when one of its operands is, and
    /// <c>a ?? b</c> when both are, so the operation itself is not computed (<c>order.CustomerId + 1 == null</c> is
    /// <c>"CustomerId" IS NULL</c> in SQL, and does not overflow in memory either). <see langword="null"/> when the value
    /// is never null.
    /// </summary>
    private static Expression? MemoryIsNull(Expression value)
    {
        if (value.Type.IsValueType && !RuleTypes.IsNullableValue(value.Type))
        {
            return null;
        }

        switch (value)
        {
            case ConstantExpression constant:
                return constant.Value is null ? Expression.Constant(true) : null;
            case BinaryExpression { NodeType: ExpressionType.Coalesce } coalesce:
                return MemoryIsNull(coalesce.Left) is { } left && MemoryIsNull(coalesce.Right) is { } right ? Expression.AndAlso(left, right) : null;
            case BinaryExpression { NodeType: ExpressionType.Add or ExpressionType.AddChecked or ExpressionType.Subtract or ExpressionType.SubtractChecked
                or ExpressionType.Multiply or ExpressionType.MultiplyChecked or ExpressionType.Divide or ExpressionType.Modulo } arithmetic:
                var either = (MemoryIsNull(arithmetic.Left), MemoryIsNull(arithmetic.Right));
                return either switch
                {
                    ({ } l, { } r) => Expression.OrElse(l, r),
                    ({ } l, null) => l,
                    (null, var r) => r,
                };
            case UnaryExpression { NodeType: ExpressionType.Negate or ExpressionType.NegateChecked or ExpressionType.Convert or ExpressionType.ConvertChecked } unary:
                return MemoryIsNull(unary.Operand);
            case UnaryExpression { NodeType: ExpressionType.UnaryPlus, Method: not null } function:
                return MemoryIsNull(function.Operand);
            default:
                return NullTest(value, equal: true);
        }
    }

    private static BinaryExpression NullTest(Expression value, bool equal)
    {
        var constant = Expression.Constant(null, value.Type);
        return value.Type.IsValueType
            ? equal ? Expression.Equal(value, constant) : Expression.NotEqual(value, constant)
            : equal ? Expression.ReferenceEqual(value, constant) : Expression.ReferenceNotEqual(value, constant);
    }

    private RuleValue BindComparison(BinaryExpressionSyntax node, RuleValue left, RuleValue right)
    {
        var op = node.OperatorToken;
        if (left.Kind != RuleValueKind.Scalar || right.Kind != RuleValueKind.Scalar)
        {
            throw _errors.At(op, $"operator '{op.Text}' on {Describe(left)} and {Describe(right)}", "order comparisons apply to numbers and dates; test null with == null.");
        }

        var (l, r) = Unify(left, right, CommonType(left, right, op, ordering: true));
        var comparison = node.Kind() switch
        {
            SyntaxKind.LessThanExpression => ExpressionType.LessThan,
            SyntaxKind.LessThanOrEqualExpression => ExpressionType.LessThanOrEqual,
            SyntaxKind.GreaterThanExpression => ExpressionType.GreaterThan,
            _ => ExpressionType.GreaterThanOrEqual,
        };
        return Predicate(node, l, r, comparison);
    }

    private RuleValue BindArithmetic(BinaryExpressionSyntax node, RuleValue left, RuleValue right)
    {
        var op = node.OperatorToken;
        var kind = node.Kind();
        if (left.Kind != RuleValueKind.Scalar || right.Kind != RuleValueKind.Scalar)
        {
            throw _errors.At(op, $"operator '{op.Text}' on {Describe(left)} and {Describe(right)}", "arithmetic applies to numbers, and + also joins two strings.");
        }

        if (kind == SyntaxKind.AddExpression && (left.Type == typeof(string) || right.Type == typeof(string)))
        {
            if (left.Type != right.Type)
            {
                throw _errors.At(op, $"operator '+' on {Describe(left)} and {Describe(right)}", "+ joins a string with a string only; a rule does not turn numbers or dates into text, whose format differs between .NET and PostgreSQL.");
            }

            return Fold(
                RuleValue.Scalar(Expression.Add(left.Sql, right.Sql, s_concat), Expression.Call(s_concat, left.Memory, right.Memory), maybeNull: false),
                node,
                left,
                right);
        }

        var type = CommonType(left, right, op, ordering: false);
        if (!RuleTypes.IsNumeric(type))
        {
            throw _errors.At(op, $"operator '{op.Text}' on {Describe(left)} and {Describe(right)}", "arithmetic applies to numbers (int, long, decimal, double).");
        }

        if (type == typeof(double) && kind == SyntaxKind.ModuloExpression)
        {
            throw _errors.At(op, "operator '%' on double", "PostgreSQL has no remainder of double precision numbers; use decimal numbers.");
        }

        if (kind is SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression && !left.IsConstant && IsConstantZero(right))
        {
            // As certain as 1 / 0 between literals (which Fold refuses where it computes it): every evaluation throws, and every SQL query of the rule fails (22012).
            throw _errors.At(op, "division by constant zero", "the divisor is the constant zero, so every evaluation of the rule, and every SQL query of it, fails.");
        }

        var (l, r) = Unify(left, right, type);
        var expressionType = kind switch
        {
            SyntaxKind.AddExpression => ExpressionType.Add,
            SyntaxKind.SubtractExpression => ExpressionType.Subtract,
            SyntaxKind.MultiplyExpression => ExpressionType.Multiply,
            SyntaxKind.DivideExpression => ExpressionType.Divide,
            _ => ExpressionType.Modulo,
        };
        var sql = Expression.MakeBinary(expressionType, l.Sql, r.Sql);
        return Fold(RuleValue.Scalar(sql, MemoryArithmetic(expressionType, type, l.Memory, r.Memory), l.MaybeNull || r.MaybeNull), node, left, right);
    }

    /// <summary>Whether <paramref name="value"/> is a constant (a literal, or folded from literals) that is a zero number.</summary>
    private static bool IsConstantZero(RuleValue value)
        => value.IsConstant
            && value.Memory is ConstantExpression { Value: { } number }
            && number switch
            {
                int i => i == 0,
                long l => l == 0,
                decimal d => d == 0m,
                double d => d == 0d,
                _ => false,
            };

    /// <summary>The in-memory operation: checked integers, and PostgreSQL's decimal division, integer remainder and float8 checks.</summary>
    private static BinaryExpression MemoryArithmetic(ExpressionType operation, Type type, Expression left, Expression right)
    {
        if (type == typeof(int) || type == typeof(long))
        {
            return operation switch
            {
                ExpressionType.Add => Expression.AddChecked(left, right),
                ExpressionType.Subtract => Expression.SubtractChecked(left, right),
                ExpressionType.Multiply => Expression.MultiplyChecked(left, right),
                ExpressionType.Divide => Expression.Divide(left, right),
                _ => Expression.Modulo(left, right, Function(nameof(InMemoryRuleFunctions.Remainder), type, type)),
            };
        }

        if (type == typeof(decimal))
        {
            return operation == ExpressionType.Divide
                ? Expression.Divide(left, right, Function(nameof(InMemoryRuleFunctions.Divide), type, type))
                : Expression.MakeBinary(operation, left, right);
        }

        var name = operation switch
        {
            ExpressionType.Add => nameof(InMemoryRuleFunctions.Add),
            ExpressionType.Subtract => nameof(InMemoryRuleFunctions.Subtract),
            ExpressionType.Multiply => nameof(InMemoryRuleFunctions.Multiply),
            _ => nameof(InMemoryRuleFunctions.Divide),
        };
        return Expression.MakeBinary(operation, left, right, liftToNull: true, Function(name, type, type));
    }

    private static System.Reflection.MethodInfo Function(string name, params Type[] parameters)
        => typeof(InMemoryRuleFunctions).GetMethod(name, parameters)
            ?? throw new InvalidOperationException($"InMemoryRuleFunctions.{name} is missing.");

    private RuleValue BindPrefixUnary(PrefixUnaryExpressionSyntax node)
    {
        var op = node.OperatorToken;
        switch (node.Kind())
        {
            case SyntaxKind.LogicalNotExpression:
                var condition = Condition(Bind(node.Operand), node.Operand);
                return Fold(RuleValue.Scalar(Expression.Not(condition.Sql), Expression.Not(condition.Memory), maybeNull: false), node, condition);
            case SyntaxKind.UnaryMinusExpression when node.Operand is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.NumericLiteralExpression):
                return BindNumber(literal, negated: true);
            case SyntaxKind.UnaryMinusExpression or SyntaxKind.UnaryPlusExpression:
                var operand = Bind(node.Operand);
                if (operand.Kind != RuleValueKind.Scalar || !RuleTypes.IsNumeric(operand.Type))
                {
                    throw _errors.At(op, $"operator '{op.Text}' on {Describe(operand)}", "a sign applies to numbers only.");
                }

                if (node.IsKind(SyntaxKind.UnaryPlusExpression))
                {
                    return operand;
                }

                var type = RuleTypes.Underlying(operand.Type);
                var memory = type == typeof(int) || type == typeof(long) ? Expression.NegateChecked(operand.Memory) : Expression.Negate(operand.Memory);
                return Fold(RuleValue.Scalar(Expression.Negate(operand.Sql), memory, operand.MaybeNull), node, operand);
            default:
                throw RuleConstructs.Reject(_errors, node);
        }
    }

    private RuleValue BindConditional(ConditionalExpressionSyntax node)
    {
        var test = Condition(Bind(node.Condition), node.Condition);
        var whenTrue = Bind(node.WhenTrue);
        var whenFalse = Bind(node.WhenFalse);
        if (whenTrue.Kind == RuleValueKind.Null && whenFalse.Kind == RuleValueKind.Null)
        {
            throw _errors.At(node, "?: of two nulls", "one branch must give a value.");
        }

        foreach (var branch in (ReadOnlySpan<RuleValue>)[whenTrue, whenFalse])
        {
            if (branch.Kind is not (RuleValueKind.Scalar or RuleValueKind.Null))
            {
                throw _errors.At(node.QuestionToken, $"?: of {Describe(branch)}", "the branches of ?: give values: numbers, bools, strings, dates or enums.");
            }
        }

        Type type;
        bool nullable;
        if (whenTrue.Kind == RuleValueKind.Null || whenFalse.Kind == RuleValueKind.Null)
        {
            type = RuleTypes.Underlying(whenTrue.Kind == RuleValueKind.Null ? whenFalse.Type : whenTrue.Type);
            nullable = true;
        }
        else
        {
            type = CommonType(whenTrue, whenFalse, node.QuestionToken, ordering: false);
            nullable = RuleTypes.IsNullableValue(whenTrue.Type) || RuleTypes.IsNullableValue(whenFalse.Type);
        }

        var maybeNull = nullable || whenTrue.MaybeNull || whenFalse.MaybeNull;
        var sqlType = nullable ? RuleTypes.Lift(type) : type;
        var memoryType = maybeNull ? RuleTypes.Lift(type) : type;
        var (sqlTrue, memoryTrue) = Branch(whenTrue, type, sqlType, memoryType);
        var (sqlFalse, memoryFalse) = Branch(whenFalse, type, sqlType, memoryType);
        return Fold(
            RuleValue.Scalar(
                Expression.Condition(test.Sql, sqlTrue, sqlFalse, sqlType),
                Expression.Condition(test.Memory, memoryTrue, memoryFalse, memoryType),
                maybeNull),
            node,
            test,
            whenTrue,
            whenFalse);
    }

    private static (Expression Sql, Expression Memory) Branch(RuleValue branch, Type type, Type sqlType, Type memoryType)
    {
        if (branch.Kind == RuleValueKind.Null)
        {
            return (Expression.Constant(null, sqlType), Expression.Constant(null, memoryType));
        }

        var converted = ConvertNumber(branch, type);
        return (RuleMemory.ConvertTo(converted.Sql, sqlType), RuleMemory.ConvertTo(converted.Memory, memoryType));
    }

    private RuleValue BindCoalesce(BinaryExpressionSyntax node)
    {
        var op = node.OperatorToken;
        var left = Bind(node.Left);
        var right = Bind(node.Right);
        if (left.Kind != RuleValueKind.Scalar || right.Kind != RuleValueKind.Scalar)
        {
            throw _errors.At(op, $"operator '??' on {Describe(left)} and {Describe(right)}", "?? gives a value in place of a null one, such as order.Note ?? \"\".");
        }

        if (!left.MaybeNull)
        {
            throw _errors.At(op, $"operator '??' on {RuleTypes.Name(left.Type)} that is never null", $"a value of type {RuleTypes.Name(left.Type)} that is not read through a navigation is never null; ?? applies to nullable properties and values read through navigations.");
        }

        var type = CommonType(left, right, op, ordering: false);
        var (l, r) = (ConvertNumber(left, type), ConvertNumber(right, type));
        var rightType = RuleTypes.IsNullableValue(r.Sql.Type) ? RuleTypes.Lift(type) : type;
        var rightMemoryType = right.MaybeNull ? RuleTypes.Lift(type) : type;
        return Fold(
            RuleValue.Scalar(
                Expression.Coalesce(RuleMemory.ConvertTo(l.Sql, RuleTypes.Lift(type)), RuleMemory.ConvertTo(r.Sql, rightType)),
                Expression.Coalesce(RuleMemory.ConvertTo(l.Memory, RuleTypes.Lift(type)), RuleMemory.ConvertTo(r.Memory, rightMemoryType)),
                right.MaybeNull),
            node,
            left,
            right);
    }

    private RuleValue BindIsPattern(IsPatternExpressionSyntax node)
    {
        var value = Bind(node.Expression);
        return node.Pattern switch
        {
            ConstantPatternSyntax { Expression: LiteralExpressionSyntax literal } when literal.IsKind(SyntaxKind.NullLiteralExpression)
                => CompareWithNull(value, equal: true, node, node.IsKeyword),
            UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: LiteralExpressionSyntax literal } } unary
                when unary.IsKind(SyntaxKind.NotPattern) && literal.IsKind(SyntaxKind.NullLiteralExpression)
                => CompareWithNull(value, equal: false, node, node.IsKeyword),
            _ => throw RuleConstructs.Reject(_errors, node.Pattern),
        };
    }

    /// <summary>
    /// The type both operands take, as C# types them: the same type, or the wider number (int, long, decimal; int and
    /// long with double). Order comparisons (<paramref name="ordering"/>) apply to numbers and dates only.
    /// </summary>
    private Type CommonType(RuleValue left, RuleValue right, SyntaxToken op, bool ordering)
    {
        var l = RuleTypes.Underlying(left.Type);
        var r = RuleTypes.Underlying(right.Type);
        var construct = $"operator '{op.Text}' on {RuleTypes.Name(l)} and {RuleTypes.Name(r)}";
        if (RuleTypes.IsNumeric(l) && RuleTypes.IsNumeric(r))
        {
            if (l == r)
            {
                return l;
            }

            if ((l == typeof(decimal) && r == typeof(double)) || (l == typeof(double) && r == typeof(decimal)))
            {
                throw _errors.At(op, construct, "decimal and double do not mix, as in C#: write decimal literals with the m suffix, such as 0.3m.");
            }

            return l == typeof(decimal) || r == typeof(decimal) ? typeof(decimal)
                : l == typeof(double) || r == typeof(double) ? typeof(double)
                : typeof(long);
        }

        if (l != r)
        {
            throw _errors.At(op, construct, "both sides must be of the same kind: numbers, bools, strings, DateTime, DateOnly or the same enum.");
        }

        if (l == typeof(DateTime))
        {
            CheckTimestampKinds(left, right, op);
        }

        if (ordering && l != typeof(DateTime) && l != typeof(DateOnly))
        {
            var advice = l == typeof(string)
                ? "strings compare only with == and != (their order depends on the database's collation); use StartsWith, EndsWith or Contains."
                : l.IsEnum
                    ? "enum values compare only with == and != (their order in SQL depends on how the enum is mapped); list the values with ||."
                    : "order comparisons apply to numbers and dates.";
            throw _errors.At(op, construct, advice);
        }

        return l;
    }

    /// <summary>
    /// Refuses to mix a <c>timestamp with time zone</c> column and a <c>timestamp without time zone</c> one (both
    /// <see cref="DateTime"/>s, which C# compares): EF Core cannot translate it, so the SQL form would fail on every query.
    /// The kinds come from the schema (the EF model's column types), for every column the operands read.
    /// </summary>
    private void CheckTimestampKinds(RuleValue left, RuleValue right, SyntaxToken op)
    {
        var columns = new TimestampColumns(_schema);
        columns.Visit(left.Sql);
        columns.Visit(right.Sql);
        if (columns.WithTimeZone is { } zoned && columns.WithoutTimeZone is { } local)
        {
            throw _errors.At(
                op,
                $"operator '{op.Text}' on timestamp with time zone and timestamp without time zone",
                $"{zoned} is a timestamp with time zone (a moment, UTC) and {local} one without (a local time), which PostgreSQL compares only "
                + "after converting one in a time zone, a conversion a rule cannot write; compare each with values of its own kind.");
        }
    }

    /// <summary>The first DateTime column of each kind that an expression reads.</summary>
    private sealed class TimestampColumns(RuleSchema schema) : ExpressionVisitor
    {
        public string? WithTimeZone { get; private set; }

        public string? WithoutTimeZone { get; private set; }

        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Member is System.Reflection.PropertyInfo property && node.Expression is { } target
                && RuleTypes.Underlying(node.Type) == typeof(DateTime) && RuleTypes.Underlying(target.Type) != typeof(DateTime))
            {
                var name = $"{target.Type.Name}.{property.Name}";
                switch (schema.IsTimestampWithoutTimeZone(target.Type, property))
                {
                    case true:
                        WithoutTimeZone ??= name;
                        break;
                    case false:
                        WithTimeZone ??= name;
                        break;
                }
            }

            return base.VisitMember(node);
        }
    }

    /// <summary>Both operands converted to <paramref name="type"/>, and both nullable when either is (in each form).</summary>
    private static (RuleValue Left, RuleValue Right) Unify(RuleValue left, RuleValue right, Type type)
    {
        var l = ConvertNumber(left, type);
        var r = ConvertNumber(right, type);
        var sqlType = RuleTypes.IsNullableValue(l.Sql.Type) || RuleTypes.IsNullableValue(r.Sql.Type) ? RuleTypes.Lift(type) : type;
        var memoryType = RuleTypes.IsNullableValue(l.Memory.Type) || RuleTypes.IsNullableValue(r.Memory.Type) ? RuleTypes.Lift(type) : type;
        return (
            RuleValue.Scalar(RuleMemory.ConvertTo(l.Sql, sqlType), RuleMemory.ConvertTo(l.Memory, memoryType), l.MaybeNull),
            RuleValue.Scalar(RuleMemory.ConvertTo(r.Sql, sqlType), RuleMemory.ConvertTo(r.Memory, memoryType), r.MaybeNull));
    }

    /// <summary>A numeric promotion (int to long, decimal or double; long to decimal or double), folded for literals.</summary>
    private static RuleValue ConvertNumber(RuleValue value, Type type)
    {
        if (RuleTypes.Underlying(value.Type) == type)
        {
            return value;
        }

        if (value is { IsConstant: true, Memory: ConstantExpression { Value: { } constant } })
        {
            var converted = Convert.ChangeType(constant, type, System.Globalization.CultureInfo.InvariantCulture);
            return RuleValue.Constant(converted is decimal number ? InMemoryRuleFunctions.AsSqlLiteral(number) : converted, type);
        }

        var sqlType = RuleTypes.IsNullableValue(value.Sql.Type) ? RuleTypes.Lift(type) : type;
        var memoryType = RuleTypes.IsNullableValue(value.Memory.Type) ? RuleTypes.Lift(type) : type;
        return RuleValue.Scalar(Expression.Convert(value.Sql, sqlType), Expression.Convert(value.Memory, memoryType), value.MaybeNull);
    }
}
