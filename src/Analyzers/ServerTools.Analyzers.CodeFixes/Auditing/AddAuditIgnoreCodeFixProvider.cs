using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.Auditing;

/// <summary>
/// Fixes ST1004 by marking the property <c>[AuditIgnore]</c>, in an attribute list of its own on the line above
/// the property (below its doc comment), with the property's indentation.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAuditIgnoreCodeFixProvider))]
[Shared]
public sealed class AddAuditIgnoreCodeFixProvider()
    : SyntaxNodeCodeFixProvider<PropertyDeclarationSyntax>(DiagnosticDescriptors.UnsupportedAuditPropertyType, "ServerTools.AddAuditIgnore")
{
    /// <inheritdoc />
    protected override PropertyDeclarationSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => root.FindToken(diagnostic.Location.SourceSpan.Start).Parent as PropertyDeclarationSyntax;

    /// <inheritdoc />
    protected override string Title(PropertyDeclarationSyntax node) => $"Mark '{node.Identifier.ValueText}' [AuditIgnore]";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, PropertyDeclarationSyntax node)
        => root.ReplaceNode(node, AttributeLists.AddFirst(node, "ServerTools.AuditIgnore"));
}
