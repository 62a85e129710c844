using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using ServerTools.Analyzers.Tracking;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.Tracking;

/// <summary>
/// Fixes ST2002 on an implementation with no definition by rewriting its declaration into the hook the generator
/// declares: the hook's name (for a misspelt property), <c>void</c>, no <c>static</c> or type parameters, and two
/// parameters of the property's type. Two parameters keep their names, so the body still binds; otherwise they are
/// <c>oldValue</c> and <c>newValue</c>. The body is left as it is.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MatchChangeHookCodeFixProvider))]
[Shared]
public sealed class MatchChangeHookCodeFixProvider : DiagnosticCodeFixProvider
{
    private const string EquivalenceKey = "ServerTools.MatchChangeHook";

    /// <summary>Creates the provider.</summary>
    public MatchChangeHookCodeFixProvider()
        : base(DiagnosticDescriptors.ChangeHookMismatch)
    {
    }

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.TryGetValue(ChangeHookMismatchAnalyzer.HookNameProperty, out var name) && name is not null
            && diagnostic.Properties.TryGetValue(ChangeHookMismatchAnalyzer.HookTypeProperty, out var type) && type is not null
            && root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is MethodDeclarationSyntax method)
        {
            RegisterNewRoot(context, diagnostic, $"Declare as the change hook '{name}'", EquivalenceKey, () => root.ReplaceNode(method, Fix(method, name, type)));
        }
    }

    private static MethodDeclarationSyntax Fix(MethodDeclarationSyntax method, string name, string type)
    {
        var parameters = method.ParameterList.Parameters;
        var (oldValue, newValue) = parameters.Count == 2
            ? (parameters[0].Identifier.ValueText, parameters[1].Identifier.ValueText)
            : ("oldValue", "newValue");
        var parameterList = SyntaxFactory.ParseParameterList($"({type} {oldValue}, {type} {newValue})");
        parameterList = parameterList
            .ReplaceNodes(parameterList.Parameters.Select(static p => p.Type!), static (_, node) => node.WithAdditionalAnnotations(Simplifier.Annotation))
            .WithTriviaFrom(method.ParameterList);

        return method
            .WithModifiers(WithoutStatic(method.Modifiers))
            .WithReturnType(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.VoidKeyword)).WithTriviaFrom(method.ReturnType))
            .WithIdentifier(SyntaxFactory.Identifier(name).WithTriviaFrom(method.Identifier))
            .WithTypeParameterList(null)
            .WithConstraintClauses(default)
            .WithParameterList(parameterList);
    }

    /// <summary>
    /// The modifiers without <c>static</c>; what stood before it (indentation, comments) moves to the modifier after it,
    /// which there is: <c>partial</c> comes last.
    /// </summary>
    private static SyntaxTokenList WithoutStatic(SyntaxTokenList modifiers)
    {
        var index = modifiers.IndexOf(SyntaxKind.StaticKeyword);
        if (index < 0 || index == modifiers.Count - 1)
        {
            return modifiers;
        }

        var next = modifiers[index + 1];
        return modifiers
            .Replace(next, next.WithLeadingTrivia(modifiers[index].LeadingTrivia.AddRange(next.LeadingTrivia)))
            .RemoveAt(index);
    }
}
