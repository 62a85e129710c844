using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.TimeWindows;

/// <summary>
/// Fixes ST4005 by removing <c>[TimeWindowed]</c> from the derived class: it already has the base class's opening hours,
/// and the generator writes nothing for it, so removing the attribute changes nothing but the code.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRepeatedTimeWindowedCodeFixProvider))]
[Shared]
public sealed class RemoveRepeatedTimeWindowedCodeFixProvider()
    : SyntaxNodeCodeFixProvider<AttributeSyntax>(DiagnosticDescriptors.TimeWindowedTwice, "ServerTools.RemoveRepeatedTimeWindowed")
{
    /// <inheritdoc />
    protected override AttributeSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is { Parent: AttributeListSyntax } attribute ? attribute : null;

    /// <inheritdoc />
    protected override string Title(AttributeSyntax node) => "Remove [TimeWindowed]";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, AttributeSyntax node) => AttributeLists.Remove(root, node);
}
