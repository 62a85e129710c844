using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// The <c>[ExceptionRule]</c> attribute, <c>IExceptionRule&lt;T&gt;</c> and <c>RuleSeverity.Blocking</c> of one
/// compilation, resolved once, on first need, and where the attribute's arguments are written.
/// </summary>
public sealed class RulesSymbols
{
    /// <summary>The name of the attribute's argument that says whether a violation warns or blocks.</summary>
    public const string Severity = "Severity";

    /// <summary>The name of the attribute's argument with the text users see.</summary>
    public const string Message = "Message";

    /// <summary>The name of the attribute's argument with the rule's short human name.</summary>
    public const string Name = "Name";

    /// <summary>The name of the attribute's argument with the rule's labels.</summary>
    public const string Tags = "Tags";

    /// <summary>The name of the attribute's argument with the rule sets (actions) that check the rule.</summary>
    public const string RuleSets = "RuleSets";

    private RulesSymbols(INamedTypeSymbol exceptionRule, INamedTypeSymbol ruleInterface, object? blocking)
    {
        ExceptionRule = exceptionRule;
        RuleInterface = ruleInterface;
        Blocking = blocking;
    }

    public INamedTypeSymbol ExceptionRule { get; }

    /// <summary><c>IExceptionRule&lt;T&gt;</c>, its definition.</summary>
    public INamedTypeSymbol RuleInterface { get; }

    /// <summary>The constant value of <c>RuleSeverity.Blocking</c> (as <see cref="TypedConstant.Value"/> holds it), or null.</summary>
    private object? Blocking { get; }

    /// <summary>The symbols of <paramref name="compilation"/>, or null when it does not reference the ServerTools rules.</summary>
    public static RulesSymbols? From(Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName(AttributeNames.ExceptionRule) is not { } exceptionRule
            || compilation.GetTypeByMetadataName(AttributeNames.ExceptionRuleInterface) is not { } ruleInterface)
        {
            return null;
        }

        var blocking = compilation.GetTypeByMetadataName(AttributeNames.RuleSeverity)?.GetMembers("Blocking")
            .OfType<IFieldSymbol>().FirstOrDefault()?.ConstantValue;
        return new RulesSymbols(exceptionRule, ruleInterface, blocking);
    }

    /// <summary>The application of [ExceptionRule] on <paramref name="type"/>, if any (the attribute is not inherited).</summary>
    public AttributeData? Find(INamedTypeSymbol type)
        => type.GetAttributes().FirstOrDefault(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, ExceptionRule));

    /// <summary>True when <paramref name="attribute"/> gives <c>Severity = RuleSeverity.Blocking</c>.</summary>
    public bool IsBlocking(AttributeData attribute)
        => Blocking is not null && Equals(Named(attribute, Severity)?.Value, Blocking);

    /// <summary>
    /// The rule's id as given to the constructor: null when it is given as null or the attribute does not bind (a
    /// compiler error), the string otherwise.
    /// </summary>
    public static string? Id(AttributeData attribute)
        => Binds(attribute) ? attribute.ConstructorArguments[0].Value as string : null;

    /// <summary>True when the attribute binds to its constructor, so that <see cref="Id"/> is what is written.</summary>
    public static bool Binds(AttributeData attribute)
        => attribute.AttributeConstructor is not null && attribute.ConstructorArguments.Length == 1;

    /// <summary>The value given to the named argument <paramref name="name"/>, or null when it is not given.</summary>
    public static TypedConstant? Named(AttributeData attribute, string name)
        => attribute.NamedArguments.Where(argument => argument.Key == name).Select(static argument => (TypedConstant?)argument.Value).FirstOrDefault();

    /// <summary>The string given to the named argument <paramref name="name"/>, or null when it is not given or given as null.</summary>
    public static string? Text(AttributeData attribute, string name) => Named(attribute, name)?.Value as string;

    /// <summary>The id argument as written (the one argument without <c>Name =</c>), or null.</summary>
    public static ExpressionSyntax? IdArgument(AttributeSyntax attribute)
        => attribute.ArgumentList?.Arguments.FirstOrDefault(static argument => argument.NameEquals is null)?.Expression;

    /// <summary>The named argument <paramref name="name"/> as written (<c>Name = value</c>), or null.</summary>
    public static AttributeArgumentSyntax? Argument(AttributeSyntax attribute, string name)
        => attribute.ArgumentList?.Arguments.FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == name);

    /// <summary>
    /// The elements of an array written as <c>new[] { ... }</c>, <c>new string[] { ... }</c> or <c>[...]</c>, or null for
    /// anything else (a constant, a spread), where the elements cannot be matched one to one with their values.
    /// </summary>
    public static IReadOnlyList<ExpressionSyntax>? Elements(ExpressionSyntax expression) => expression switch
    {
        ImplicitArrayCreationExpressionSyntax array => array.Initializer.Expressions,
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
        CollectionExpressionSyntax collection when collection.Elements.All(static element => element is ExpressionElementSyntax)
            => collection.Elements.Select(static element => ((ExpressionElementSyntax)element).Expression).ToList(),
        _ => null,
    };

    /// <summary>The declaration of the class that carries <paramref name="attribute"/>, or null.</summary>
    public static TypeDeclarationSyntax? Declaration(AttributeSyntax attribute) => attribute.Parent?.Parent as TypeDeclarationSyntax;

    /// <summary>
    /// Where the base list names the rule interface of <paramref name="target"/>, found by the names written (no semantic
    /// model): <c>IExceptionRule&lt;Target&gt;</c>, else the only <c>IExceptionRule&lt;...&gt;</c> written, else a generic
    /// base type with that type argument, else the class's name.
    /// </summary>
    public static Location InterfaceLocation(INamedTypeSymbol type, ITypeSymbol target, CancellationToken cancellationToken)
    {
        var interfaces = new List<TypeSyntax>();
        TypeSyntax? generic = null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax { BaseList: { } baseList })
            {
                continue;
            }

            foreach (var baseType in baseList.Types)
            {
                if (RightmostName(baseType.Type) is not GenericNameSyntax name)
                {
                    continue;
                }

                var named = name.TypeArgumentList.Arguments.Any(argument => RightmostName(argument)?.Identifier.ValueText == target.Name);
                if (name.Identifier.ValueText == "IExceptionRule")
                {
                    if (named)
                    {
                        return baseType.Type.GetLocation();
                    }

                    interfaces.Add(baseType.Type);
                }
                else if (named)
                {
                    generic ??= baseType.Type;
                }
            }
        }

        return (interfaces.Count == 1 ? interfaces[0] : generic)?.GetLocation() ?? type.Locations[0];
    }

    private static SimpleNameSyntax? RightmostName(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple,
        QualifiedNameSyntax qualified => qualified.Right,
        AliasQualifiedNameSyntax aliased => aliased.Name,
        NullableTypeSyntax nullable => RightmostName(nullable.ElementType),
        _ => null,
    };
}
