using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Rules;

/// <summary>The names (and advice) of the C# constructs a data rule may not use, as the rejection reports them.</summary>
internal static class RuleConstructs
{
    private const string LambdaAdvice = "a lambda is allowed only as the argument of Any, All, Count or Sum on a collection navigation, such as order.Lines.Any(l => l.Quantity > 10).";

    private const string NullNavigationAdvice = "write order.Customer.Country: a rule reads a property of a null navigation as null, as SQL does.";

    /// <summary>The rejection of <paramref name="node"/>, a construct no data rule may use.</summary>
    public static RuleExpressionException Reject(RuleErrors errors, SyntaxNode node)
    {
        var (construct, advice) = Describe(node);
        return errors.At(node, construct, advice);
    }

    /// <summary>Whether <paramref name="node"/> is a construct <see cref="Reject"/> names (rather than a value the rule could hold).</summary>
    public static bool Names(SyntaxNode node) => Describe(node).Construct != Unnamed(node);

    private static string Unnamed(SyntaxNode node) => $"C# construct '{node.Kind()}'";

    private static (string Construct, string Advice) Describe(SyntaxNode node) => node.Kind() switch
    {
        SyntaxKind.TypeOfExpression => ("typeof", RuleErrors.DefaultAdvice),
        SyntaxKind.SizeOfExpression => ("sizeof", RuleErrors.DefaultAdvice),
        SyntaxKind.DefaultExpression or SyntaxKind.DefaultLiteralExpression => ("default", "write the value itself, such as 0, false or null."),
        SyntaxKind.CheckedExpression => ("checked", "arithmetic in a rule is always checked: an overflow fails the rule, as it fails the SQL query."),
        SyntaxKind.UncheckedExpression => ("unchecked", "arithmetic in a rule is always checked: an overflow fails the rule, as it fails the SQL query."),
        SyntaxKind.ObjectCreationExpression or SyntaxKind.ImplicitObjectCreationExpression => ("object creation", RuleErrors.DefaultAdvice),
        SyntaxKind.AnonymousObjectCreationExpression => ("anonymous object creation", RuleErrors.DefaultAdvice),
        SyntaxKind.ArrayCreationExpression or SyntaxKind.ImplicitArrayCreationExpression => ("array creation", RuleErrors.DefaultAdvice),
        SyntaxKind.StackAllocArrayCreationExpression or SyntaxKind.ImplicitStackAllocArrayCreationExpression => ("stackalloc", RuleErrors.DefaultAdvice),
        SyntaxKind.CollectionExpression => ("collection expression", RuleErrors.DefaultAdvice),
        SyntaxKind.SimpleAssignmentExpression => ("assignment", "a rule only reads; to compare, write ==."),
        SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression or SyntaxKind.MultiplyAssignmentExpression
            or SyntaxKind.DivideAssignmentExpression or SyntaxKind.ModuloAssignmentExpression or SyntaxKind.AndAssignmentExpression
            or SyntaxKind.ExclusiveOrAssignmentExpression or SyntaxKind.OrAssignmentExpression or SyntaxKind.LeftShiftAssignmentExpression
            or SyntaxKind.RightShiftAssignmentExpression or SyntaxKind.UnsignedRightShiftAssignmentExpression
            or SyntaxKind.CoalesceAssignmentExpression => ("compound assignment", "a rule only reads; it cannot change a value."),
        SyntaxKind.PreIncrementExpression or SyntaxKind.PostIncrementExpression => ("increment", "a rule only reads; write order.Quantity + 1 to compute a value."),
        SyntaxKind.PreDecrementExpression or SyntaxKind.PostDecrementExpression => ("decrement", "a rule only reads; write order.Quantity - 1 to compute a value."),
        SyntaxKind.CastExpression => ("cast", "a rule converts numbers implicitly, as C# does (int to long, decimal or double); write literals with the suffix you need, such as 1m."),
        SyntaxKind.AsExpression => ("as", RuleErrors.DefaultAdvice),
        SyntaxKind.IsExpression => ("is type", "the only type test a rule allows is 'is null' and 'is not null'."),
        SyntaxKind.SwitchExpression => ("switch expression", "write the cases with ?: or with || and &&."),
        SyntaxKind.WithExpression => ("with expression", RuleErrors.DefaultAdvice),
        SyntaxKind.ThrowExpression => ("throw expression", "a rule is true when it is broken; the engine reports it."),
        SyntaxKind.AwaitExpression => ("await", RuleErrors.DefaultAdvice),
        SyntaxKind.SimpleLambdaExpression or SyntaxKind.ParenthesizedLambdaExpression => ("lambda", LambdaAdvice),
        SyntaxKind.AnonymousMethodExpression => ("anonymous method", LambdaAdvice),
        SyntaxKind.QueryExpression => ("query expression", "write collection conditions with Any, All, Count or Sum, such as order.Lines.Any(l => l.Quantity > 10)."),
        SyntaxKind.InterpolatedStringExpression => ("interpolated string", "compare with a plain string literal, or join strings with +."),
        SyntaxKind.Utf8StringLiteralExpression => ("UTF-8 string literal", "write a plain string literal."),
        SyntaxKind.ElementAccessExpression => ("element access", "a rule reads collections through Any, All, Count and Sum, not by index."),
        SyntaxKind.ConditionalAccessExpression => ("conditional access '?.'", NullNavigationAdvice),
        SyntaxKind.SuppressNullableWarningExpression => ("null-forgiving operator '!'", NullNavigationAdvice),
        SyntaxKind.PointerMemberAccessExpression or SyntaxKind.AddressOfExpression
            or SyntaxKind.PointerIndirectionExpression => ("pointer operation", RuleErrors.DefaultAdvice),
        SyntaxKind.ArgListExpression => ("__arglist", RuleErrors.DefaultAdvice),
        SyntaxKind.MakeRefExpression => ("__makeref", RuleErrors.DefaultAdvice),
        SyntaxKind.RefTypeExpression => ("__reftype", RuleErrors.DefaultAdvice),
        SyntaxKind.RefValueExpression => ("__refvalue", RuleErrors.DefaultAdvice),
        SyntaxKind.RefExpression => ("ref", RuleErrors.DefaultAdvice),
        SyntaxKind.ThisExpression => ("this", "name the entity's properties directly, such as Discount, or through the entity's name, such as order.Discount."),
        SyntaxKind.BaseExpression => ("base", "name the entity's properties directly, such as Discount, or through the entity's name, such as order.Discount."),
        SyntaxKind.TupleExpression => ("tuple", RuleErrors.DefaultAdvice),
        SyntaxKind.RangeExpression => ("range", RuleErrors.DefaultAdvice),
        SyntaxKind.IndexExpression => ("index from end '^'", RuleErrors.DefaultAdvice),
        SyntaxKind.BitwiseNotExpression => ("operator '~'", "bitwise operators are not allowed; write conditions with &&, || and !."),
        SyntaxKind.GenericName => ("generic name", RuleErrors.DefaultAdvice),
        SyntaxKind.QualifiedName or SyntaxKind.AliasQualifiedName => ($"static member '{node}'", RuleErrors.DefaultAdvice),
        SyntaxKind.PredefinedType => ($"type '{node}'", RuleErrors.DefaultAdvice),
        _ when node is PatternSyntax => ("pattern", "the only patterns a rule allows are 'is null' and 'is not null'; compare with ==, <, >."),
        _ => (Unnamed(node), RuleErrors.DefaultAdvice),
    };
}
