using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Rules;

/// <summary>
/// The safe methods and members: string (<c>Length</c>, <c>Contains</c>, <c>StartsWith</c>, <c>EndsWith</c>,
/// <c>Trim()</c>, <c>string.IsNullOrEmpty</c>), dates (<c>Year</c>, <c>Month</c>, <c>Day</c>, <c>Hour</c>,
/// <c>Minute</c>, <c>Second</c>, <c>DayOfWeek</c>, <c>Date</c>), <c>Math.Abs</c> and <c>Math.Round</c> of decimals,
/// and on collection navigations <c>Count</c>, <c>Any</c>, <c>All</c>, <c>Count(...)</c> and <c>Sum(...)</c>.
/// Each is bound to a known method, never looked up by the name the text gives.
/// </summary>
internal sealed partial class RuleExpressionBinder
{
    private const string CollectionAdvice = "a rule reads a collection navigation through Count, Any(), Any(x => ...), All(x => ...), Count(x => ...) and Sum(x => ...).";

    private const string StringAdvice = "of a string, a rule may use Length, Contains(s), StartsWith(s), EndsWith(s), Trim() and string.IsNullOrEmpty(s).";

    private static readonly HashSet<string> s_dateTimeParts = new(StringComparer.Ordinal) { "Year", "Month", "Day", "Hour", "Minute", "Second", "DayOfWeek", "Date" };

    private static readonly HashSet<string> s_dateOnlyParts = new(StringComparer.Ordinal) { "Year", "Month", "Day", "DayOfWeek" };

    private RuleValue BindInvocation(InvocationExpressionSyntax node)
    {
        switch (node.Expression)
        {
            case IdentifierNameSyntax { Identifier.ValueText: "nameof" } identifier:
                throw _errors.At(identifier, "nameof", RuleErrors.DefaultAdvice);
            case IdentifierNameSyntax identifier:
                throw _errors.At(identifier, $"method '{identifier.Identifier.ValueText}'", RuleErrors.DefaultAdvice);
            case GenericNameSyntax generic:
                throw _errors.At(generic, "generic method call", RuleErrors.DefaultAdvice);
            case MemberAccessExpressionSyntax { Name: GenericNameSyntax generic }:
                throw _errors.At(generic, "generic method call", "call the method without type arguments, such as order.Lines.Any().");
            case MemberAccessExpressionSyntax access when access.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                var nameNode = MemberName(access);
                if (StaticRoot(access.Expression) is { } root)
                {
                    return BindStaticCall(node, access, root, nameNode);
                }

                return BindInstanceCall(node, BindReceiver(access.Expression), nameNode);
            case MemberAccessExpressionSyntax pointer:
                throw RuleConstructs.Reject(_errors, pointer);
            case var callee when RuleConstructs.Names(callee):
                throw RuleConstructs.Reject(_errors, callee);
            default:
                throw _errors.At(node.Expression, "delegate invocation", RuleErrors.DefaultAdvice);
        }
    }

    private RuleValue BindStaticCall(InvocationExpressionSyntax node, MemberAccessExpressionSyntax access, ExpressionSyntax root, IdentifierNameSyntax nameNode)
    {
        var name = nameNode.Identifier.ValueText;
        var typeName = root switch
        {
            PredefinedTypeSyntax predefined when predefined.Keyword.IsKind(SyntaxKind.StringKeyword) => "string",
            IdentifierNameSyntax identifier when identifier.Identifier.ValueText is "String" or "Math" => identifier.Identifier.ValueText,
            IdentifierNameSyntax identifier when IsKnownType(identifier.Identifier.ValueText) => identifier.Identifier.ValueText,
            PredefinedTypeSyntax predefined => predefined.Keyword.Text,
            _ => null,
        };
        if (typeName is null)
        {
            throw StaticOrUnknown(access.Expression, root, name);
        }

        if (access.Expression != root)
        {
            throw _errors.At(access.Expression, $"static member '{DottedName(access.Expression)}'", RuleErrors.DefaultAdvice);
        }

        CheckArguments(node);
        var arguments = node.ArgumentList.Arguments;
        switch (typeName, name)
        {
            case ("string" or "String", "IsNullOrEmpty"):
                RequireArguments(node, nameNode, 1, "string.IsNullOrEmpty takes one string");
                var text = RequireString(Bind(arguments[0].Expression), arguments[0], $"{typeName}.IsNullOrEmpty");
                var isNullOrEmpty = typeof(string).GetMethod(nameof(string.IsNullOrEmpty), [typeof(string)])!;
                return Fold(RuleValue.Scalar(Expression.Call(isNullOrEmpty, text.Sql), Expression.Call(isNullOrEmpty, text.Memory), maybeNull: false), node, text);
            case ("Math", "Abs"):
                RequireArguments(node, nameNode, 1, "Math.Abs takes one number");
                return MathAbs(node, Bind(arguments[0].Expression), arguments[0]);
            case ("Math", "Round"):
                if (arguments.Count is not (1 or 2))
                {
                    throw _errors.At(nameNode, string.Create(CultureInfo.InvariantCulture, $"method 'Math.Round' with {arguments.Count} arguments"), "write Math.Round(x) or Math.Round(x, digits).");
                }

                return MathRound(node, Bind(arguments[0].Expression), arguments[0], arguments.Count == 2 ? arguments[1] : null);
            default:
                var advice = name is "Max" or "Min" or "Floor" or "Ceiling" or "Sqrt" or "Pow" or "Truncate"
                    ? "of Math, a rule may call only Math.Abs(x) and Math.Round(x, digits) (of decimals), whose results PostgreSQL gives too."
                    : RuleErrors.DefaultAdvice;
                throw _errors.At(access, $"method '{typeName}.{name}'", advice);
        }
    }

    private RuleValue BindInstanceCall(InvocationExpressionSyntax node, RuleValue receiver, IdentifierNameSyntax nameNode)
    {
        CheckArguments(node);
        var name = nameNode.Identifier.ValueText;
        var arguments = node.ArgumentList.Arguments;
        if (receiver.Kind == RuleValueKind.Collection)
        {
            return BindCollectionCall(node, receiver, nameNode);
        }

        if (receiver.Kind == RuleValueKind.Scalar && receiver.Type == typeof(string))
        {
            switch (name)
            {
                case "Contains" or "StartsWith" or "EndsWith":
                    RequireArguments(node, nameNode, 1, $"{name} takes one string (the comparison is ordinal, as in PostgreSQL)");
                    var part = Bind(arguments[0].Expression);
                    if (part.Kind != RuleValueKind.Char)
                    {
                        part = RequireString(part, arguments[0], name);
                    }

                    var sqlMethod = typeof(string).GetMethod(name, [typeof(string)])!;
                    var memoryMethod = Function(name, typeof(string), typeof(string));
                    return Fold(
                        RuleValue.Scalar(Expression.Call(receiver.Sql, sqlMethod, part.Sql), Expression.Call(memoryMethod, receiver.Memory, part.Memory), maybeNull: false),
                        node,
                        receiver,
                        part);
                case "Trim":
                    RequireArguments(node, nameNode, 0, "Trim() takes no arguments (it removes spaces, tabs and line breaks, as Npgsql's btrim does)");
                    var trim = typeof(string).GetMethod(nameof(string.Trim), Type.EmptyTypes)!;
                    return Fold(
                        RuleValue.Scalar(Expression.Call(receiver.Sql, trim), Expression.Call(Function(nameof(InMemoryRuleFunctions.Trim), typeof(string)), receiver.Memory), receiver.MaybeNull),
                        node,
                        receiver);
                case "ToUpper" or "ToLower" or "ToUpperInvariant" or "ToLowerInvariant":
                    throw _errors.At(nameNode, $"method '{name}'", "case conversion differs between .NET and PostgreSQL (it follows the database's locale); compare the exact text.");
            }

            throw _errors.At(nameNode, $"method '{name}'", StringAdvice);
        }

        throw _errors.At(nameNode, $"method '{name}'", RuleErrors.DefaultAdvice);
    }

    /// <summary>Members of values: <c>string.Length</c>, date parts, <c>Nullable.Value</c> and <c>HasValue</c>.</summary>
    private RuleValue BindScalarMember(RuleValue target, IdentifierNameSyntax nameNode)
    {
        var name = nameNode.Identifier.ValueText;
        var type = RuleTypes.Underlying(target.Type);
        if (RuleTypes.IsNullableValue(target.Type))
        {
            if (name == "Value")
            {
                return RuleValue.Scalar(Expression.Property(target.Sql, "Value"), target.Memory, maybeNull: true);
            }

            if (name == "HasValue")
            {
                return CompareWithNull(target, equal: false, nameNode, default);
            }
        }

        if (type == typeof(string))
        {
            if (name == "Length")
            {
                var length = Expression.Call(Function(nameof(InMemoryRuleFunctions.Length), typeof(string)), target.Memory);
                return Fold(RuleValue.Scalar(Expression.Property(target.Sql, "Length"), length, target.MaybeNull), nameNode, target);
            }

            throw _errors.At(nameNode, $"member '{name}' of string", StringAdvice);
        }

        if ((type == typeof(DateTime) && s_dateTimeParts.Contains(name)) || (type == typeof(DateOnly) && s_dateOnlyParts.Contains(name)))
        {
            var property = type.GetProperty(name)!;
            return RuleValue.Scalar(
                SqlDatePart(SqlValue(target.Sql), property),
                RuleMemory.Lift(target.Memory, target.MaybeNull, value => MemoryDatePart(value, property)),
                target.MaybeNull);
        }

        var advice = type == typeof(DateTime)
            ? "of a DateTime, a rule may read Year, Month, Day, Hour, Minute, Second, DayOfWeek and Date."
            : type == typeof(DateOnly)
                ? "of a DateOnly, a rule may read Year, Month, Day and DayOfWeek."
                : $"a value of type {RuleTypes.Name(target.Type)} has no members a rule may read.";
        throw _errors.At(nameNode, $"member '{name}' of {RuleTypes.Name(target.Type)}", advice);
    }

    /// <summary>
    /// A part of a date in SQL. Npgsql stores <c>MinValue</c> and <c>MaxValue</c> as <c>-infinity</c> and
    /// <c>infinity</c>, whose parts PostgreSQL gives as NULL or an infinity (which the cast to int refuses), and reads them
    /// back as <c>MinValue</c> and <c>MaxValue</c>: the SQL takes those values' parts from .NET, as memory does
    /// (<c>default(DateTime).Year</c> is 1). The day of an infinity is itself in SQL, and so in memory
    /// (<see cref="MemoryDatePart"/>): a literal of 9999-12-31 would need the column's kind of timestamp.
    /// <c>Second</c> is read as <c>TimeOfDay.Seconds</c>: Npgsql writes <c>DateTime.Second</c> as
    /// <c>date_part('second', x)::int</c>, and the cast rounds the fraction (59.999 becomes 60), where .NET truncates;
    /// <c>TimeOfDay.Seconds</c> is <c>floor(date_part('second', x::time))::int</c>.
    /// </summary>
    private static Expression SqlDatePart(Expression date, System.Reflection.PropertyInfo property)
    {
        Expression part = property.Name == nameof(DateTime.Second) && date.Type == typeof(DateTime)
            ? Expression.Property(Expression.Property(date, nameof(DateTime.TimeOfDay)), nameof(TimeSpan.Seconds))
            : Expression.Property(date, property);
        if (property.PropertyType == date.Type)
        {
            return part;
        }

        // Infinities are written as such whatever the kind, so these constants suit timestamp and timestamptz columns.
        var (min, max) = date.Type == typeof(DateTime)
            ? ((object)DateTime.MinValue, (object)DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc))
            : (DateOnly.MinValue, DateOnly.MaxValue);
        return Expression.Condition(
            Expression.Equal(date, Expression.Constant(min, date.Type)),
            Expression.Constant(property.GetValue(min), property.PropertyType),
            Expression.Condition(
                Expression.Equal(date, Expression.Constant(max, date.Type)),
                Expression.Constant(property.GetValue(max), property.PropertyType),
                part));
    }

    /// <summary>A part of a date in memory: .NET's, but the day of <c>DateTime.MaxValue</c> is itself, as in SQL.</summary>
    private static Expression MemoryDatePart(Expression date, System.Reflection.PropertyInfo property)
        => property.PropertyType == typeof(DateTime) && date.Type == typeof(DateTime)
            ? Expression.Condition(Expression.Equal(date, Expression.Constant(DateTime.MaxValue)), date, Expression.Property(date, property))
            : Expression.Property(date, property);

    private RuleValue BindCollectionCall(InvocationExpressionSyntax node, RuleValue collection, IdentifierNameSyntax nameNode)
    {
        var name = nameNode.Identifier.ValueText;
        var arguments = node.ArgumentList.Arguments;
        if ((name, arguments.Count) is ("Any" or "Count", 0) or ("Any" or "All" or "Count" or "Sum", 1))
        {
            CountCollectionRead(node.Expression);
        }

        switch (name)
        {
            case "Any" when arguments.Count == 0:
                return CollectionCall(nameof(Enumerable.Any), collection, null);
            case "Count" when arguments.Count == 0:
                return CollectionCount(collection, null);
            case "Any" or "All" or "Count" when arguments.Count == 1:
                var predicate = BindLambda(arguments[0], collection, isPredicate: true);
                return name == "Count" ? CollectionCount(collection, predicate) : CollectionCall(name, collection, predicate);
            case "Sum" when arguments.Count == 1:
                return CollectionSum(collection, BindLambda(arguments[0], collection, isPredicate: false), arguments[0]);
            case "Any" or "All" or "Count" or "Sum":
                throw _errors.At(nameNode, string.Create(CultureInfo.InvariantCulture, $"method '{name}' with {arguments.Count} arguments"), CollectionAdvice);
            default:
                throw _errors.At(nameNode, $"method '{name}'", CollectionAdvice);
        }
    }

    /// <summary>
    /// Counts a read of a collection against the limits on a rule's work, before its lambda is bound (so the outermost
    /// read past a limit is the one reported): its level is one more than the lambdas around it, and each read below the
    /// first level reads its collection once per row of the outer one.
    /// </summary>
    private void CountCollectionRead(SyntaxNode node)
    {
        var level = _lambdaScope.Count + 1;
        if (level > RuleExpressionParser.MaxCollectionDepth)
        {
            throw _errors.Limit(
                node,
                "too deeply nested collections",
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"a rule reads collections at most {RuleExpressionParser.MaxCollectionDepth} levels deep (a collection in the lambda of another, such as order.Lines.Any(a => order.Lines.Count(b => b.Price < a.Price) == 1), and no deeper): each level multiplies the rows read by the size of a collection, in SQL and in memory."));
        }

        if (level > 1 && ++_nestedCollectionReads > RuleExpressionParser.MaxNestedCollectionReads)
        {
            throw _errors.Limit(
                node,
                "too many nested collection reads",
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"a rule reads collections inside the lambda of another collection at most {RuleExpressionParser.MaxNestedCollectionReads} times, since each reads its collection once per row of the outer one; split it into several rules."));
        }
    }

    private RuleValue CollectionCount(RuleValue collection, (LambdaExpression Sql, LambdaExpression Memory)? predicate)
        => CollectionCall(nameof(Enumerable.Count), collection, predicate);

    /// <summary><c>Enumerable.Any/All/Count</c> in SQL, their null-collection-safe counterparts in memory.</summary>
    private static RuleValue CollectionCall(string name, RuleValue collection, (LambdaExpression Sql, LambdaExpression Memory)? predicate)
    {
        var elementType = collection.ElementType!;
        var arity = predicate is null ? 1 : 2;
        var sqlMethod = typeof(Enumerable).GetMethods()
            .Single(m => m.Name == name && m.GetParameters().Length == arity
                && (arity == 1 || m.GetParameters()[1].ParameterType.GetGenericArguments().Length == 2))
            .MakeGenericMethod(elementType);
        var memoryMethod = typeof(InMemoryRuleFunctions).GetMethods()
            .Single(m => m.Name == name && m.GetParameters().Length == arity)
            .MakeGenericMethod(elementType);
        Expression[] sqlArguments = predicate is { } p ? [collection.Sql, p.Sql] : [collection.Sql];
        Expression[] memoryArguments = predicate is { } q ? [collection.Memory, q.Memory] : [collection.Memory];
        return RuleValue.Scalar(Expression.Call(sqlMethod, sqlArguments), Expression.Call(memoryMethod, memoryArguments), maybeNull: false);
    }

    /// <summary>
    /// <c>Sum(x => ...)</c> of int, long or decimal: <c>COALESCE(SUM(...), 0)</c> in SQL, which the in-memory helpers
    /// match. As in C#, the sum of <c>int?</c> is an <c>int?</c>, whose value is never null (nulls are skipped, and no
    /// rows sum to 0: EF Core writes the COALESCE for nullable sums too).
    /// </summary>
    private RuleValue CollectionSum(RuleValue collection, (LambdaExpression Sql, LambdaExpression Memory) selector, ArgumentSyntax argument)
    {
        var elementType = collection.ElementType!;
        var resultType = selector.Sql.ReturnType;
        var type = RuleTypes.Underlying(resultType);
        var helper = type == typeof(int) ? nameof(InMemoryRuleFunctions.SumInt32)
            : type == typeof(long) ? nameof(InMemoryRuleFunctions.SumInt64)
            : type == typeof(decimal) ? nameof(InMemoryRuleFunctions.SumDecimal)
            : null;
        if (helper is null)
        {
            var advice = type == typeof(double)
                ? "a sum of double precision numbers depends on the order of the rows, so SQL and memory may differ; sum decimals."
                : "Sum adds numbers: int, long or decimal.";
            throw _errors.At(argument, $"Sum of {RuleTypes.Name(resultType)}", advice);
        }

        var sqlMethod = typeof(Enumerable).GetMethods()
            .Single(m => m.Name == nameof(Enumerable.Sum) && m.IsGenericMethodDefinition && m.GetParameters().Length == 2
                && m.GetParameters()[1].ParameterType.GetGenericArguments()[1] == resultType)
            .MakeGenericMethod(elementType);
        var memoryMethod = typeof(InMemoryRuleFunctions).GetMethod(helper)!.MakeGenericMethod(elementType);
        var memorySelector = Expression.Lambda(
            typeof(Func<,>).MakeGenericType(elementType, RuleTypes.Lift(type)),
            RuleMemory.ConvertTo(selector.Memory.Body, RuleTypes.Lift(type)),
            selector.Memory.Parameters);
        return RuleValue.Scalar(
            Expression.Call(sqlMethod, collection.Sql, selector.Sql),
            RuleMemory.ConvertTo(Expression.Call(memoryMethod, collection.Memory, memorySelector), resultType),
            maybeNull: false);
    }

    /// <summary>
    /// The lambda argument of a collection method: one untyped parameter (the element) and an expression body, bound
    /// with the same allow-list; a predicate's body is a condition.
    /// </summary>
    private (LambdaExpression Sql, LambdaExpression Memory) BindLambda(ArgumentSyntax argument, RuleValue collection, bool isPredicate)
    {
        if (argument.Expression is AnonymousMethodExpressionSyntax anonymous)
        {
            throw RuleConstructs.Reject(_errors, anonymous);
        }

        if (argument.Expression is not LambdaExpressionSyntax lambda)
        {
            throw _errors.At(argument, "argument that is not a lambda", "write a lambda, such as l => l.Quantity > 10.");
        }

        if (lambda.Modifiers.Count > 0)
        {
            throw _errors.At(lambda.Modifiers[0], $"'{lambda.Modifiers[0].Text}' lambda", "write a plain lambda, such as l => l.Quantity > 10.");
        }

        if (lambda.ExpressionBody is not { } bodySyntax)
        {
            throw _errors.At(lambda, "statement lambda", "the lambda's body is one expression, such as l => l.Quantity > 10.");
        }

        var parameters = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => [simple.Parameter],
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters.ToList(),
            _ => new List<ParameterSyntax>(),
        };
        if (parameters.Count != 1)
        {
            throw _errors.At(lambda, string.Create(CultureInfo.InvariantCulture, $"lambda with {parameters.Count} parameters"), "the lambda takes one parameter, the element, such as l => l.Quantity > 10.");
        }

        var parameter = parameters[0];
        if (parameter.Type is not null || parameter.Modifiers.Count > 0 || parameter.Default is not null || parameter.AttributeLists.Count > 0)
        {
            throw _errors.At(parameter, "typed lambda parameter", "write the parameter's name only, such as l => l.Quantity > 10.");
        }

        var name = parameter.Identifier.ValueText;
        if (name == EntityName || FindLambdaParameter(name) is not null)
        {
            throw _errors.At(
                parameter,
                $"lambda parameter '{name}'",
                name == EntityName
                    ? $"'{name}' is the entity's name; give the element another name."
                    : $"an outer lambda already names its element '{name}'; give this element another name.");
        }

        var elementType = collection.ElementType!;
        var sqlParameter = Expression.Parameter(elementType, name);
        var memoryParameter = Expression.Parameter(elementType, name);
        _lambdaScope.Add((name, RuleValue.Entity(sqlParameter, memoryParameter, maybeNull: true)));
        var body = Bind(bodySyntax);
        _lambdaScope.RemoveAt(_lambdaScope.Count - 1);
        if (isPredicate)
        {
            body = Condition(body, bodySyntax);
        }
        else if (body.Kind != RuleValueKind.Scalar)
        {
            throw _errors.At(bodySyntax, $"Sum of {Describe(body)}", "Sum adds numbers: int, long or decimal.");
        }

        var resultType = isPredicate ? typeof(bool) : body.Sql.Type;
        return (
            Expression.Lambda(typeof(Func<,>).MakeGenericType(elementType, resultType), body.Sql, sqlParameter),
            Expression.Lambda(typeof(Func<,>).MakeGenericType(elementType, body.Memory.Type), body.Memory, memoryParameter));
    }

    private RuleValue MathAbs(InvocationExpressionSyntax node, RuleValue value, ArgumentSyntax argument)
    {
        if (value.Kind != RuleValueKind.Scalar || !RuleTypes.IsNumeric(value.Type))
        {
            throw _errors.At(argument, $"Math.Abs of {Describe(value)}", "Math.Abs takes a number.");
        }

        var type = RuleTypes.Underlying(value.Type);
        var abs = typeof(Math).GetMethod(nameof(Math.Abs), [type])!;

        // In memory a lifted operator whose method is Math.Abs, so that a null test skips it as EF Core's does (abs(x)
        // IS NULL is x IS NULL), where computing it could overflow (Math.Abs(int.MinValue)).
        return Fold(
            RuleValue.Scalar(Expression.Call(abs, SqlValue(value.Sql)), Expression.UnaryPlus(value.Memory, abs), value.MaybeNull),
            node,
            value);
    }

    private RuleValue MathRound(InvocationExpressionSyntax node, RuleValue value, ArgumentSyntax argument, ArgumentSyntax? digitsArgument)
    {
        if (value.Kind != RuleValueKind.Scalar || RuleTypes.Underlying(value.Type) != typeof(decimal))
        {
            throw _errors.At(
                argument,
                $"Math.Round of {Describe(value)}",
                "Math.Round takes a decimal (it rounds half away from zero, as PostgreSQL does); write decimal literals with the m suffix.");
        }

        int? digits = null;
        if (digitsArgument is not null)
        {
            var bound = Bind(digitsArgument.Expression);
            if (bound is not { IsConstant: true, Memory: ConstantExpression { Value: int count } } || count is < 0 or > 28)
            {
                throw _errors.At(digitsArgument, "Math.Round digits", "the number of digits is an int literal from 0 to 28.");
            }

            digits = count;
        }

        Expression Sql(Expression x) => digits is { } d
            ? Expression.Call(typeof(Math).GetMethod(nameof(Math.Round), [typeof(decimal), typeof(int)])!, x, RuleLiteral.Sql(d, typeof(int)))
            : Expression.Call(typeof(Math).GetMethod(nameof(Math.Round), [typeof(decimal)])!, x);
        Expression Memory(Expression x) => digits is { } d
            ? Expression.Call(Function(nameof(InMemoryRuleFunctions.Round), typeof(decimal), typeof(int)), x, Expression.Constant(d))
            : Expression.Call(Function(nameof(InMemoryRuleFunctions.Round), typeof(decimal)), x);
        return Fold(
            RuleValue.Scalar(Sql(SqlValue(value.Sql)), RuleMemory.Lift(value.Memory, value.MaybeNull, Memory), value.MaybeNull),
            node,
            value);
    }

    /// <summary>Arguments are positional values: no names, no <c>ref</c>, <c>out</c> or <c>in</c>.</summary>
    private void CheckArguments(InvocationExpressionSyntax node)
    {
        foreach (var argument in node.ArgumentList.Arguments)
        {
            if (argument.NameColon is not null)
            {
                throw _errors.At(argument, "named argument", "pass the arguments in order, without names.");
            }

            if (!argument.RefKindKeyword.IsKind(SyntaxKind.None))
            {
                throw _errors.At(argument, $"'{argument.RefKindKeyword.Text}' argument", RuleErrors.DefaultAdvice);
            }
        }
    }

    private void RequireArguments(InvocationExpressionSyntax node, IdentifierNameSyntax nameNode, int count, string advice)
    {
        var arguments = node.ArgumentList.Arguments.Count;
        if (arguments != count)
        {
            throw _errors.At(
                nameNode,
                string.Create(CultureInfo.InvariantCulture, $"method '{nameNode.Identifier.ValueText}' with {arguments} arguments"),
                advice + ".");
        }
    }

    private RuleValue RequireString(RuleValue value, ArgumentSyntax argument, string method)
    {
        if (value.Kind != RuleValueKind.Scalar || value.Type != typeof(string))
        {
            throw _errors.At(argument, $"{method} of {Describe(value)}", $"{method} takes a string.");
        }

        return value;
    }
}
