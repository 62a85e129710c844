using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Rules;

namespace ServerTools.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes ST5006 reported at an entry of Tags or RuleSets. An empty, blank or null entry is removed, with its comma: it
/// names nothing, so nothing the developer wrote is lost; when it is the only entry, the whole <c>Tags = ...</c> or
/// <c>RuleSets = ...</c> goes (<c>new[] { }</c> would not compile). An entry padded with whitespace, written as a string
/// literal, is trimmed: <c>RuleSets = ["post "]</c> becomes <c>RuleSets = ["post"]</c>, the name the message says to
/// write (whitespace at either end of a name is never meant: the rule's metadata refuses it). An entry written as a
/// constant is left alone: the constant may serve elsewhere; correct the constant. An empty id has no fix: only the
/// developer can name the rule.
/// </summary>
/// <remarks>
/// One provider with one equivalence key for both repairs: <c>dotnet format analyzers</c> runs the fix-all of each
/// provider of a diagnostic on the diagnostics it found before the first one ran, and with the key of the action offered
/// for the first of them, so two providers (or two keys) would fix only one kind of entry per run.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveOrTrimTagOrRuleSetCodeFixProvider))]
[Shared]
public sealed class RemoveOrTrimTagOrRuleSetCodeFixProvider : DiagnosticCodeFixProvider
{
    private const string EquivalenceKey = "ServerTools.RemoveOrTrimTagOrRuleSet";

    /// <summary>Creates the provider.</summary>
    public RemoveOrTrimTagOrRuleSetCodeFixProvider()
        : base(DiagnosticDescriptors.EmptyRuleIdTagOrSet)
    {
    }

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(EmptyRuleIdTagOrSetAnalyzer.Padded))
        {
            StringLiteralCodeFixProvider.RegisterReplacement(context, root, diagnostic, EmptyRuleIdTagOrSetAnalyzer.Padded, "Write", EquivalenceKey);
        }
        else if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax entry
                 && entry.Span == diagnostic.Location.SourceSpan
                 && entry.Parent is InitializerExpressionSyntax or ExpressionElementSyntax { Parent: CollectionExpressionSyntax }
                 && Argument(entry) is { NameEquals: not null, Parent: AttributeArgumentListSyntax } argument)
        {
            var title = argument.NameEquals.Name.Identifier.ValueText == "Tags" ? "Remove the empty tag" : "Remove the empty rule set";
            RegisterFix(context, diagnostic, title, EquivalenceKey, entry, Remove);
        }
    }

    /// <summary>The root without <paramref name="entry"/>, or without its argument when it is the argument's only entry.</summary>
    private static SyntaxNode Remove(SyntaxNode root, ExpressionSyntax entry)
    {
        switch (entry.Parent)
        {
            case InitializerExpressionSyntax { Expressions.Count: > 1 } initializer:
                return root.ReplaceNode(initializer, initializer.WithExpressions(SeparatedLists.Remove(initializer.Expressions, entry)));
            case ExpressionElementSyntax { Parent: CollectionExpressionSyntax { Elements.Count: > 1 } collection } element:
                return root.ReplaceNode(collection, collection.WithElements(SeparatedLists.Remove(collection.Elements, element)));
            default:
                var argument = Argument(entry)!;
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
