using System;
using System.Collections.Generic;
using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Tracking;

namespace ServerTools.Analyzers.CodeFixes.Tracking;

/// <summary>
/// Fixes ST2002 on an implementation with no definition by rewriting its declaration into the hook the generator
/// declares: the hook's name (for a misspelt property), no access modifier, <c>static</c> or type parameters, and two
/// parameters of the property's type named <c>oldValue</c> and <c>newValue</c> as in the generated declaration. Two
/// parameters are the old and the new value (of more, the first two, when the method uses none of the others), one is
/// the new value; they are renamed with their uses in the body, and a member name a use gave by inference that the
/// body can read is written out (<c>new { a = oldValue }</c>, <c>var t = (a: oldValue, b)</c> with <c>t.a</c> read),
/// unless the body uses the new name for something else, a parameter has the other one's name, or text an <c>#if</c>
/// leaves out names it (then they keep theirs, and the compiler warns, CS8826). The body is left as it is otherwise. No
/// fix for a method that uses a type parameter or a parameter the hook does not have, or whose signature holds a
/// preprocessor directive or text one leaves out. The analyzer offers the fix only for a method that returns nothing.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MatchChangeHookCodeFixProvider))]
[Shared]
public sealed class MatchChangeHookCodeFixProvider : DiagnosticCodeFixProvider
{
    private const string EquivalenceKey = "ServerTools.MatchChangeHook";
    private const string OldValue = "oldValue";
    private const string NewValue = "newValue";

    /// <summary>Creates the provider.</summary>
    public MatchChangeHookCodeFixProvider()
        : base(DiagnosticDescriptors.ChangeHookMismatch)
    {
    }

    /// <inheritdoc />
    protected override bool UsesSemanticModel => true;

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.TryGetValue(ChangeHookMismatchAnalyzer.HookNameProperty, out var name) && name is not null
            && diagnostic.Properties.TryGetValue(ChangeHookMismatchAnalyzer.HookTypeProperty, out var type) && type is not null
            && root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is MethodDeclarationSyntax method
            && Fix(method, name, type, model!) is { } hook)
        {
            RegisterNewRoot(context, diagnostic, $"Declare as the change hook '{name}'", EquivalenceKey, () => root.ReplaceNode(method, hook));
        }
    }

    /// <summary>
    /// <paramref name="method"/> rewritten into the hook <paramref name="name"/> with parameters of <paramref name="type"/>;
    /// null when a parameter it has to add would take a name the body uses for something else, when the method uses a
    /// parameter or type parameter the hook does not have, or when its signature holds a preprocessor directive.
    /// </summary>
    private static MethodDeclarationSyntax? Fix(MethodDeclarationSyntax method, string name, string type, SemanticModel model)
    {
        if (SignatureHasDirectives(method))
        {
            return null;
        }

        var parameters = method.ParameterList.Parameters;
        int? oldIndex = null, newIndex = null;
        if (parameters.Count >= 2)
        {
            // The first two are the old and the new value; a third one on is dropped, if nothing uses it.
            (oldIndex, newIndex) = (0, 1);
        }
        else if (parameters.Count == 1)
        {
            // One parameter is the new value, unless it says it is the old one.
            (oldIndex, newIndex) = parameters[0].Identifier.ValueText == OldValue ? ((int?)0, (int?)null) : (null, 0);
        }

        // Text an #if leaves out in this configuration is compiled in another one: what it names is used too.
        var disabledNames = DisabledNames(method);
        var usedNames = UsedNames(method);
        usedNames.UnionWith(disabledNames);
        if ((oldIndex is null && usedNames.Contains(OldValue))
            || (newIndex is null && usedNames.Contains(NewValue))
            || UsesWhatTheHookLacks(method, model, disabledNames))
        {
            return null;
        }

        // Renamed first, while the semantic model still knows the method's nodes; the signature is rewritten after.
        var renames = new Dictionary<IParameterSymbol, string>(SymbolEqualityComparer.Default);
        AddRename(renames, model, parameters, oldIndex, OldValue, usedNames, disabledNames);
        AddRename(renames, model, parameters, newIndex, NewValue, usedNames, disabledNames);
        var uses = method.DescendantNodes(descendIntoTrivia: true)
            .OfType<IdentifierNameSyntax>()
            .Select(node => (Node: node, Symbol: model.GetSymbolInfo(node).Symbol as IParameterSymbol))
            .Where(use => use.Symbol is not null && renames.ContainsKey(use.Symbol))
            .ToList();

        // A use that names a member by inference keeps naming it where the name can be read: written out (a = oldValue,
        // a: oldValue). Where the target type drops or replaces a tuple element's name, the plain rename means the same.
        HashSet<string>? readElementNames = null;
        var named = uses
            .Where(use => KeepsInferredName(use.Node, model, () => readElementNames ??= ReadTupleElementNames(method, model)))
            .Select(static use => use.Node.Parent!)
            .ToList();
        var declarations = parameters.Take(2)
            .Select(p => (Token: p.Identifier, Symbol: model.GetDeclaredSymbol(p)))
            .Where(declaration => declaration.Symbol is not null && renames.ContainsKey(declaration.Symbol))
            .ToDictionary(static declaration => declaration.Token, declaration => renames[declaration.Symbol!]);
        var references = uses.ToDictionary(static use => (SyntaxNode)use.Node, use => renames[use.Symbol!]);
        var renamed = method.ReplaceSyntax(
            references.Keys.Concat(named),
            (original, rewritten) => original switch
            {
                IdentifierNameSyntax identifier => identifier.WithIdentifier(
                    SyntaxFactory.Identifier(identifier.Identifier.LeadingTrivia, references[identifier], identifier.Identifier.TrailingTrivia)),
                AnonymousObjectMemberDeclaratorSyntax declarator => ((AnonymousObjectMemberDeclaratorSyntax)rewritten)
                    .WithNameEquals(SyntaxFactory.NameEquals(MemberName(declarator.Expression), SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space)))
                    .WithExpression(((AnonymousObjectMemberDeclaratorSyntax)rewritten).Expression.WithoutLeadingTrivia()),
                ArgumentSyntax argument => ((ArgumentSyntax)rewritten)
                    .WithNameColon(SyntaxFactory.NameColon(MemberName(argument.Expression), SyntaxFactory.Token(SyntaxKind.ColonToken).WithTrailingTrivia(SyntaxFactory.Space)))
                    .WithExpression(((ArgumentSyntax)rewritten).Expression.WithoutLeadingTrivia()),
                _ => rewritten,
            },
            declarations.Keys,
            (original, _) => SyntaxFactory.Identifier(original.LeadingTrivia, declarations[original], original.TrailingTrivia),
            [],
            null);

        var identifier = SyntaxFactory.Identifier(name).WithTriviaFrom(renamed.Identifier);
        if (renamed.TypeParameterList is { } typeParameters)
        {
            identifier = identifier.WithTrailingTrivia(typeParameters.GetTrailingTrivia());
        }

        var parameterList = renamed.ParameterList.WithParameters(HookParameters(renamed.ParameterList, oldIndex, newIndex, type));
        if (renamed.ConstraintClauses.Count > 0)
        {
            // What followed the constraints (the line break before the body) now follows the parameters.
            parameterList = parameterList.WithCloseParenToken(
                parameterList.CloseParenToken.WithTrailingTrivia(renamed.ConstraintClauses.Last().GetTrailingTrivia()));
        }

        return renamed
            .WithModifiers(HookModifiers(renamed.Modifiers))
            .WithIdentifier(identifier)
            .WithTypeParameterList(null)
            .WithConstraintClauses(default)
            .WithParameterList(parameterList);
    }

    /// <summary>The member name a parameter's use <paramref name="expression"/> gave by inference, written out, with its leading trivia.</summary>
    private static IdentifierNameSyntax MemberName(ExpressionSyntax expression)
        => SyntaxFactory.IdentifierName(((IdentifierNameSyntax)expression).Identifier.WithTrailingTrivia(SyntaxFactory.Space));

    /// <summary>
    /// Whether <paramref name="use"/>, a parameter's name, gives a member a name that renaming it would change and that
    /// the method can read, so that the name is to be written out: an anonymous type's member with no name of its own
    /// (<c>new { a }</c>, written <c>a = oldValue</c>), or an element of a tuple with no name of its own that it names
    /// (<c>(a, b)</c>; not a duplicate's, which is dropped) where the tuple keeps that name (no target type that drops
    /// or replaces it, no deconstruction, no <c>==</c>: written out there, it would warn, CS8123, CS8383) and the method
    /// reads a tuple element of that name (<paramref name="readElementNames"/>, computed when first needed).
    /// </summary>
    private static bool KeepsInferredName(IdentifierNameSyntax use, SemanticModel model, Func<HashSet<string>> readElementNames)
    {
        switch (use.Parent)
        {
            case AnonymousObjectMemberDeclaratorSyntax { NameEquals: null }:
                return true;
            case ArgumentSyntax { NameColon: null, Parent: TupleExpressionSyntax tuple } argument:
                var name = use.Identifier.ValueText;
                var index = tuple.Arguments.IndexOf(argument);
                var info = model.GetTypeInfo(tuple);
                if (info.Type is not INamedTypeSymbol { IsTupleType: true } natural || natural.TupleElements[index].Name != name
                    || info.ConvertedType is not INamedTypeSymbol { IsTupleType: true } converted || converted.TupleElements[index].Name != name)
                {
                    return false;
                }

                var outer = tuple.AncestorsAndSelf().TakeWhile(static node => node is TupleExpressionSyntax or ArgumentSyntax).Last();
                var dropped = outer.Parent switch
                {
                    AssignmentExpressionSyntax assignment => assignment.Left is TupleExpressionSyntax or DeclarationExpressionSyntax,
                    BinaryExpressionSyntax binary => binary.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression,
                    ForEachVariableStatementSyntax => true,
                    _ => false,
                };
                return !dropped && readElementNames().Contains(name);
            default:
                return false;
        }
    }

    /// <summary>The names of the tuple elements <paramref name="method"/> reads by name (<c>t.a</c>, <c>nameof(t.a)</c>, a positional pattern's <c>a:</c>).</summary>
    private static HashSet<string> ReadTupleElementNames(MethodDeclarationSyntax method, SemanticModel model)
        => [.. method.DescendantNodes()
            .OfType<IdentifierNameSyntax>()
            .Select(node => model.GetSymbolInfo(node).Symbol)
            .OfType<IFieldSymbol>()
            .Where(static field => field.ContainingType.IsTupleType)
            .Select(static field => field.Name)];

    /// <summary>
    /// True when the signature of <paramref name="method"/> (from its first modifier or its return type to its body, the
    /// parameter list included) holds a preprocessor directive or text one leaves out: the fix rewrites the signature
    /// and cannot tell what it would do to the other configurations' code there.
    /// </summary>
    private static bool SignatureHasDirectives(MethodDeclarationSyntax method)
    {
        var first = method.Modifiers.Count > 0 ? method.Modifiers[0] : method.ReturnType.GetFirstToken();
        var end = method.Body?.OpenBraceToken.SpanStart ?? method.ExpressionBody?.ArrowToken.SpanStart ?? method.SemicolonToken.SpanStart;
        var signature = TextSpan.FromBounds(first.SpanStart, end);
        return method.DescendantTrivia()
            .Any(trivia => signature.Contains(trivia.Span) && (trivia.IsDirective || trivia.IsKind(SyntaxKind.DisabledTextTrivia)));
    }

    /// <summary>
    /// True when what the hook's declaration keeps of <paramref name="method"/> (its body, attributes, documentation
    /// comment, the first two parameters' attributes) uses a parameter after the first two, which the fix drops, or
    /// one of its type parameters, in code or in text an <c>#if</c> leaves out (<paramref name="disabledNames"/>).
    /// </summary>
    private static bool UsesWhatTheHookLacks(MethodDeclarationSyntax method, SemanticModel model, HashSet<string> disabledNames)
    {
        var parameters = method.ParameterList.Parameters;
        var dropped = parameters.Skip(2).ToList();
        var typeParameters = method.TypeParameterList?.Parameters.ToList() ?? [];
        if (dropped.Select(static p => p.Identifier.ValueText).Concat(typeParameters.Select(static p => p.Identifier.ValueText)).Any(disabledNames.Contains))
        {
            return true;
        }

        if (dropped.Count == 0 && typeParameters.Count == 0)
        {
            return false;
        }

        var lacking = new HashSet<ISymbol?>(
            dropped.Select(p => (ISymbol?)model.GetDeclaredSymbol(p)).Concat(typeParameters.Select(p => (ISymbol?)model.GetDeclaredSymbol(p))),
            SymbolEqualityComparer.Default);
        var removed = dropped.Select(static p => p.Span)
            .Concat(parameters.Take(2).Select(static p => p.Type!.Span))
            .Concat(method.ConstraintClauses.Select(static c => c.Span))
            .ToList();
        if (method.TypeParameterList is { } list)
        {
            removed.Add(list.Span);
        }

        return method.DescendantNodes(descendIntoTrivia: true)
            .OfType<IdentifierNameSyntax>()
            .Where(node => !removed.Any(span => span.Contains(node.Span)))
            .Any(node => lacking.Contains(model.GetSymbolInfo(node).Symbol));
    }

    /// <summary>
    /// The names the text inside <paramref name="method"/> that an <c>#if</c> leaves out in this configuration (and
    /// another one compiles) uses: its identifier tokens (with escapes, <c>\u0061</c>, and verbatim, <c>@a</c>, as their
    /// names), those in the holes of interpolated strings included, and not the words of comments, string or character
    /// literals, which name nothing.
    /// </summary>
    private static HashSet<string> DisabledNames(MethodDeclarationSyntax method)
    {
        var names = new HashSet<string>();
        var options = method.SyntaxTree.Options as CSharpParseOptions;
        foreach (var trivia in method.DescendantTrivia(descendIntoTrivia: true))
        {
            if (trivia.IsKind(SyntaxKind.DisabledTextTrivia) && method.Span.Contains(trivia.Span))
            {
                AddIdentifiers(names, SyntaxFactory.ParseTokens(trivia.ToString(), options: options), options);
            }
        }

        return names;
    }

    /// <summary>Adds the names of the identifier tokens of <paramref name="tokens"/> to <paramref name="names"/>, and those of the holes of its interpolated strings.</summary>
    private static void AddIdentifiers(HashSet<string> names, IEnumerable<SyntaxToken> tokens, CSharpParseOptions? options)
    {
        foreach (var token in tokens)
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                names.Add(token.ValueText);
            }
            else if (token.IsKind(SyntaxKind.InterpolatedStringToken))
            {
                // The lexer gives an interpolated string as one token: the parser reads the holes.
                AddIdentifiers(names, SyntaxFactory.ParseExpression(token.Text, options: options).DescendantTokens(), options);
            }
        }
    }

    /// <summary>
    /// The identifiers <paramref name="method"/> uses in its body, its documentation comment and its constraints, which a
    /// parameter cannot take without changing or breaking what they mean (a local, a lambda's parameter, a member).
    /// </summary>
    private static HashSet<string> UsedNames(MethodDeclarationSyntax method)
        => [.. method.DescendantTokens(descendIntoTrivia: true)
            .Where(token => token.IsKind(SyntaxKind.IdentifierToken) && !method.ParameterList.Span.Contains(token.Span))
            .Select(static token => token.ValueText)];

    /// <summary>
    /// Notes that the parameter at <paramref name="index"/> is renamed <paramref name="target"/>, unless it or the other
    /// parameter the hook keeps has that name, or another name of the generated declaration (swapped names: renaming
    /// would swap what the body does), or the method uses <paramref name="target"/> for something else, or text an
    /// <c>#if</c> leaves out names the parameter (<paramref name="disabledNames"/>: its uses there would not be renamed).
    /// </summary>
    private static void AddRename(
        Dictionary<IParameterSymbol, string> renames,
        SemanticModel model,
        SeparatedSyntaxList<ParameterSyntax> parameters,
        int? index,
        string target,
        HashSet<string> usedNames,
        HashSet<string> disabledNames)
    {
        if (index is { } i
            && parameters[i].Identifier.ValueText is not (OldValue or NewValue)
            && !usedNames.Contains(target)
            && !disabledNames.Contains(parameters[i].Identifier.ValueText)
            && !parameters.Take(2).Any(p => p.Identifier.ValueText == target)
            && model.GetDeclaredSymbol(parameters[i]) is { } parameter)
        {
            renames.Add(parameter, target);
        }
    }

    /// <summary>
    /// The hook's two parameters of <paramref name="type"/>: the old and the new value from <paramref name="list"/> at
    /// <paramref name="oldIndex"/> and <paramref name="newIndex"/> (their names, attributes and layout, without
    /// <c>ref</c>, <c>params</c> or a default value), or new ones named as in the generated declaration; the parameters
    /// after the first two are dropped.
    /// </summary>
    private static SeparatedSyntaxList<ParameterSyntax> HookParameters(ParameterListSyntax list, int? oldIndex, int? newIndex, string type)
    {
        var parameters = list.Parameters;
        var oldValue = oldIndex is { } o ? Retyped(parameters[o], type) : NewParameter(OldValue, type);
        var newValue = newIndex is { } n ? Retyped(parameters[n], type) : NewParameter(NewValue, type);
        if (parameters.Count >= 2)
        {
            return SyntaxFactory.SeparatedList([oldValue, newValue], [parameters.GetSeparator(0)]);
        }

        // One parameter kept: the added one takes its indentation, and a line of its own where the kept one has one.
        if (parameters.Count == 1)
        {
            var indentation = parameters[0].GetLeadingTrivia();
            (oldValue, newValue) = oldIndex is null
                ? (oldValue.WithLeadingTrivia(indentation), newValue)
                : (oldValue, newValue.WithLeadingTrivia(indentation));
        }

        var afterParen = list.OpenParenToken.TrailingTrivia;
        var lineBreak = afterParen.Count > 0 ? afterParen[afterParen.Count - 1] : default;
        var comma = SyntaxFactory.Token(SyntaxKind.CommaToken)
            .WithTrailingTrivia(parameters.Count == 1 && lineBreak.IsKind(SyntaxKind.EndOfLineTrivia) ? lineBreak : SyntaxFactory.Space);
        return SyntaxFactory.SeparatedList([oldValue, newValue], [comma]);
    }

    private static ParameterSyntax Retyped(ParameterSyntax parameter, string type)
    {
        var first = parameter.Modifiers.Count > 0 ? parameter.Modifiers[0] : parameter.Type!.GetFirstToken();
        var identifier = parameter.Default is { } value ? parameter.Identifier.WithTrailingTrivia(value.GetTrailingTrivia()) : parameter.Identifier;
        return parameter
            .WithModifiers(default)
            .WithType(HookType(type).WithLeadingTrivia(first.LeadingTrivia).WithTrailingTrivia(parameter.Type!.GetTrailingTrivia()))
            .WithIdentifier(identifier)
            .WithDefault(null);
    }

    private static ParameterSyntax NewParameter(string name, string type)
        => SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)).WithType(HookType(type).WithTrailingTrivia(SyntaxFactory.Space));

    /// <summary>The parameter type, simplified where the file allows (and without nullable annotations where they are off).</summary>
    private static TypeSyntax HookType(string type) => SyntaxFactory.ParseTypeName(type).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>
    /// The modifiers the generated declaration allows an implementation: <c>partial</c>, and <c>async</c> or <c>unsafe</c>,
    /// which do not change the signature. An access modifier (the declaration has none: CS8799), <c>static</c>,
    /// <c>virtual</c> and the like go; what stood before one (indentation, comments) and a comment after it move to the
    /// modifier after it, which there is: <c>partial</c> comes last.
    /// </summary>
    private static SyntaxTokenList HookModifiers(SyntaxTokenList modifiers)
    {
        var kept = new List<SyntaxToken>();
        var leading = SyntaxFactory.TriviaList();
        foreach (var modifier in modifiers)
        {
            if (modifier.Kind() is SyntaxKind.PartialKeyword or SyntaxKind.AsyncKeyword or SyntaxKind.UnsafeKeyword)
            {
                kept.Add(modifier.WithLeadingTrivia(leading.AddRange(modifier.LeadingTrivia)));
                leading = SyntaxFactory.TriviaList();
            }
            else
            {
                // A comment after it stays too (the space before it goes where what came before ends in one).
                leading = leading.AddRange(modifier.LeadingTrivia);
                if (modifier.TrailingTrivia.Any(static t => !t.IsKind(SyntaxKind.WhitespaceTrivia)))
                {
                    var trailing = modifier.TrailingTrivia.AsEnumerable();
                    if (leading.Count == 0 || leading.Last().IsKind(SyntaxKind.WhitespaceTrivia))
                    {
                        trailing = trailing.SkipWhile(static t => t.IsKind(SyntaxKind.WhitespaceTrivia));
                    }

                    leading = leading.AddRange(trailing);
                }
            }
        }

        return SyntaxFactory.TokenList(kept);
    }
}
