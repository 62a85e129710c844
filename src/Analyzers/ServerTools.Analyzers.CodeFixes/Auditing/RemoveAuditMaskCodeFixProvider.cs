using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.Auditing;

/// <summary>
/// Fixes ST1003 by removing <c>[AuditMask]</c>: from its list when it shares one (<c>[AuditIgnore, AuditMask]</c>),
/// or the whole list, together with its line when the list stands on a line of its own.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveAuditMaskCodeFixProvider))]
[Shared]
public sealed class RemoveAuditMaskCodeFixProvider()
    : SyntaxNodeCodeFixProvider<AttributeSyntax>(DiagnosticDescriptors.AuditIgnoreAndAuditMask, "ServerTools.RemoveAuditMask")
{
    /// <inheritdoc />
    protected override AttributeSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is { Parent: AttributeListSyntax } attribute
            ? attribute
            : null;

    /// <inheritdoc />
    protected override string Title(AttributeSyntax node) => "Remove [AuditMask]";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, AttributeSyntax node) => AttributeLists.Remove(root, node);
}
