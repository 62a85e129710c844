using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes ST5002 when the class says which entity it checks: it declares exactly one public instance method
/// <c>bool Applies(TEntity entity)</c>, with TEntity a class or an interface. Then <c>IExceptionRule&lt;TEntity&gt;</c>
/// is added to its base list and that method implements it. A class without such a method, or with several, has no
/// fix: the entity would be a guess.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ImplementRuleInterfaceCodeFixProvider))]
[Shared]
public sealed class ImplementRuleInterfaceCodeFixProvider : DiagnosticCodeFixProvider
{
    private const string EquivalenceKey = "ServerTools.ImplementRuleInterface";

    /// <summary>Creates the provider.</summary>
    public ImplementRuleInterfaceCodeFixProvider()
        : base(DiagnosticDescriptors.RuleWithoutInterface)
    {
    }

    /// <inheritdoc />
    protected override bool UsesSemanticModel => true;

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
            || model?.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } type
            || Entity(type) is not { } entity)
        {
            return;
        }

        var name = entity.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        RegisterFix(context, diagnostic, $"Implement IExceptionRule<{name}>", EquivalenceKey, declaration, (root, node) => root.ReplaceNode(node, AddInterface(node, entity)));
    }

    /// <summary>The T of the one public <c>bool Applies(T)</c> of <paramref name="type"/>, when T is a class or an interface.</summary>
    private static ITypeSymbol? Entity(INamedTypeSymbol type)
    {
        var candidates = type.GetMembers("Applies").OfType<IMethodSymbol>()
            .Where(static method => method is { IsStatic: false, IsGenericMethod: false, DeclaredAccessibility: Accessibility.Public, Parameters.Length: 1 }
                                    && method.ReturnType.SpecialType == SpecialType.System_Boolean
                                    && method.Parameters[0].RefKind == RefKind.None)
            .ToList();
        return candidates.Count == 1
               && candidates[0].Parameters[0].Type is { TypeKind: TypeKind.Class or TypeKind.Interface } entity
               && entity.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected)
            ? entity.WithNullableAnnotation(NullableAnnotation.NotAnnotated)
            : null;
    }

    /// <summary>
    /// Adds <c>IExceptionRule&lt;T&gt;</c> last in the base list, written fully qualified and shortened by the simplifier;
    /// a class without a base list gets one, before the line break that ended its header (after a primary constructor's parameters).
    /// </summary>
    private static TypeDeclarationSyntax AddInterface(TypeDeclarationSyntax declaration, ITypeSymbol entity)
    {
        var type = SyntaxFactory.SimpleBaseType(
            SyntaxFactory.ParseTypeName($"global::ServerTools.IExceptionRule<{entity.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}>")
                .WithAdditionalAnnotations(Simplifier.Annotation));
        if (declaration.BaseList is { } baseList)
        {
            var last = baseList.Types.Last();
            var types = baseList.Types.Replace(last, last.WithoutTrailingTrivia())
                .Add(type.WithTrailingTrivia(last.GetTrailingTrivia()));
            return declaration.WithBaseList(baseList.WithTypes(types));
        }

        // The header ends at the primary constructor's parameters, the type parameters or the name; the base list goes
        // right after them.
        var end = declaration.ParameterList?.GetLastToken() ?? declaration.TypeParameterList?.GetLastToken() ?? declaration.Identifier;
        var newList = SyntaxFactory.BaseList(SyntaxFactory.SingletonSeparatedList<BaseTypeSyntax>(type.WithTrailingTrivia(end.TrailingTrivia)))
            .WithColonToken(SyntaxFactory.Token(SyntaxKind.ColonToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space));
        return declaration.ReplaceToken(end, end.WithTrailingTrivia()).WithBaseList(newList);
    }
}
