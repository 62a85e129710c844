using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Tracking;

namespace ServerTools.Analyzers.CodeFixes.Tracking;

/// <summary>
/// Fixes ST2002 on an implementation with no definition by rewriting its declaration into the hook the generator
/// declares: the hook's name (for a misspelt property), no access modifier, <c>static</c> or type parameters, and two
/// parameters of the property's type named <c>oldValue</c> and <c>newValue</c> as in the generated declaration. Two
/// parameters are the old and the new value (of more, the first two, when the method uses none of the others), one is
/// the new value; they are renamed with their uses in the body, and a member name a use gave by inference is written
/// out (<c>new { a = oldValue }</c>), unless the body uses the new name for something else, a parameter has the other
/// one's name, text an <c>#if</c> leaves out names it, or its inferred tuple element name cannot be written out (then
/// they keep theirs, and the compiler warns, CS8826). The body is left as it is otherwise. No fix for a method that uses
/// a type parameter or a parameter the hook does not have. The analyzer offers the fix only for a method that returns
/// nothing.
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
    /// null when a parameter it has to add would take a name the body uses for something else, or when the method uses a
    /// parameter or type parameter the hook does not have.
    /// </summary>
    private static MethodDeclarationSyntax? Fix(MethodDeclarationSyntax method, string name, string type, SemanticModel model)
    {
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

        // A use that names a tuple element by inference keeps naming it: written out (a: oldValue) where that is sure to
        // mean the same; where it is not, the parameter keeps its name.
        var named = new List<SyntaxNode>();
        foreach (var (node, symbol) in uses)
        {
            switch (InferredMemberName(node, model))
            {
                case InferredName.Writable:
                    named.Add(node.Parent!);
                    break;
                case InferredName.Unwritable:
                    renames.Remove(symbol!);
                    break;
            }
        }

        uses.RemoveAll(use => !renames.ContainsKey(use.Symbol!));
        named.RemoveAll(node => !uses.Any(use => use.Node.Parent == node));
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

    /// <summary>Whether a parameter's use names a member by inference, and whether that name can be written out.</summary>
    private enum InferredName
    {
        /// <summary>It names nothing: renamed, it means the same.</summary>
        None,

        /// <summary>An anonymous type's member (<c>new { a }</c>), or a tuple element whose name is written out the same (<c>(a: oldValue, b)</c>).</summary>
        Writable,

        /// <summary>A tuple element whose name the target type replaces (written out, it would warn: CS8123) or a deconstruction's.</summary>
        Unwritable,
    }

    /// <summary>
    /// Whether <paramref name="use"/>, a parameter's name, gives a member its name: an anonymous type's member with no
    /// name of its own (<c>new { a }</c>, always written out as <c>a = oldValue</c>), or an element of a tuple with no name
    /// of its own that it names (<c>(a, b)</c>; not when the name is dropped, as for a duplicate): written out where the
    /// tuple keeps its own type, else the parameter is not renamed.
    /// </summary>
    private static InferredName InferredMemberName(IdentifierNameSyntax use, SemanticModel model)
    {
        switch (use.Parent)
        {
            case AnonymousObjectMemberDeclaratorSyntax { NameEquals: null }:
                return InferredName.Writable;
            case ArgumentSyntax { NameColon: null, Parent: TupleExpressionSyntax tuple } argument:
                var info = model.GetTypeInfo(tuple);
                var index = tuple.Arguments.IndexOf(argument);
                if (info.Type is not INamedTypeSymbol { IsTupleType: true } natural || natural.TupleElements[index].Name != use.Identifier.ValueText)
                {
                    return InferredName.None;
                }

                var deconstructed = tuple.AncestorsAndSelf().TakeWhile(static node => node is TupleExpressionSyntax or ArgumentSyntax).Last().Parent
                    is AssignmentExpressionSyntax or ForEachVariableStatementSyntax;
                return !deconstructed
                       && info.ConvertedType is INamedTypeSymbol { IsTupleType: true } converted
                       && converted.TupleElements.Select(static e => e.Name).SequenceEqual(natural.TupleElements.Select(static e => e.Name))
                    ? InferredName.Writable
                    : InferredName.Unwritable;
            default:
                return InferredName.None;
        }
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
    /// The words of the text inside <paramref name="method"/> that an <c>#if</c> leaves out in this configuration (and
    /// another one compiles): every run of letters, digits and underscores, and the identifiers the text holds (with
    /// escapes, <c>\u0061</c>), so that no name it could use is missed.
    /// </summary>
    private static HashSet<string> DisabledNames(MethodDeclarationSyntax method)
    {
        var names = new HashSet<string>();
        foreach (var trivia in method.DescendantTrivia(descendIntoTrivia: true))
        {
            if (trivia.IsKind(SyntaxKind.DisabledTextTrivia) && method.Span.Contains(trivia.Span))
            {
                var text = trivia.ToString();
                names.UnionWith(SyntaxFactory.ParseTokens(text).Where(static t => t.IsKind(SyntaxKind.IdentifierToken)).Select(static t => t.ValueText));
                names.UnionWith(Regex.Split(text, @"[^\p{L}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\p{Cf}]+").Where(static word => word.Length > 0));
            }
        }

        return names;
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
