using System.Collections.Generic;
using System.Composition;
using System.Linq;
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
/// parameters are the old and the new value, one is the new value; they are renamed with their uses in the body, unless
/// the body uses the new name for something else or a parameter has the other one's name (then they keep theirs, and
/// the compiler warns, CS8826). The body is left as it is otherwise. The analyzer offers the fix only for a method that
/// returns nothing.
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
    /// null when a parameter it has to add would take a name the body uses for something else.
    /// </summary>
    private static MethodDeclarationSyntax? Fix(MethodDeclarationSyntax method, string name, string type, SemanticModel model)
    {
        var parameters = method.ParameterList.Parameters;
        int? oldIndex = null, newIndex = null;
        if (parameters.Count == 2)
        {
            (oldIndex, newIndex) = (0, 1);
        }
        else if (parameters.Count == 1)
        {
            // One parameter is the new value, unless it says it is the old one.
            (oldIndex, newIndex) = parameters[0].Identifier.ValueText == OldValue ? ((int?)0, (int?)null) : (null, 0);
        }

        var usedNames = UsedNames(method);
        if ((oldIndex is null && usedNames.Contains(OldValue)) || (newIndex is null && usedNames.Contains(NewValue)))
        {
            return null;
        }

        // Renamed first, while the semantic model still knows the method's nodes; the signature is rewritten after.
        var renames = new Dictionary<IParameterSymbol, string>(SymbolEqualityComparer.Default);
        AddRename(renames, model, parameters, oldIndex, OldValue, usedNames);
        AddRename(renames, model, parameters, newIndex, NewValue, usedNames);
        var references = method.DescendantNodes(descendIntoTrivia: true)
            .OfType<IdentifierNameSyntax>()
            .Select(node => (Token: node.Identifier, Symbol: model.GetSymbolInfo(node).Symbol))
            .Concat(parameters.Select(p => (Token: p.Identifier, Symbol: (ISymbol?)model.GetDeclaredSymbol(p))))
            .Where(reference => reference.Symbol is IParameterSymbol parameter && renames.ContainsKey(parameter))
            .ToDictionary(static reference => reference.Token, reference => renames[(IParameterSymbol)reference.Symbol!]);
        var renamed = method.ReplaceTokens(
            references.Keys,
            (original, _) => SyntaxFactory.Identifier(original.LeadingTrivia, references[original], original.TrailingTrivia));

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

    /// <summary>
    /// The identifiers <paramref name="method"/> uses in its body, its documentation comment and its constraints, which a
    /// parameter cannot take without changing or breaking what they mean (a local, a lambda's parameter, a member).
    /// </summary>
    private static HashSet<string> UsedNames(MethodDeclarationSyntax method)
        => [.. method.DescendantTokens(descendIntoTrivia: true)
            .Where(token => token.IsKind(SyntaxKind.IdentifierToken) && !method.ParameterList.Span.Contains(token.Span))
            .Select(static token => token.ValueText)];

    /// <summary>
    /// Notes that the parameter at <paramref name="index"/> is renamed <paramref name="target"/>, unless it has that name,
    /// or another name of the generated declaration (swapped names: renaming would swap what the body does), or the
    /// method uses <paramref name="target"/> for something else.
    /// </summary>
    private static void AddRename(
        Dictionary<IParameterSymbol, string> renames, SemanticModel model, SeparatedSyntaxList<ParameterSyntax> parameters, int? index, string target, HashSet<string> usedNames)
    {
        if (index is { } i
            && parameters[i].Identifier.ValueText is not (OldValue or NewValue)
            && !usedNames.Contains(target)
            && !parameters.Any(p => p.Identifier.ValueText == target)
            && model.GetDeclaredSymbol(parameters[i]) is { } parameter)
        {
            renames.Add(parameter, target);
        }
    }

    /// <summary>
    /// The hook's two parameters of <paramref name="type"/>: the old and the new value from <paramref name="list"/> at
    /// <paramref name="oldIndex"/> and <paramref name="newIndex"/> (their names, attributes and layout, without
    /// <c>ref</c>, <c>params</c> or a default value), or new ones named as in the generated declaration.
    /// </summary>
    private static SeparatedSyntaxList<ParameterSyntax> HookParameters(ParameterListSyntax list, int? oldIndex, int? newIndex, string type)
    {
        var parameters = list.Parameters;
        var oldValue = oldIndex is { } o ? Retyped(parameters[o], type) : NewParameter(OldValue, type);
        var newValue = newIndex is { } n ? Retyped(parameters[n], type) : NewParameter(NewValue, type);
        if (parameters.Count == 2)
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
    /// <c>virtual</c> and the like go; what stood before one (indentation, comments) moves to the modifier after it, which
    /// there is: <c>partial</c> comes last.
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
                leading = leading.AddRange(modifier.LeadingTrivia);
            }
        }

        return SyntaxFactory.TokenList(kept);
    }
}
