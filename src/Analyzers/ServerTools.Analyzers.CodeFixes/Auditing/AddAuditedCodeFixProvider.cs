using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.Auditing;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.CodeFixes.General;

namespace ServerTools.Analyzers.CodeFixes.Auditing;

/// <summary>
/// Fixes ST1005 by marking the derived class <c>[Audited]</c>, on a line of its own above the class (below its doc
/// comment), and making it and every type that contains it <c>partial</c>, as ST0001 requires. Not offered for a class
/// the generators skip (generic, private, ...), which <c>[Audited]</c> would not make log anything.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAuditedCodeFixProvider))]
[Shared]
public sealed class AddAuditedCodeFixProvider()
    : SyntaxNodeCodeFixProvider<TypeDeclarationSyntax>(DiagnosticDescriptors.DerivedClassPropertiesNotAudited, "ServerTools.AddAudited")
{
    /// <inheritdoc />
    protected override TypeDeclarationSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => diagnostic.Properties.ContainsKey(DerivedClassPropertiesNotAuditedAnalyzer.FixableProperty)
            ? root.FindToken(diagnostic.Location.SourceSpan.Start).Parent as TypeDeclarationSyntax
            : null;

    /// <inheritdoc />
    protected override string Title(TypeDeclarationSyntax node)
    {
        // Outermost first: "Mark 'Van' [Audited], make 'Fleet' and 'Van' partial".
        var partial = node.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Where(static type => !IsPartial(type))
            .Reverse().Select(static type => $"'{type.Identifier.ValueText}'").ToList();
        var title = $"Mark '{node.Identifier.ValueText}' [Audited]";
        return partial.Count switch
        {
            0 => title,
            1 => $"{title}, make {partial[0]} partial",
            _ => $"{title}, make {string.Join(", ", partial.Take(partial.Count - 1))} and {partial[partial.Count - 1]} partial",
        };
    }

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, TypeDeclarationSyntax node)
    {
        var containing = node.Ancestors().OfType<TypeDeclarationSyntax>().Where(static type => !IsPartial(type));
        return root.ReplaceNodes(
            containing.Prepend(node),
            (original, rewritten) => original == node
                ? AttributeLists.AddFirst(IsPartial(rewritten) ? rewritten : MakePartialCodeFixProvider.AddPartial(rewritten), "ServerTools.Audited")
                : MakePartialCodeFixProvider.AddPartial(rewritten));
    }

    private static bool IsPartial(TypeDeclarationSyntax type) => type.Modifiers.Any(SyntaxKind.PartialKeyword);
}
