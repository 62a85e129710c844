using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Rules;

namespace ServerTools.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes ST5006 reported at an entry of Tags or RuleSets by removing the entry, with its comma: an empty, blank or null
/// entry names nothing, so nothing the developer wrote is lost. When it is the only entry, the whole <c>Tags = ...</c> or
/// <c>RuleSets = ...</c> goes (<c>new[] { }</c> would not compile). An empty id has no fix: only the developer can name
/// the rule. An entry padded with whitespace is not removed: it names something, and
/// <see cref="TrimTagOrRuleSetCodeFixProvider"/> trims it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveEmptyTagOrRuleSetCodeFixProvider))]
[Shared]
public sealed class RemoveEmptyTagOrRuleSetCodeFixProvider()
    : SyntaxNodeCodeFixProvider<ExpressionSyntax>(DiagnosticDescriptors.EmptyRuleIdTagOrSet, "ServerTools.RemoveEmptyTagOrRuleSet")
{
    /// <inheritdoc />
    protected override ExpressionSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => !diagnostic.Properties.ContainsKey(EmptyRuleIdTagOrSetAnalyzer.Padded)
           && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax entry
           && entry.Span == diagnostic.Location.SourceSpan
           && entry.Parent is InitializerExpressionSyntax or ExpressionElementSyntax { Parent: CollectionExpressionSyntax }
           && Argument(entry) is { NameEquals: not null, Parent: AttributeArgumentListSyntax }
            ? entry
            : null;

    /// <inheritdoc />
    protected override string Title(ExpressionSyntax node)
        => Argument(node)!.NameEquals!.Name.Identifier.ValueText == "Tags" ? "Remove the empty tag" : "Remove the empty rule set";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, ExpressionSyntax node)
    {
        switch (node.Parent)
        {
            case InitializerExpressionSyntax { Expressions.Count: > 1 } initializer:
                return root.ReplaceNode(initializer, initializer.WithExpressions(SeparatedLists.Remove(initializer.Expressions, node)));
            case ExpressionElementSyntax { Parent: CollectionExpressionSyntax { Elements.Count: > 1 } collection } element:
                return root.ReplaceNode(collection, collection.WithElements(SeparatedLists.Remove(collection.Elements, element)));
            default:
                var argument = Argument(node)!;
                var list = (AttributeArgumentListSyntax)argument.Parent!;
                return root.ReplaceNode(list, list.WithArguments(SeparatedLists.Remove(list.Arguments, argument)));
        }
    }

    /// <summary>The attribute argument (<c>Tags = ...</c>) whose array holds <paramref name="entry"/>.</summary>
    private static AttributeArgumentSyntax? Argument(ExpressionSyntax entry) => entry.Parent switch
    {
        InitializerExpressionSyntax { Parent: ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax } initializer => initializer.Parent?.Parent as AttributeArgumentSyntax,
        ExpressionElementSyntax { Parent: CollectionExpressionSyntax collection } => collection.Parent as AttributeArgumentSyntax,
        _ => null,
    };
}
