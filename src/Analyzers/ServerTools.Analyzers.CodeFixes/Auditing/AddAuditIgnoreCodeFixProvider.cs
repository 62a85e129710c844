using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace ServerTools.Analyzers.CodeFixes.Auditing;

/// <summary>
/// Fixes ST1004 by marking the property <c>[AuditIgnore]</c>, in an attribute list of its own on the line above
/// the property (below its doc comment), with the property's indentation.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAuditIgnoreCodeFixProvider))]
[Shared]
public sealed class AddAuditIgnoreCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of the code action, shared by fix-all.</summary>
    public const string EquivalenceKey = "ServerTools.AddAuditIgnore";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.UnsupportedAuditPropertyType.Id];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is PropertyDeclarationSyntax property)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Mark '{property.Identifier.ValueText}' [AuditIgnore]",
                        cancellationToken => AddAuditIgnoreAsync(context.Document, property, cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> AddAuditIgnoreAsync(Document document, PropertyDeclarationSyntax property, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is null ? document : document.WithSyntaxRoot(root.ReplaceNode(property, AddAuditIgnore(property)));
    }

    /// <summary>
    /// Puts <c>[AuditIgnore]</c> first. On a line of its own when the property starts a line: the list takes the
    /// property's leading trivia (doc comment, indentation) and the property keeps only its indentation.
    /// </summary>
    private static PropertyDeclarationSyntax AddAuditIgnore(PropertyDeclarationSyntax property)
    {
        // global::ServerTools.AuditIgnore, shortened by the simplifier to what the file's usings allow.
        var name = SyntaxFactory.ParseName("global::ServerTools.AuditIgnore").WithAdditionalAnnotations(Simplifier.Annotation);
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(name)));

        var first = property.GetFirstToken();
        var leading = first.LeadingTrivia;
        SyntaxTriviaList rest;
        if (Lines.StartsLine(first))
        {
            list = list.WithLeadingTrivia(leading).WithTrailingTrivia(EndOfLine(property));
            rest = SyntaxFactory.TriviaList(leading.Reverse().TakeWhile(static t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse());
        }
        else
        {
            list = list.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.Space);
            rest = default;
        }

        var updated = property.ReplaceToken(first, first.WithLeadingTrivia(rest));
        return updated.WithAttributeLists(updated.AttributeLists.Insert(0, list));
    }

    /// <summary>The line break the file uses: the one after the previous token, or the first in the file.</summary>
    private static SyntaxTrivia EndOfLine(SyntaxNode node)
        => node.GetFirstToken().GetPreviousToken().TrailingTrivia.Concat(node.SyntaxTree.GetRoot().DescendantTrivia())
               .FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } endOfLine
            ? endOfLine
            : SyntaxFactory.LineFeed;
}
