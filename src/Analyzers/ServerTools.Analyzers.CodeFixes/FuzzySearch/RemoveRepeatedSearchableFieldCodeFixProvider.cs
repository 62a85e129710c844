using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.FuzzySearch;

/// <summary>
/// Fixes ST3003 reported at a name in the class's <c>[FuzzySearchable]</c> by removing that name, with its comma: from
/// the attribute's arguments, or from the array or collection expression that passes the names. A repeat reported at
/// the attribute on a property has two repairs (remove the attribute, or the name on the class) and no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRepeatedSearchableFieldCodeFixProvider))]
[Shared]
public sealed class RemoveRepeatedSearchableFieldCodeFixProvider()
    : SyntaxNodeCodeFixProvider<ExpressionSyntax>(DiagnosticDescriptors.SearchableFieldListedTwice, "ServerTools.RemoveRepeatedSearchableField")
{
    /// <inheritdoc />
    protected override ExpressionSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax name
           && name.Span == diagnostic.Location.SourceSpan
           && name.Parent is AttributeArgumentSyntax { Parent: AttributeArgumentListSyntax } or InitializerExpressionSyntax or ExpressionElementSyntax { Parent: CollectionExpressionSyntax }
            ? name
            : null;

    /// <inheritdoc />
    protected override string Title(ExpressionSyntax node) => $"Remove the repeated {node}";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, ExpressionSyntax node) => node.Parent switch
    {
        AttributeArgumentSyntax { Parent: AttributeArgumentListSyntax list } argument => root.ReplaceNode(list, list.WithArguments(SeparatedLists.Remove(list.Arguments, argument))),
        InitializerExpressionSyntax initializer => root.ReplaceNode(initializer, initializer.WithExpressions(SeparatedLists.Remove(initializer.Expressions, node))),
        ExpressionElementSyntax { Parent: CollectionExpressionSyntax collection } element => root.ReplaceNode(collection, collection.WithElements(SeparatedLists.Remove(collection.Elements, element))),
        _ => root,
    };
}
