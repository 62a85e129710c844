using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Rules;

/// <summary>
/// Binds a parsed data rule to its two forms, checking every construct against the allow-list as it goes: names
/// resolve only to the entity, its schema members, lambda parameters, the enums of the schema graph and the few
/// allowed types (<c>Math</c>, <c>string</c>, <c>DayOfWeek</c>); anything else is rejected where it is written.
/// No member is found by reflection: the schema gives every property a rule reads.
/// </summary>
internal sealed partial class RuleExpressionBinder
{
    /// <summary>How many types the search for enum names walks through the schema graph, at most.</summary>
    private const int MaxGraphTypes = 500;

    private readonly RuleErrors _errors;
    private readonly RuleSchema _schema;
    private readonly Type _entityType;
    private readonly RuleValue _entity;
    private readonly List<(string Name, RuleValue Element)> _lambdaScope = [];
    private Dictionary<string, Type?>? _enums;
    private int _nestedCollectionReads;
    private HashSet<(Expression Root, string Path)>? _navigations;
    private Dictionary<SyntaxNode, RuleMember>? _storedReads;

    /// <summary>Prepares to bind <paramref name="syntax"/> over <paramref name="entityType"/>, naming the entity as the text does.</summary>
    public RuleExpressionBinder(Type entityType, RuleSchema schema, RuleErrors errors, ExpressionSyntax syntax)
    {
        _entityType = entityType;
        _schema = schema;
        _errors = errors;
        EntityName = FindEntityName(syntax);
        SqlParameter = Expression.Parameter(entityType, EntityName);
        MemoryParameter = Expression.Variable(entityType, EntityName);
        _entity = RuleValue.Entity(SqlParameter, MemoryParameter, maybeNull: false);
    }

    /// <summary>The name the expression uses for the entity (or the default, the camelCase type name, when it uses none).</summary>
    public string EntityName { get; }

    /// <summary>The SQL form's lambda parameter.</summary>
    public ParameterExpression SqlParameter { get; }

    /// <summary>The in-memory form's entity variable, assigned before the body runs.</summary>
    public ParameterExpression MemoryParameter { get; }

    /// <summary>Binds the whole rule, a condition.</summary>
    public RuleValue BindRule(ExpressionSyntax syntax) => Condition(Bind(syntax), syntax);

    private RuleValue Bind(ExpressionSyntax node) => node switch
    {
        ParenthesizedExpressionSyntax parenthesized => Bind(parenthesized.Expression),
        LiteralExpressionSyntax literal => BindLiteral(literal),
        IdentifierNameSyntax identifier => BindIdentifier(identifier),
        MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.SimpleMemberAccessExpression) => BindMemberAccess(member),
        InvocationExpressionSyntax invocation => BindInvocation(invocation),
        BinaryExpressionSyntax binary => BindBinary(binary),
        PrefixUnaryExpressionSyntax unary => BindPrefixUnary(unary),
        ConditionalExpressionSyntax conditional => BindConditional(conditional),
        IsPatternExpressionSyntax pattern => BindIsPattern(pattern),
        _ => throw RuleConstructs.Reject(_errors, node),
    };

    /// <summary>Binds the receiver of a member access or call, where the entity's own name is allowed.</summary>
    private RuleValue BindReceiver(ExpressionSyntax node)
        => node is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == EntityName && FindLambdaParameter(EntityName) is null
            ? _entity
            : Bind(node);

    /// <summary><paramref name="value"/> as a condition: a bool, never null (a null bool counts as false, as in a SQL WHERE).</summary>
    private RuleValue Condition(RuleValue value, SyntaxNode node)
    {
        if (value.Kind != RuleValueKind.Scalar || RuleTypes.Underlying(value.Type) != typeof(bool))
        {
            throw _errors.At(node, $"{Describe(value)} as a condition", "a condition is true or false: compare the value, such as order.Quantity > 10.");
        }

        if (!value.MaybeNull)
        {
            return value;
        }

        var isTrue = Expression.Constant(true, typeof(bool?));
        return Fold(
            RuleValue.Scalar(
                Expression.Equal(RuleMemory.ConvertTo(value.Sql, typeof(bool?)), isTrue),
                Expression.Equal(RuleMemory.ConvertTo(value.Memory, typeof(bool?)), isTrue),
                maybeNull: false),
            node,
            value);
    }

    private RuleValue BindLiteral(LiteralExpressionSyntax node)
    {
        var token = node.Token;
        switch (node.Kind())
        {
            case SyntaxKind.TrueLiteralExpression:
                return RuleValue.Constant(true, typeof(bool));
            case SyntaxKind.FalseLiteralExpression:
                return RuleValue.Constant(false, typeof(bool));
            case SyntaxKind.NullLiteralExpression:
                return RuleValue.Null;
            case SyntaxKind.StringLiteralExpression or SyntaxKind.CharacterLiteralExpression when token.ValueText.Contains('\0', StringComparison.Ordinal):
                throw _errors.At(
                    node,
                    "NUL character",
                    "PostgreSQL's text cannot hold the character U+0000 (\\0, \\u0000), so the rule's SQL form would fail on every query, and no stored text contains it; remove it.");
            case SyntaxKind.StringLiteralExpression:
                if (token.ValueText.Length > RuleExpressionParser.MaxStringLength)
                {
                    throw _errors.Limit(
                        node,
                        "string literal too long",
                        string.Create(CultureInfo.InvariantCulture, $"a string literal in a rule has at most {RuleExpressionParser.MaxStringLength} characters."));
                }

                return RuleValue.Constant(token.ValueText, typeof(string));
            case SyntaxKind.CharacterLiteralExpression when token.Value is char character:
                return RuleValue.Char(character);
            case SyntaxKind.NumericLiteralExpression:
                return BindNumber(node, negated: false);
            default:
                throw RuleConstructs.Reject(_errors, node);
        }
    }

    /// <summary>
    /// A number literal: int when it fits, otherwise long; <c>m</c> decimal, <c>d</c> (or a decimal point) double.
    /// <paramref name="negated"/> when a minus sign precedes it, so that <c>-2147483648</c> is an int as in C#.
    /// </summary>
    private RuleValue BindNumber(LiteralExpressionSyntax node, bool negated)
    {
        var token = node.Token;
        var text = token.Text;
        if (token.Value is float)
        {
            throw _errors.At(node, "float literal", "a rule uses decimal (1.5m) and double (1.5d) numbers; float arithmetic differs between .NET and PostgreSQL.");
        }

        if (text.EndsWith('u') || text.EndsWith('U') || text.EndsWith("ul", StringComparison.OrdinalIgnoreCase) || text.EndsWith("lu", StringComparison.OrdinalIgnoreCase))
        {
            throw _errors.At(node, "unsigned literal", "write the number without the u suffix; a rule uses int, long, decimal and double numbers.");
        }

        object number = token.Value switch
        {
            int value => negated ? -value : value,
            uint value => negated && value == 2147483648u ? int.MinValue : negated ? -(long)value : value,
            long value => negated ? -value : value,
            ulong value when negated && value == 9223372036854775808ul => long.MinValue,
            ulong value when value <= long.MaxValue => negated ? -(long)value : (long)value,
            ulong => throw _errors.Limit(node, "literal out of range", "an integer in a rule fits a long (at most 9223372036854775807); use a decimal literal such as 1e20m for larger numbers."),
            decimal value => InMemoryRuleFunctions.AsSqlLiteral(negated ? -value : value),
            double value => negated ? -value : value,
            _ => throw _errors.At(node, "malformed number", "write the number as in C#, such as 12, 0.3m or 1.5d."),
        };
        return RuleValue.Constant(number, number.GetType());
    }

    private RuleValue BindIdentifier(IdentifierNameSyntax node)
    {
        var name = node.Identifier.ValueText;
        if (FindLambdaParameter(name) is { } element)
        {
            return element;
        }

        if (name == EntityName)
        {
            throw _errors.At(node, $"entity '{name}' as a value", $"a rule reads the entity's properties, such as {name}.{_schema.MemberNames(_entityType).FirstOrDefault() ?? "Id"}; the entity itself cannot be compared or passed on.");
        }

        if (_schema.FindMember(_entityType, name) is { } member)
        {
            return ReadMember(_entity, member, node);
        }

        if (IsKnownType(name))
        {
            throw _errors.At(node, $"type '{name}' as a value", $"name one of its members, such as {name}.{KnownTypeMemberExample(name)}.");
        }

        throw UnknownName(node, name, BareNameCandidates(), $"'{name}' is not a property or navigation of {_entityType.Name} that a rule may read, nor the entity's name ({EntityName})");
    }

    private RuleValue BindMemberAccess(MemberAccessExpressionSyntax node)
    {
        var nameNode = MemberName(node);
        if (StaticRoot(node) is { } root)
        {
            return BindStaticMember(node, root, nameNode);
        }

        return BindMember(BindReceiver(node.Expression), nameNode, node);
    }

    /// <summary>The member's name; generic names (<c>x.Foo&lt;int&gt;</c>) are rejected.</summary>
    private IdentifierNameSyntax MemberName(MemberAccessExpressionSyntax node)
        => node.Name as IdentifierNameSyntax ?? throw RuleConstructs.Reject(_errors, node.Name);

    /// <summary>
    /// The root of a dotted chain (<c>System.IO.File</c>, <c>OrderState.Confirmed</c>, <c>Math.Abs</c>) when it names a
    /// type or namespace rather than a value (the entity, one of its members, a lambda parameter); otherwise null.
    /// As in C# ("Color Color"), a member of the entity whose type is an enum of the same name is that enum when the
    /// chain goes on with one of the enum's members: with <c>Priority Priority</c>, <c>Priority.High</c> is the enum's
    /// member and <c>Priority</c> alone the property (a nullable <c>Priority?</c> too, where C# has no way to name the
    /// enum that a rule may use).
    /// </summary>
    /// <param name="expression">The chain, up to and including the member that follows the root.</param>
    private ExpressionSyntax? StaticRoot(ExpressionSyntax expression)
    {
        string? next = null;
        while (expression is MemberAccessExpressionSyntax access && access.IsKind(SyntaxKind.SimpleMemberAccessExpression))
        {
            next = access.Name.Identifier.ValueText;
            expression = access.Expression;
        }

        switch (expression)
        {
            case PredefinedTypeSyntax or AliasQualifiedNameSyntax or QualifiedNameSyntax:
                return expression;
            case IdentifierNameSyntax identifier:
                var name = identifier.Identifier.ValueText;
                if (FindLambdaParameter(name) is not null || name == EntityName)
                {
                    return null;
                }

                if (_schema.FindMember(_entityType, name) is not { } member)
                {
                    return expression;
                }

                return next is not null
                    && Enums.TryGetValue(name, out var enumType)
                    && RuleTypes.Underlying(member.Property.PropertyType) == enumType
                    && Enum.GetNames(enumType).Contains(next, StringComparer.Ordinal)
                        ? expression
                        : null;
            default:
                return null;
        }
    }

    /// <summary><c>Type.Member</c> or a longer chain whose root is a type or namespace.</summary>
    private RuleValue BindStaticMember(MemberAccessExpressionSyntax node, ExpressionSyntax root, IdentifierNameSyntax nameNode)
    {
        var name = nameNode.Identifier.ValueText;
        if (root is IdentifierNameSyntax identifier && IsKnownType(identifier.Identifier.ValueText))
        {
            var typeName = identifier.Identifier.ValueText;
            if (node.Expression != root)
            {
                return BindMember(Bind(node.Expression), nameNode, node);
            }

            if (FindEnum(typeName, identifier) is { } enumType)
            {
                var names = Enum.GetNames(enumType);
                if (!names.Contains(name, StringComparer.Ordinal))
                {
                    throw UnknownName(nameNode, name, names, $"the enum {enumType.Name} has no member '{name}'");
                }

                return RuleValue.Constant(Enum.Parse(enumType, name, ignoreCase: false), enumType);
            }

            throw _errors.At(node, $"static member '{typeName}.{name}'", $"of {typeName}, a rule may call only {KnownTypeMemberExample(typeName)}.");
        }

        throw StaticOrUnknown(node.Expression, root, name);
    }

    /// <summary>
    /// The rejection of a chain rooted at a name that is neither a value nor an allowed type: an unknown name when it
    /// reads like the entity's (camelCase, or followed by one of the entity's members), a static member otherwise.
    /// </summary>
    private RuleExpressionException StaticOrUnknown(ExpressionSyntax typePart, ExpressionSyntax root, string memberName)
    {
        if (root is IdentifierNameSyntax identifier)
        {
            var name = identifier.Identifier.ValueText;
            if (RuleNames.IsCamelCase(name) || (typePart == root && _schema.FindMember(_entityType, memberName) is not null))
            {
                throw UnknownName(identifier, name, BareNameCandidates(), $"'{name}' is not the entity's name ({EntityName}), a property of {_entityType.Name} or a lambda parameter");
            }
        }

        return _errors.At(typePart, $"static member '{DottedName(typePart)}'", RuleErrors.DefaultAdvice);
    }

    private RuleValue BindMember(RuleValue target, IdentifierNameSyntax nameNode, SyntaxNode node)
    {
        var name = nameNode.Identifier.ValueText;
        switch (target.Kind)
        {
            case RuleValueKind.Entity:
                var type = RuleTypes.Underlying(target.Type);
                if (_schema.FindMember(type, name) is { } member)
                {
                    return ReadMember(target, member, nameNode);
                }

                throw UnknownName(nameNode, name, _schema.MemberNames(type), $"{type.Name} has no property or navigation '{name}' that a rule may read");
            case RuleValueKind.Collection:
                if (name == "Count")
                {
                    CountCollectionRead(node);
                    return CollectionCount(target, null);
                }

                throw _errors.At(nameNode, $"member '{name}' of a collection", CollectionAdvice);
            case RuleValueKind.Scalar:
                return BindScalarMember(target, nameNode);
            default:
                throw _errors.At(node, $"member '{name}' of {Describe(target)}", RuleErrors.DefaultAdvice);
        }
    }

    /// <summary>Reads a property the schema allows, null-safe in memory.</summary>
    private RuleValue ReadMember(RuleValue target, RuleMember member, SimpleNameSyntax nameNode)
    {
        var property = member.Property;
        if (member.Hidden is { } hidden)
        {
            throw _errors.At(
                nameNode,
                $"member '{property.Name}' marked {hidden.Attribute}",
                $"'{property.Name}' is marked {hidden.Attribute} ({hidden.Where}), and a data rule cannot read a property marked [AuditIgnore] or [AuditMask]: "
                + "whoever may edit rules could read its values through the rule's violations. If data rules may read it, a developer marks the property [RuleReadable] "
                + "beside that attribute; a code rule (a class with [ExceptionRule]) can read it as it is.");
        }

        var sourceType = RuleTypes.Underlying(target.Type);
        if (property.GetMethod is not { IsStatic: false } || property.GetIndexParameters().Length > 0
            || property.DeclaringType is null || !property.DeclaringType.IsAssignableFrom(sourceType))
        {
            throw new InvalidOperationException(
                $"The rule schema gave property '{property.DeclaringType}.{property.Name}' for '{sourceType}', but a rule can only read a readable, non-indexed instance property of that type.");
        }

        var name = nameNode.Identifier.ValueText;
        var sql = Expression.Property(SqlValue(target.Sql), property);
        var propertyType = property.PropertyType;
        if (member.ElementType is { } elementType)
        {
            if (!RuleTypes.IsEntity(elementType) || !typeof(IEnumerable<>).MakeGenericType(elementType).IsAssignableFrom(propertyType))
            {
                throw _errors.At(nameNode, $"member '{name}' of type '{RuleTypes.Name(propertyType)}'", "a rule can query collection navigations (collections of entities) only.");
            }

            return RuleValue.Collection(sql, RuleMemory.Navigation(target.Memory, property, target.MaybeNull, isCollection: true), elementType);
        }

        if (RuleTypes.IsScalar(propertyType))
        {
            if (member.StoredAs is not null)
            {
                ReadStored(member, nameNode);
            }

            return RuleValue.Scalar(sql, RuleMemory.Property(target.Memory, property, target.MaybeNull), target.MaybeNull || !propertyType.IsValueType);
        }

        if (RuleTypes.IsEntity(propertyType))
        {
            CountNavigation(sql, nameNode);
            return RuleValue.Entity(
                sql,
                RuleMemory.Navigation(target.Memory, property, target.MaybeNull, isCollection: false),
                target.MaybeNull || !propertyType.IsValueType || RuleTypes.IsNullableValue(propertyType));
        }

        throw _errors.At(
            nameNode,
            $"member '{name}' of type '{RuleTypes.Name(propertyType)}'",
            "a rule can read numbers (int, long, decimal, double), bool, string, DateTime, DateOnly, enums and navigations.");
    }

    /// <summary>
    /// Allows a read of a property stored through an order-changing value converter (<see cref="RuleMember.StoredAs"/>)
    /// only as an operand of <c>==</c>, <c>!=</c> or <c>is (not) null</c>, and remembers it, so that
    /// <see cref="CheckStoredComparison"/> can require a literal of the property's type on the other side.
    /// </summary>
    private void ReadStored(RuleMember member, SimpleNameSyntax nameNode)
    {
        SyntaxNode read = nameNode.Parent is MemberAccessExpressionSyntax access && access.Name == nameNode ? access : nameNode;
        var parent = read.Parent;
        while (parent is ParenthesizedExpressionSyntax)
        {
            read = parent;
            parent = parent.Parent;
        }

        if (parent is BinaryExpressionSyntax binary && (binary.IsKind(SyntaxKind.EqualsExpression) || binary.IsKind(SyntaxKind.NotEqualsExpression))
            || parent is IsPatternExpressionSyntax pattern && pattern.Expression == read)
        {
            (_storedReads ??= [])[read] = member;
            return;
        }

        throw StoredError(nameNode, member);
    }

    /// <summary>
    /// Refuses <c>==</c> or <c>!=</c> between a property stored through an order-changing value converter and anything
    /// but a literal (or folded literals) of the property's own type: EF Core converts such a literal with the property's
    /// converter and compares the stored values, which are equal exactly when the property's values are.
    /// </summary>
    private void CheckStoredComparison(BinaryExpressionSyntax node, RuleValue left, RuleValue right)
    {
        if (_storedReads is null)
        {
            return;
        }

        foreach (var (side, value, other) in (ReadOnlySpan<(ExpressionSyntax, RuleValue, RuleValue)>)[(node.Left, left, right), (node.Right, right, left)])
        {
            if (_storedReads.TryGetValue(Unparenthesized(side), out var member)
                && !(member.LiteralEquality && other is { Kind: RuleValueKind.Scalar, IsConstant: true } && RuleTypes.Underlying(other.Type) == RuleTypes.Underlying(value.Type)))
            {
                throw StoredError(side, member);
            }
        }
    }

    private static ExpressionSyntax Unparenthesized(ExpressionSyntax node)
    {
        while (node is ParenthesizedExpressionSyntax parenthesized)
        {
            node = parenthesized.Expression;
        }

        return node;
    }

    private RuleExpressionException StoredError(SyntaxNode node, RuleMember member)
    {
        var name = member.Property.Name;
        var type = RuleTypes.Name(RuleTypes.Underlying(member.Property.PropertyType));
        var why = $"'{name}' is stored through a value converter as {member.StoredAs}, so PostgreSQL compares and orders the stored values, not the {type} "
            + "values the engine compares in memory (an int stored as text has '10' < '9'), and the rule's SQL form (EntitiesViolatingRule) would "
            + "disagree with the engine.";
        return member.LiteralEquality
            ? _errors.At(
                node,
                $"member '{name}' stored as {member.StoredAs} other than in == or != with a literal",
                $"{why} A data rule may only compare it with == or != against a literal of type {type} (EF Core converts it the same way) or with null. "
                + "Write such a comparison; for anything else, write a code rule (a class with [ExceptionRule]), or map the property without the converter.")
            : _errors.At(node, $"member '{name}' stored as {member.StoredAs} other than compared with null", $"{why} {member.NullOnly}");
    }

    /// <summary>
    /// Counts a reference navigation against <see cref="RuleExpressionParser.MaxNavigations"/>: each different path from
    /// the entity or a lambda's element (<c>order.Customer</c>, <c>order.Customer.Parent</c>) is a join in SQL, and a path
    /// read twice is joined once.
    /// </summary>
    private void CountNavigation(Expression navigation, SyntaxNode node)
    {
        var path = new List<string>();
        var root = navigation;
        while (root is MemberExpression member)
        {
            path.Add(member.Member.Name);
            root = member.Expression!;
        }

        path.Reverse();
        if ((_navigations ??= []).Add((root, string.Join('.', path))) && _navigations.Count > RuleExpressionParser.MaxNavigations)
        {
            throw _errors.Limit(
                node,
                "too many navigations",
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"a rule reads through at most {RuleExpressionParser.MaxNavigations} different navigations (such as order.Customer and order.Customer.Parent), each a join in SQL; split it into several rules."));
        }
    }

    private RuleValue? FindLambdaParameter(string name)
    {
        for (var i = _lambdaScope.Count - 1; i >= 0; i--)
        {
            if (_lambdaScope[i].Name == name)
            {
                return _lambdaScope[i].Element;
            }
        }

        return null;
    }

    /// <summary>
    /// The entity's name: the root of <c>root.Member</c> chains that is not a member, lambda parameter or type. A root
    /// followed by one of the entity's members counts first (the most used one), then a camelCase root.
    /// </summary>
    private string FindEntityName(ExpressionSyntax syntax)
    {
        var lambdaNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in syntax.DescendantNodesAndSelf())
        {
            if (node is ParameterSyntax parameter)
            {
                lambdaNames.Add(parameter.Identifier.ValueText);
            }
        }

        var strong = new Dictionary<string, int>(StringComparer.Ordinal);
        string? weak = null;
        foreach (var node in syntax.DescendantNodesAndSelf())
        {
            if (node is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax root, Name: var memberName } access
                || !access.IsKind(SyntaxKind.SimpleMemberAccessExpression))
            {
                continue;
            }

            var name = root.Identifier.ValueText;
            if (IsLambdaParameterAt(root, name) || _schema.FindMember(_entityType, name) is not null || IsKnownType(name))
            {
                continue;
            }

            if (_schema.FindMember(_entityType, memberName.Identifier.ValueText) is not null)
            {
                strong[name] = strong.GetValueOrDefault(name) + 1;
            }
            else if (weak is null && RuleNames.IsCamelCase(name))
            {
                weak = name;
            }
        }

        if (strong.Count > 0)
        {
            var most = strong.Values.Max();
            return strong.First(pair => pair.Value == most).Key;
        }

        if (weak is not null)
        {
            return weak;
        }

        var candidate = RuleNames.CamelCase(_entityType);
        for (var i = 1; lambdaNames.Contains(candidate) || _schema.FindMember(_entityType, candidate) is not null || IsKnownType(candidate); i++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"entity{i}");
        }

        return candidate;
    }

    /// <summary>Whether <paramref name="node"/> is in the body of a lambda whose parameter is named <paramref name="name"/>.</summary>
    private static bool IsLambdaParameterAt(SyntaxNode node, string name)
    {
        foreach (var ancestor in node.Ancestors())
        {
            var parameters = ancestor switch
            {
                SimpleLambdaExpressionSyntax simple => [simple.Parameter],
                ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters,
                _ => default(SeparatedSyntaxList<ParameterSyntax>),
            };
            if (parameters.Any(parameter => parameter.Identifier.ValueText == name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The enum types of the schema graph (and <see cref="DayOfWeek"/>) by simple name; null marks a name two enums share.</summary>
    private Dictionary<string, Type?> Enums => _enums ??= CollectEnums();

    private Dictionary<string, Type?> CollectEnums()
    {
        var enums = new Dictionary<string, Type?>(StringComparer.Ordinal) { [nameof(DayOfWeek)] = typeof(DayOfWeek) };
        var seen = new HashSet<Type> { _entityType };
        var pending = new Queue<Type>();
        pending.Enqueue(_entityType);
        while (pending.Count > 0 && seen.Count <= MaxGraphTypes)
        {
            var type = pending.Dequeue();
            foreach (var name in _schema.MemberNames(type).ToList())
            {
                if (_schema.FindMember(type, name) is not { } member)
                {
                    continue;
                }

                var next = member.ElementType ?? RuleTypes.Underlying(member.Property.PropertyType);
                if (next.IsEnum)
                {
                    enums[next.Name] = enums.TryGetValue(next.Name, out var known) && known != next ? null : next;
                }
                else if (RuleTypes.IsEntity(next) && seen.Add(next))
                {
                    pending.Enqueue(next);
                }
            }
        }

        return enums;
    }

    private bool IsKnownType(string name) => name is "Math" or "String" || Enums.ContainsKey(name);

    /// <summary>The enum named <paramref name="name"/>, or null when <paramref name="name"/> is Math or String.</summary>
    private Type? FindEnum(string name, SyntaxNode node)
    {
        if (!Enums.TryGetValue(name, out var type))
        {
            return null;
        }

        return type ?? throw _errors.At(node, $"ambiguous enum '{name}'", $"two enums of the entity's schema are named {name}; a rule cannot tell which one is meant.");
    }

    private string KnownTypeMemberExample(string typeName) => typeName switch
    {
        "Math" => "Math.Abs(x) and Math.Round(x, digits)",
        "String" => "string.IsNullOrEmpty(s)",
        _ => Enums.GetValueOrDefault(typeName) is { } type && Enum.GetNames(type) is [var first, ..] ? $"{typeName}.{first}" : typeName,
    };

    private IEnumerable<string> BareNameCandidates()
        => _schema.MemberNames(_entityType).Append(EntityName).Concat(_lambdaScope.Select(static scope => scope.Name));

    private RuleExpressionException UnknownName(SyntaxNode node, string name, IEnumerable<string> candidates, string explanation)
    {
        var suggestion = RuleNames.Suggest(name, candidates);
        return _errors.At(node, $"unknown name '{name}'", suggestion is null ? explanation + "." : $"{explanation}; did you mean '{suggestion}'?");
    }

    /// <summary>
    /// <paramref name="result"/>, or its value as a constant when every input is a constant: C#'s constant folding,
    /// computed with the in-memory form's (PostgreSQL's) arithmetic. EF Core then gets the result as one parameter (see
    /// <see cref="RuleLiteral"/>), as it would not evaluate a constant part itself in .NET with other results.
    /// </summary>
    private RuleValue Fold(RuleValue result, SyntaxNode node, params ReadOnlySpan<RuleValue> inputs)
    {
        foreach (var input in inputs)
        {
            if (!input.IsConstant)
            {
                return result;
            }
        }

        if (result.IsConstant)
        {
            return result;
        }

        object? value;
        try
        {
            value = Expression.Lambda<Func<object?>>(Expression.Convert(result.Memory, typeof(object))).Compile(preferInterpretation: true)();
        }
        catch (Exception exception) when (Unwrap(exception) is DivideByZeroException)
        {
            throw _errors.At(node, "division by constant zero", "the literals divide by zero, which fails every evaluation of the rule.");
        }
        catch (Exception exception) when (Unwrap(exception) is ArithmeticException)
        {
            throw _errors.At(node, "constant overflow", "the operation on literals overflows its type, which fails every evaluation of the rule.");
        }

        if (value is null && result.Type.IsValueType && !RuleTypes.IsNullableValue(result.Type))
        {
            return result;
        }

        return RuleValue.Constant(value is decimal number ? InMemoryRuleFunctions.AsSqlLiteral(number) : value, result.Type);
    }

    private static Exception Unwrap(Exception exception) => exception is TargetInvocationException { InnerException: { } inner } ? inner : exception;

    /// <summary>The SQL form of a value whose <see cref="Nullable{T}"/> is read through (<c>.Value</c>, which EF Core translates as the column itself).</summary>
    private static Expression SqlValue(Expression sql) => RuleTypes.IsNullableValue(sql.Type) ? Expression.Property(sql, "Value") : sql;

    private static string Describe(RuleValue value) => value.Kind switch
    {
        RuleValueKind.Entity => "an entity",
        RuleValueKind.Collection => "a collection",
        RuleValueKind.Null => "null",
        RuleValueKind.Char => "a character literal",
        _ => RuleTypes.Name(value.Type),
    };

    private static string DottedName(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax access => $"{DottedName(access.Expression)}.{access.Name.Identifier.ValueText}",
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        _ => expression.ToString(),
    };
}
