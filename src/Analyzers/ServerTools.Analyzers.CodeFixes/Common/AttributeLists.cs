using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>Adds an attribute to a declaration, or removes one, the way a developer would.</summary>
internal static class AttributeLists
{
    /// <summary>
    /// Puts <c>[Name]</c> first, written as <c>global::Name</c> and marked for <see cref="AddImportsAsync"/>, which adds
    /// the using its namespace needs (<c>using ServerTools;</c>) unless the file or a global using imports it already, so
    /// that the simplifier shortens it to <c>[Audited]</c>. On a line of its own when the declaration starts a line: the
    /// list takes the declaration's leading trivia (doc comment, indentation) and the declaration keeps only its indentation.
    /// The list has no elastic trivia, so the formatter leaves the lines around it as the file wrote them.
    /// </summary>
    /// <param name="member">The declaration.</param>
    /// <param name="attributeName">The attribute's full name without the <c>Attribute</c> suffix: <c>ServerTools.Audited</c>.</param>
    public static TMember AddFirst<TMember>(TMember member, string attributeName)
        where TMember : MemberDeclarationSyntax
    {
        var list = List(attributeName, target: null);
        var first = member.GetFirstToken();
        var leading = first.LeadingTrivia;
        SyntaxTriviaList rest;
        if (Lines.StartsLine(first))
        {
            list = list.WithLeadingTrivia(leading).WithTrailingTrivia(EndOfLine(member));
            rest = SyntaxFactory.TriviaList(leading.Reverse().TakeWhile(static t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse());
        }
        else
        {
            list = list.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.Space);
            rest = default;
        }

        var updated = member.ReplaceToken(first, first.WithLeadingTrivia(rest));
        return (TMember)updated.WithAttributeLists(updated.AttributeLists.Insert(0, list));
    }

    /// <summary>
    /// Puts <c>[property: Name]</c> first on a positional record's parameter, on the parameter's line, as
    /// <see cref="AddFirst{TMember}"/> writes the name.
    /// </summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="attributeName">The attribute's full name without the <c>Attribute</c> suffix: <c>ServerTools.AuditIgnore</c>.</param>
    public static ParameterSyntax AddFirstToProperty(ParameterSyntax parameter, string attributeName)
    {
        var first = parameter.GetFirstToken();
        var list = List(attributeName, "property").WithLeadingTrivia(first.LeadingTrivia).WithTrailingTrivia(SyntaxFactory.Space);
        var updated = parameter.ReplaceToken(first, first.WithLeadingTrivia());
        return updated.WithAttributeLists(updated.AttributeLists.Insert(0, list));
    }

    /// <summary><c>[global::Name]</c>, or <c>[target: global::Name]</c>, with no trivia at all (none elastic).</summary>
    private static AttributeListSyntax List(string attributeName, string? target)
    {
        var name = SyntaxFactory.ParseName("global::" + attributeName).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var specifier = target is null
            ? null
            : SyntaxFactory.AttributeTargetSpecifier(
                SyntaxFactory.Identifier(default, target, default),
                SyntaxFactory.Token(default, SyntaxKind.ColonToken, SyntaxFactory.TriviaList(SyntaxFactory.Space)));
        return SyntaxFactory.AttributeList(
            SyntaxFactory.Token(default, SyntaxKind.OpenBracketToken, default),
            specifier,
            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(name)),
            SyntaxFactory.Token(default, SyntaxKind.CloseBracketToken, default));
    }

    /// <summary>
    /// <paramref name="document"/> with the usings that the names <see cref="AddFirst"/> wrote need, added once however
    /// many names need them; they are then shortened by the simplifier as the code action is applied. A name whose short
    /// form already means the attribute (the file or a global using imports its namespace) needs none, and neither does
    /// one whose short form means another type (<c>Shop.AuditIgnoreAttribute</c>): the simplifier writes it as
    /// <c>ServerTools.AuditIgnore</c>. It is written so too, with no using, when the file imports the namespace in an
    /// inactive <c>#if</c> branch (a second using would be CS0105 where the branch is active), or when the using would add
    /// an error to the file: a name the file uses that the namespace also has (<c>[AuditMask]</c> of <c>using Lib;</c>,
    /// an <c>OutboxMessage</c> of its own) would become ambiguous (CS0104). The using goes where the file keeps its
    /// usings: into the namespace declaration around the name when the file has its usings in namespace declarations,
    /// else as the import adder places it (at the top). The import adder is not run when no name needs a using, since
    /// it rewrites the top of the file even when it adds nothing.
    /// </summary>
    public static async Task<Document> AddImportsAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var names = root?.GetAnnotatedNodes(Simplifier.AddImportsAnnotation).OfType<QualifiedNameSyntax>().Where(static n => n.Parent is AttributeSyntax).ToList();
        if (root is null || names is null || names.Count == 0
            || await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model)
        {
            return document;
        }

        var imported = names.Where(name => !NeedsImport(model, name) || ImportedInDisabledText(root, name)).ToList();
        if (imported.Count > 0)
        {
            root = root.ReplaceNodes(imported, static (_, name) => name.WithoutAnnotations(Simplifier.AddImportsAnnotation));
            document = document.WithSyntaxRoot(root);
        }

        if (imported.Count == names.Count)
        {
            return document;
        }

        var withImports = UsingsInNamespaces(root)
            ? document.WithSyntaxRoot(AddUsingsInNamespaces(root))
            : await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await ErrorCountAsync(withImports, cancellationToken).ConfigureAwait(false) > await ErrorCountAsync(document, cancellationToken).ConfigureAwait(false)
            ? document.WithSyntaxRoot(root.ReplaceNodes(
                root.GetAnnotatedNodes(Simplifier.AddImportsAnnotation).OfType<QualifiedNameSyntax>(),
                static (_, name) => name.WithoutAnnotations(Simplifier.AddImportsAnnotation)))
            : withImports;
    }

    /// <summary>True when the short form of <paramref name="name"/> (<c>[AuditIgnore]</c>) names no type where it stands.</summary>
    private static bool NeedsImport(SemanticModel model, QualifiedNameSyntax name)
    {
        var shortForm = SyntaxFactory.Attribute(SyntaxFactory.IdentifierName(name.Right.Identifier.ValueText));
        var info = model.GetSpeculativeSymbolInfo(name.SpanStart, shortForm);
        return info.Symbol is null && info.CandidateSymbols.IsEmpty;
    }

    /// <summary>
    /// True when an inactive <c>#if</c> branch of the file has a using of the namespace of <paramref name="name"/>
    /// (<c>#if DEBUG using ServerTools; #endif</c>).
    /// </summary>
    private static bool ImportedInDisabledText(SyntaxNode root, QualifiedNameSyntax name)
    {
        var ns = NamespaceOf(name);
        return root.DescendantTrivia().Any(t => t.IsKind(SyntaxKind.DisabledTextTrivia)
            && SyntaxFactory.ParseCompilationUnit(t.ToString()).Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name is { } imported && NamespaceText(imported) == ns));
    }

    /// <summary>The namespace of an attribute name the fix wrote: <c>ServerTools</c> of <c>global::ServerTools.AuditIgnore</c>.</summary>
    private static string NamespaceOf(QualifiedNameSyntax name) => NamespaceText(name.Left);

    /// <summary>A namespace name as text, without <c>global::</c> and spaces.</summary>
    private static string NamespaceText(NameSyntax name)
        => (name is AliasQualifiedNameSyntax alias ? (NameSyntax)alias.Name : name).ToString().Replace("global::", string.Empty).Replace(" ", string.Empty);

    /// <summary>
    /// True when the file keeps its usings in namespace declarations: one has a using, and the file has none of its own
    /// (but <c>global using</c>s, which cannot go in a namespace).
    /// </summary>
    private static bool UsingsInNamespaces(SyntaxNode root)
        => root is CompilationUnitSyntax unit
           && unit.Usings.All(static u => u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
           && unit.DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<BaseNamespaceDeclarationSyntax>().Any(static n => n.Usings.Count > 0)
           && unit.GetAnnotatedNodes(Simplifier.AddImportsAnnotation).All(static n => n.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Any());

    /// <summary>
    /// <paramref name="root"/> with a using of the namespace of each marked name in the outermost namespace declaration
    /// around the name, once each, in its sorted place among the declaration's usings (<c>System</c> first).
    /// </summary>
    private static SyntaxNode AddUsingsInNamespaces(SyntaxNode root)
    {
        var wanted = root.GetAnnotatedNodes(Simplifier.AddImportsAnnotation).OfType<QualifiedNameSyntax>()
            .Select(static n => (Namespace: n.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Last(), Import: NamespaceOf(n)))
            .Distinct()
            .ToList();
        return root.ReplaceNodes(
            wanted.Select(static w => w.Namespace).Distinct(),
            (original, current) => wanted.Where(w => w.Namespace == original).Aggregate(current, static (n, w) => AddUsing(n, w.Import)));
    }

    /// <summary><paramref name="declaration"/> with <c>using <paramref name="import"/>;</c> in its sorted place.</summary>
    private static BaseNamespaceDeclarationSyntax AddUsing(BaseNamespaceDeclarationSyntax declaration, string import)
    {
        var usings = declaration.Usings;
        var plain = usings.Where(static u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.GlobalKeyword.IsKind(SyntaxKind.None)).ToList();
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(import).WithLeadingTrivia(SyntaxFactory.Space))
            .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken));
        if (plain.Count > 0)
        {
            var before = plain.FirstOrDefault(u => CompareImports(import, NamespaceText(u.Name!)) < 0);
            var model = before ?? plain[plain.Count - 1];
            directive = directive.WithLeadingTrivia(Indentation(model.GetLeadingTrivia())).WithTrailingTrivia(model.GetTrailingTrivia());
            return declaration.WithUsings(before is null ? usings.Insert(usings.IndexOf(model) + 1, directive) : usings.Insert(usings.IndexOf(before), directive));
        }

        var next = usings.Count > 0 ? (SyntaxNode)usings[0] : declaration.Members.First();
        var endOfLine = EndOfLine(next);
        directive = directive.WithLeadingTrivia(Indentation(next.GetLeadingTrivia())).WithTrailingTrivia(endOfLine);
        var updated = usings.Count > 0
            ? declaration.WithUsings(usings.Insert(0, directive))
            : declaration.ReplaceNode(next, next.WithLeadingTrivia(next.GetLeadingTrivia().Insert(0, endOfLine))).WithUsings(usings.Insert(0, directive));
        return updated;
    }

    /// <summary>The order of usings: <c>System</c> and its namespaces first, then by name, as <c>dotnet format</c> sorts them.</summary>
    private static int CompareImports(string x, string y)
    {
        static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", System.StringComparison.Ordinal);
        return IsSystem(x) != IsSystem(y) ? (IsSystem(x) ? -1 : 1) : System.StringComparer.OrdinalIgnoreCase.Compare(x, y);
    }

    /// <summary>The spaces at the end of <paramref name="trivia"/>: a line's indentation.</summary>
    private static SyntaxTriviaList Indentation(SyntaxTriviaList trivia)
        => SyntaxFactory.TriviaList(trivia.Reverse().TakeWhile(static t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse());

    /// <summary>The number of errors the compiler reports in <paramref name="document"/>.</summary>
    private static async Task<int> ErrorCountAsync(Document document, CancellationToken cancellationToken)
        => await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is { } model
            ? model.GetDiagnostics(cancellationToken: cancellationToken).Count(static d => d.Severity == DiagnosticSeverity.Error)
            : 0;

    /// <summary>The line break the file uses: the one after the previous token, or the first in the file.</summary>
    private static SyntaxTrivia EndOfLine(SyntaxNode node)
        => node.GetFirstToken().GetPreviousToken().TrailingTrivia.Concat(node.SyntaxTree.GetRoot().DescendantTrivia())
               .FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } endOfLine
            ? endOfLine
            : SyntaxFactory.LineFeed;

    /// <summary>
    /// Removes <paramref name="node"/>: from its list when it shares one (<c>[AuditIgnore, AuditMask]</c>), or the whole
    /// list, together with its line when the list stands on a line of its own. Comments before the list stay.
    /// </summary>
    public static SyntaxNode Remove(SyntaxNode root, AttributeSyntax node)
    {
        var list = (AttributeListSyntax)node.Parent!;
        return list.Attributes.Count > 1
            ? root.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(node)))
            : RemoveList(root, list);
    }

    /// <summary>
    /// Removes <paramref name="original"/> and the spaces or line break after it. Comments before it stay, and a line
    /// that held only the list disappears: the next token keeps its own indentation.
    /// </summary>
    private static SyntaxNode RemoveList(SyntaxNode root, AttributeListSyntax original)
    {
        // Tracked, so that the list can be found again after the tokens around it are replaced.
        var tracked = root.TrackNodes(original);
        var list = tracked.GetCurrentNode(original)!;
        var previous = list.GetFirstToken().GetPreviousToken();
        var next = list.GetLastToken().GetNextToken();
        var leading = list.GetLeadingTrivia();
        var trailing = list.GetTrailingTrivia();
        var startsLine = Lines.StartsLine(list.GetFirstToken());
        var endsLine = trailing.Any(SyntaxKind.EndOfLineTrivia);

        tracked = !endsLine
            // "[AuditMask] public ...": what came before the list now comes before the next token.
            ? tracked.ReplaceToken(next, next.WithLeadingTrivia(leading.AddRange(next.LeadingTrivia)))
            : startsLine
                // The list had a line of its own: keep the comments before it, drop its indentation and line break.
                ? tracked.ReplaceToken(next, next.WithLeadingTrivia(TrimTrailingWhitespace(leading).AddRange(next.LeadingTrivia)))
                // "[AuditIgnore] [AuditMask]" ending a line: the line now ends after the previous token.
                : tracked.ReplaceToken(previous, previous.WithTrailingTrivia(TrimTrailingWhitespace(previous.TrailingTrivia).AddRange(leading).AddRange(trailing)));
        return tracked.RemoveNode(tracked.GetCurrentNode(original)!, SyntaxRemoveOptions.KeepNoTrivia)!;
    }

    private static SyntaxTriviaList TrimTrailingWhitespace(SyntaxTriviaList trivia)
    {
        var count = trivia.Count;
        while (count > 0 && trivia[count - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            count--;
        }

        return SyntaxFactory.TriviaList(trivia.Take(count));
    }
}
