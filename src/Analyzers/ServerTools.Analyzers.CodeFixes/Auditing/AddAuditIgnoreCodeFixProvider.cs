using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.Auditing;

/// <summary>
/// Fixes ST1004 by marking the property <c>[AuditIgnore]</c>, in an attribute list of its own on the line above
/// the property (below its doc comment), with the property's indentation. A positional record's parameter gets
/// <c>[property: AuditIgnore]</c> before it, on its line: the attribute then goes on the property the record declares.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAuditIgnoreCodeFixProvider))]
[Shared]
public sealed class AddAuditIgnoreCodeFixProvider()
    : SyntaxNodeCodeFixProvider<SyntaxNode>(DiagnosticDescriptors.UnsupportedAuditPropertyType, "ServerTools.AddAuditIgnore")
{
    private const string AuditIgnore = "ServerTools.AuditIgnore";

    /// <inheritdoc />
    protected override SyntaxNode? Find(SyntaxNode root, Diagnostic diagnostic)
    {
        var node = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent;
        return node is PropertyDeclarationSyntax or ParameterSyntax { Parent.Parent: RecordDeclarationSyntax } ? node : null;
    }

    /// <inheritdoc />
    protected override string Title(SyntaxNode node) => node is ParameterSyntax parameter
        ? $"Mark '{parameter.Identifier.ValueText}' [property: AuditIgnore]"
        : $"Mark '{((PropertyDeclarationSyntax)node).Identifier.ValueText}' [AuditIgnore]";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, SyntaxNode node) => node is ParameterSyntax parameter
        ? root.ReplaceNode(parameter, AttributeLists.AddFirstToProperty(parameter, AuditIgnore))
        : root.ReplaceNode(node, AttributeLists.AddFirst((PropertyDeclarationSyntax)node, AuditIgnore));
}
