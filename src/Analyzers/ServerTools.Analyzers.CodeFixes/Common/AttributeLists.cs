using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>Adds an attribute to a declaration, or removes one, the way a developer would.</summary>
internal static class AttributeLists
{
    /// <summary>
    /// Puts <c>[Name]</c> first, written as <c>global::Name</c> and marked for <see cref="AddImportsAsync"/>, which
    /// shortens it to <c>[Audited]</c> where the file imports its namespace or may safely get <c>using ServerTools;</c>,
    /// and writes <c>[ServerTools.Audited]</c> elsewhere. On a line of its own when the declaration starts a line: the
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
    /// <paramref name="document"/> with the names <see cref="AddFirst"/> wrote made final, once per document however many
    /// there are. A name whose short form already means the attribute (the file or a global using imports its namespace)
    /// is shortened by the simplifier as the code action is applied (<c>[AuditIgnore]</c>), unless a using of the file
    /// that imports the namespace sits in an <c>#if</c> region (it may be gone in another configuration). A name whose
    /// short form means nothing gets <c>using ServerTools;</c> only where that is sure to change nothing else: the file
    /// keeps its usings at the top (or has none), has no <c>#if</c> directive at all and no <c>using ServerTools;</c> yet,
    /// and, when it uses a simple name that the namespace also has (a type, an extension method), the compiler reports no
    /// error or warning that it did not report before and each such name means what it meant. Every other name is written qualified,
    /// <c>[ServerTools.AuditIgnore]</c>, and no using is added.
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

        var shortened = new List<QualifiedNameSyntax>();
        var qualified = new List<QualifiedNameSyntax>();
        var unimported = new List<QualifiedNameSyntax>();
        foreach (var name in names)
        {
            var shortForm = ShortForm(model, name);
            var list = shortForm.Symbol is null && shortForm.CandidateSymbols.IsEmpty
                ? unimported
                : shortForm.Symbol is { } symbol
                  && SymbolEqualityComparer.Default.Equals(symbol.ContainingType, model.GetTypeInfo((AttributeSyntax)name.Parent!, cancellationToken).Type)
                  && !ImportedInConditionalRegion(root, NamespaceOf(name))
                    ? shortened
                    : qualified;
            list.Add(name);
        }

        if (unimported.Count > 0 && CanImport(root, unimported))
        {
            var rest = document.WithSyntaxRoot(Qualify(root, model, shortened, qualified));
            var withImports = await ImportAdder.AddImportsAsync(rest, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (await ChangesNothingElseAsync(rest, withImports, unimported, cancellationToken).ConfigureAwait(false))
            {
                return withImports;
            }
        }

        return document.WithSyntaxRoot(Qualify(root, model, shortened, qualified.Concat(unimported)));
    }

    /// <summary>
    /// <paramref name="root"/> with the names in <paramref name="shortened"/> left for the simplifier to shorten (no using
    /// to add), and the names in <paramref name="qualified"/> written with their namespace for good: <c>ServerTools.AuditIgnore</c>,
    /// or <c>global::ServerTools.AuditIgnore</c> where something of the file hides the namespace's name.
    /// </summary>
    private static SyntaxNode Qualify(SyntaxNode root, SemanticModel model, IEnumerable<QualifiedNameSyntax> shortened, IEnumerable<QualifiedNameSyntax> qualified)
    {
        var written = qualified.ToDictionary(static n => (SyntaxNode)n, n => QualifiedForm(model, n));
        foreach (var name in shortened)
        {
            written[name] = name.WithoutAnnotations(Simplifier.AddImportsAnnotation);
        }

        return root.ReplaceNodes(written.Keys, (original, _) => written[original]);
    }

    /// <summary><paramref name="name"/> written as <c>ServerTools.AuditIgnore</c> when that means the attribute where it stands, else as it is (<c>global::</c>), without annotations.</summary>
    private static NameSyntax QualifiedForm(SemanticModel model, QualifiedNameSyntax name)
    {
        var plain = SyntaxFactory.ParseName(NamespaceOf(name) + "." + name.Right.Identifier.ValueText).WithTriviaFrom(name);
        var meant = model.GetTypeInfo((AttributeSyntax)name.Parent!).Type;
        var symbol = model.GetSpeculativeSymbolInfo(name.SpanStart, SyntaxFactory.Attribute(plain)).Symbol;
        return meant is not null && SymbolEqualityComparer.Default.Equals(symbol?.ContainingType, meant)
            ? plain
            : name.WithoutAnnotations(Simplifier.Annotation).WithoutAnnotations(Simplifier.AddImportsAnnotation);
    }

    /// <summary>What the short form of <paramref name="name"/> (<c>[AuditIgnore]</c>) binds to where it stands: the constructor of an attribute, or nothing.</summary>
    private static SymbolInfo ShortForm(SemanticModel model, QualifiedNameSyntax name)
        => model.GetSpeculativeSymbolInfo(name.SpanStart, SyntaxFactory.Attribute(SyntaxFactory.IdentifierName(name.Right.Identifier.ValueText)));

    /// <summary>
    /// True when a using directive of the file that imports <paramref name="import"/> stands between <c>#if</c> and
    /// <c>#endif</c>: in another configuration the short name may mean nothing.
    /// </summary>
    private static bool ImportedInConditionalRegion(SyntaxNode root, string import)
        => root.DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
            .Any(u => Imports(u, import) && InConditionalRegion(root, u.SpanStart));

    /// <summary>True when <paramref name="position"/> lies between an <c>#if</c> and its <c>#endif</c>.</summary>
    private static bool InConditionalRegion(SyntaxNode root, int position)
    {
        var depth = 0;
        for (var directive = root.GetFirstDirective(); directive is not null && directive.SpanStart < position; directive = directive.GetNextDirective())
        {
            depth += directive.IsKind(SyntaxKind.IfDirectiveTrivia) ? 1 : directive.IsKind(SyntaxKind.EndIfDirectiveTrivia) ? -1 : 0;
        }

        return depth > 0;
    }

    /// <summary>True for <c>using <paramref name="import"/>;</c> (global or not), not an alias or a <c>using static</c>.</summary>
    private static bool Imports(UsingDirectiveSyntax directive, string import)
        => directive.Alias is null && directive.StaticKeyword.IsKind(SyntaxKind.None) && directive.Name is { } name && NamespaceText(name) == import;

    /// <summary>
    /// True when a using of the namespaces of <paramref name="names"/> may go at the top of the file: the file has no using
    /// in a namespace declaration (one there is looked up before the types of the enclosing namespaces, so a new one
    /// there could silently change what a name means), no <c>#if</c>, <c>#elif</c> or <c>#else</c> (a configuration
    /// the compiler does not see now could break) and no using of those namespaces yet.
    /// </summary>
    private static bool CanImport(SyntaxNode root, IEnumerable<QualifiedNameSyntax> names)
    {
        var imports = names.Select(NamespaceOf).ToList();
        var usings = root.DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>().ToList();
        return root is CompilationUnitSyntax
               && usings.All(static u => u.Parent is CompilationUnitSyntax)
               && !usings.Any(u => imports.Any(i => Imports(u, i)))
               && !root.DescendantTrivia().Any(static t => t.IsKind(SyntaxKind.IfDirectiveTrivia) || t.IsKind(SyntaxKind.ElifDirectiveTrivia) || t.IsKind(SyntaxKind.ElseDirectiveTrivia));
    }

    /// <summary>
    /// True when <paramref name="withImports"/> (<paramref name="document"/> with the usings of the namespaces of
    /// <paramref name="names"/> added) has them at the top of the file and, when the file uses a simple name one of those
    /// namespaces also has (a public type, <c>AuditMask</c> for <c>AuditMaskAttribute</c>, or an extension method), no
    /// compiler error or warning that <paramref name="document"/> does not have (same id, same place) and the same meaning for each
    /// such name. Without such a name a using at the top changes nothing else, and the file is not compiled.
    /// </summary>
    private static async Task<bool> ChangesNothingElseAsync(Document document, Document withImports, IReadOnlyList<QualifiedNameSyntax> names, CancellationToken cancellationToken)
    {
        var imports = names.Select(NamespaceOf).Distinct().ToList();
        if (await withImports.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not CompilationUnitSyntax unit
            || !imports.All(i => unit.Usings.Any(u => Imports(u, i)))
            || await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } before
            || await withImports.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } after)
        {
            return false;
        }

        var (types, extensions) = NamesOf(before.Compilation, imports);
        if (!LookedUp(before.SyntaxTree.GetRoot(cancellationToken), types, extensions).Any())
        {
            return true;
        }

        var changes = (await withImports.GetTextChangesAsync(document, cancellationToken).ConfigureAwait(false)).OrderBy(static c => c.Span.Start).ToList();
        var problemsBefore = new HashSet<(string, TextSpan)>(Problems(before, cancellationToken).Select(static d => (d.Id, d.Location.SourceSpan)));
        var meaningsBefore = new HashSet<(TextSpan, string)>(Meanings(before, types, extensions, cancellationToken));
        return Problems(after, cancellationToken).All(d => MapBack(changes, d.Location.SourceSpan) is { } span && problemsBefore.Contains((d.Id, span)))
               && Meanings(after, types, extensions, cancellationToken).All(m => MapBack(changes, m.Span) is { } span && meaningsBefore.Contains((span, m.Meaning)));
    }

    /// <summary>
    /// The errors and warnings the compiler reports in the file of <paramref name="model"/>: a new warning breaks a build
    /// with <c>TreatWarningsAsErrors</c> (CS1574, a cref the using made ambiguous).
    /// </summary>
    private static IEnumerable<Diagnostic> Problems(SemanticModel model, CancellationToken cancellationToken)
        => model.GetDiagnostics(cancellationToken: cancellationToken).Where(static d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning);

    /// <summary>What each name of the file that <see cref="LookedUp"/> finds means, by its place.</summary>
    private static IEnumerable<(TextSpan Span, string Meaning)> Meanings(SemanticModel model, ISet<string> types, ISet<string> extensions, CancellationToken cancellationToken)
        => LookedUp(model.SyntaxTree.GetRoot(cancellationToken), types, extensions)
            .Select(n => (n.Span, Meaning(model.GetSymbolInfo(n, cancellationToken))));

    /// <summary>A symbol, or its candidates when it is ambiguous or wrong, as text that is equal across compilations.</summary>
    private static string Meaning(SymbolInfo info)
        => info.Symbol?.ToDisplayString() ?? "? " + string.Join(", ", info.CandidateSymbols.Select(static s => s.ToDisplayString()));

    /// <summary>
    /// The simple names of the file that a using could change the meaning of: one of <paramref name="types"/> that is
    /// looked up in scope (not the right part of <c>A.B</c>), and one of <paramref name="extensions"/> anywhere, in code
    /// and in the crefs of doc comments (<c>&lt;see cref="TimeWindow.Zero"/&gt;</c>).
    /// Names the compiler calls without the file writing them (<c>Deconstruct</c>, <c>GetAwaiter</c>, <c>GetEnumerator</c>,
    /// <c>Add</c> of a collection initializer, <c>Select</c> and <c>Where</c> of a query) are not found, so a using that
    /// changes only such a call is not checked: safe today, because the namespace has no public extension method of
    /// those names.
    /// </summary>
    private static IEnumerable<SimpleNameSyntax> LookedUp(SyntaxNode root, ISet<string> types, ISet<string> extensions)
        => root.DescendantNodes(descendIntoTrivia: true).OfType<SimpleNameSyntax>().Where(n => extensions.Contains(n.Identifier.ValueText)
            || (types.Contains(n.Identifier.ValueText)
                && n.Parent is not AliasQualifiedNameSyntax
                && !(n.Parent is QualifiedNameSyntax qualified && qualified.Right == n)
                && !(n.Parent is MemberAccessExpressionSyntax access && access.Name == n)
                && n.Parent is not MemberBindingExpressionSyntax));

    /// <summary>
    /// True when <paramref name="root"/> uses a simple name that <c>using <paramref name="import"/>;</c> could give
    /// another meaning (see <see cref="LookedUp"/>): only then does the fix compile the file to check the using.
    /// </summary>
    internal static bool UsesNamesOf(SyntaxNode root, Compilation compilation, string import)
    {
        var (types, extensions) = NamesOf(compilation, [import]);
        return LookedUp(root, types, extensions).Any();
    }

    /// <summary>The names a using of <paramref name="imports"/> brings into scope: types (<see cref="TypeNames"/>) and extension methods.</summary>
    private static (HashSet<string> Types, HashSet<string> Extensions) NamesOf(Compilation compilation, IReadOnlyList<string> imports)
        => (new HashSet<string>(imports.SelectMany(i => TypeNames(compilation, i))), new HashSet<string>(imports.SelectMany(i => ExtensionMethodNames(compilation, i))));

    /// <summary>The types of the namespace <paramref name="import"/> the file can see, by name, and by name without the <c>Attribute</c> suffix.</summary>
    private static IEnumerable<string> TypeNames(Compilation compilation, string import)
        => VisibleTypes(compilation, import).SelectMany(static t => t.Name.EndsWith("Attribute", System.StringComparison.Ordinal)
            ? new[] { t.Name, t.Name.Substring(0, t.Name.Length - "Attribute".Length) }
            : new[] { t.Name });

    /// <summary>The extension methods of the static classes of the namespace <paramref name="import"/> the file can see, by name.</summary>
    private static IEnumerable<string> ExtensionMethodNames(Compilation compilation, string import)
        => VisibleTypes(compilation, import).Where(static t => t.MightContainExtensionMethods)
            .SelectMany(static t => t.GetMembers().OfType<IMethodSymbol>().Where(static m => m.IsExtensionMethod).Select(static m => m.Name));

    /// <summary>
    /// The types of the namespace <paramref name="import"/> (<c>ServerTools</c>), from every assembly of the compilation,
    /// that the compilation's assembly can see: public ones, and internal ones of its own (or of an assembly that gives it
    /// its internals), which a using brings into scope as well.
    /// </summary>
    private static IEnumerable<INamedTypeSymbol> VisibleTypes(Compilation compilation, string import)
        => import.Split('.')
               .Aggregate((INamespaceSymbol?)compilation.GlobalNamespace, static (ns, part) => ns?.GetNamespaceMembers().FirstOrDefault(m => m.Name == part))
               ?.GetTypeMembers().Where(t => compilation.IsSymbolAccessibleWithin(t, compilation.Assembly))
           ?? [];

    /// <summary>
    /// <paramref name="span"/> of the changed text in the text before <paramref name="changes"/> (ordered, in the old
    /// text's positions); null for a span in or across changed text.
    /// </summary>
    private static TextSpan? MapBack(IReadOnlyList<TextChange> changes, TextSpan span)
    {
        var delta = 0;
        foreach (var change in changes)
        {
            var start = change.Span.Start + delta;
            var end = start + (change.NewText?.Length ?? 0);
            if (span.End < start || (span.End == start && !span.IsEmpty))
            {
                break;
            }

            if (span.Start < end)
            {
                return null;
            }

            delta += end - start - change.Span.Length;
        }

        return new TextSpan(span.Start - delta, span.Length);
    }

    /// <summary>The namespace of an attribute name the fix wrote: <c>ServerTools</c> of <c>global::ServerTools.AuditIgnore</c>.</summary>
    private static string NamespaceOf(QualifiedNameSyntax name) => NamespaceText(name.Left);

    /// <summary>A namespace name as text, without <c>global::</c> and spaces.</summary>
    private static string NamespaceText(NameSyntax name)
        => (name is AliasQualifiedNameSyntax alias ? (NameSyntax)alias.Name : name).ToString().Replace("global::", string.Empty).Replace(" ", string.Empty);

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
