using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Shared;

namespace ServerTools.Analyzers.FuzzySearch;

/// <summary>
/// The <c>[FuzzySearchable]</c> attribute of one compilation, resolved once, on first need, and where the fields
/// that <see cref="FuzzySearchFields.Of"/> returns are written.
/// </summary>
internal sealed class FuzzySearchSymbols
{
    private FuzzySearchSymbols(INamedTypeSymbol searchable)
    {
        Searchable = searchable;
    }

    public INamedTypeSymbol Searchable { get; }

    /// <summary>The symbols of <paramref name="compilation"/>, or null when it does not reference ServerTools (no [FuzzySearchable] type).</summary>
    public static FuzzySearchSymbols? From(Compilation compilation)
        => compilation.GetTypeByMetadataName(AttributeNames.FuzzySearchable) is { } searchable ? new FuzzySearchSymbols(searchable) : null;

    /// <summary>The application of [FuzzySearchable] on <paramref name="symbol"/>, if any.</summary>
    public AttributeData? Find(ISymbol symbol)
        => symbol.GetAttributes().FirstOrDefault(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, Searchable));

    /// <summary>
    /// True when the fuzzy search of <paramref name="type"/> is configured in its declaration: a class marked
    /// [FuzzySearchable], or one that declares a property marked [FuzzySearchable].
    /// </summary>
    public bool IsSearchableClass(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Class
           && (Find(type) is not null || type.GetMembers().Any(member => member is IPropertySymbol && Find(member) is not null));

    /// <summary>True when <paramref name="attribute"/> is written in a declaration of <paramref name="type"/> (not in a base class).</summary>
    public static bool IsWrittenIn(AttributeData attribute, INamedTypeSymbol type)
        => attribute.ApplicationSyntaxReference is { } application
           && type.DeclaringSyntaxReferences.Any(declaration =>
               declaration.SyntaxTree == application.SyntaxTree && declaration.Span.Contains(application.Span));

    /// <summary>
    /// Where to report what concerns the search of <paramref name="type"/> as a whole, or what it inherits: its own
    /// <c>[FuzzySearchable]</c>, else that of its first property marked so; null when neither is written in source.
    /// </summary>
    public Location? ClassLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var attribute = Find(type)
                        ?? type.GetMembers().OfType<IPropertySymbol>().Select(Find).FirstOrDefault(static found => found is not null);
        return attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
    }

    /// <summary>The attribute as written, or null when it comes from metadata.</summary>
    public static AttributeSyntax? Syntax(AttributeData attribute, CancellationToken cancellationToken)
        => attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

    /// <summary>
    /// Where <paramref name="field"/> is written: its name among the class attribute's arguments (<c>nameof(Name)</c>,
    /// <c>"Name"</c>, also inside <c>new[] { ... }</c> or <c>[...]</c>), or the attribute on the property.
    /// </summary>
    public static Location? Location(FuzzyField field, CancellationToken cancellationToken)
    {
        if (Syntax(field.Attribute, cancellationToken) is not { } attribute)
        {
            return null;
        }

        return field.ArgumentIndex >= 0 && FieldName(attribute, field.ArgumentIndex) is { } name
            ? name.GetLocation()
            : attribute.GetLocation();
    }

    /// <summary>The expression of the <paramref name="index"/>th field name of a class attribute, or null.</summary>
    public static ExpressionSyntax? FieldName(AttributeSyntax attribute, int index)
    {
        var positional = attribute.ArgumentList?.Arguments.Where(static argument => argument.NameEquals is null).ToList() ?? [];
        if (positional.Count == 1 && Elements(positional[0].Expression) is { } elements)
        {
            return index < elements.Count ? elements[index] : null;
        }

        return index < positional.Count ? positional[index].Expression : null;
    }

    /// <summary>The <c>{name} = ...</c> argument of <paramref name="attribute"/>, such as <c>Weight = 0.5</c>, or null.</summary>
    public static AttributeArgumentSyntax? NamedArgument(AttributeSyntax attribute, string name)
        => attribute.ArgumentList?.Arguments.FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == name);

    /// <summary>The elements of an array passed for the <c>params</c> names, or null when the argument is not one.</summary>
    private static IReadOnlyList<ExpressionSyntax>? Elements(ExpressionSyntax expression) => expression switch
    {
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
        ImplicitArrayCreationExpressionSyntax creation => creation.Initializer.Expressions,
        CollectionExpressionSyntax collection => [.. collection.Elements.OfType<ExpressionElementSyntax>().Select(static e => e.Expression)],
        _ => null,
    };
}
