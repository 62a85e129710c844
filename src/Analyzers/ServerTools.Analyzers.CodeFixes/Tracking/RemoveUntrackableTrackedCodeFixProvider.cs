using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Tracking;

namespace ServerTools.Analyzers.CodeFixes.Tracking;

/// <summary>
/// Fixes ST2003 where removing <c>[Tracked]</c> is a repair that cannot be wrong: a property EF Core does not map
/// (computed, <c>[NotMapped]</c>, static, not public), or a type with no text and no fields to track instead (Npgsql's
/// range and geometric types, a collection of values): the attribute has no effect, so removing it changes nothing but
/// the code. A navigation, an owned type or a collection
/// of entities has no fix: what to track instead (a foreign key, the related type's fields) is the developer's choice.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveUntrackableTrackedCodeFixProvider))]
[Shared]
public sealed class RemoveUntrackableTrackedCodeFixProvider()
    : SyntaxNodeCodeFixProvider<AttributeSyntax>(DiagnosticDescriptors.UntrackableProperty, "ServerTools.RemoveUntrackableTracked")
{
    /// <inheritdoc />
    protected override AttributeSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => diagnostic.Properties.ContainsKey(UntrackablePropertyAnalyzer.RemoveTrackedProperty)
           && root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is { Parent: AttributeListSyntax } attribute
            ? attribute
            : null;

    /// <inheritdoc />
    protected override string Title(AttributeSyntax node) => "Remove [Tracked]";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, AttributeSyntax node) => AttributeLists.Remove(root, node);
}
