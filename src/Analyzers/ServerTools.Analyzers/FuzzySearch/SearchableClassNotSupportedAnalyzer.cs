using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ServerTools.Shared;

namespace ServerTools.Analyzers.FuzzySearch;

/// <summary>
/// ST3006: a searchable class (marked <c>[FuzzySearchable]</c>, or declaring a property marked so) whose FuzzySearch
/// extensions cannot be generated: the extension class is emitted at namespace level for <c>IQueryable&lt;Entity&gt;</c>,
/// so it cannot name a class that is generic or nested in a generic type, nor one that it or a type containing it
/// makes private or protected. Reported at the type parameter list or the accessibility modifiers at fault (the name
/// of a nested type that is private by default). A generic class that only marks properties is a base class whose
/// fields its derived entities search, and is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SearchableClassNotSupportedAnalyzer : SearchableClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.SearchableClassNotSupported];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, FuzzySearchSymbols symbols)
    {
        var marked = symbols.Find(type) is not null;
        for (var current = type; current is not null; current = current.ContainingType)
        {
            var self = SymbolEqualityComparer.Default.Equals(current, type);
            var where = self ? "it is" : $"it is nested in '{current.Name}', which is";
            if (!current.TypeParameters.IsEmpty && (marked || !self) && TypeParameterList(current, context) is { } typeParameters)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.SearchableClassNotSupported,
                    typeParameters.GetLocation(),
                    type.Name,
                    self
                        ? $"it is generic, and the extensions are written for one entity type; mark a non-generic entity class [FuzzySearchable] "
                          + $"instead (a class derived from '{type.Name}' also searches the properties marked here)"
                        : $"{where} generic, and the extensions are written for one entity type; declare '{type.Name}' outside '{current.Name}'"));
            }

            if (ClassReach.Hidden(current.DeclaredAccessibility) is { } accessibility)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.SearchableClassNotSupported,
                    AccessibilityLocation(current, context),
                    type.Name,
                    $"{where} {accessibility}, and the extensions are generated in a static class at namespace level, which cannot see it; "
                    + $"make '{current.Name}' internal or public"));
            }
        }
    }

    private static TypeParameterListSyntax? TypeParameterList(INamedTypeSymbol type, SymbolAnalysisContext context)
        => Declarations(type, context).Select(static declaration => declaration.TypeParameterList).FirstOrDefault(static list => list is not null);

    /// <summary>The accessibility modifiers of <paramref name="type"/> (<c>private protected</c> as one span), else its name.</summary>
    private static Location AccessibilityLocation(INamedTypeSymbol type, SymbolAnalysisContext context)
    {
        foreach (var declaration in Declarations(type, context))
        {
            var modifiers = declaration.Modifiers
                .Where(static modifier => modifier.IsKind(SyntaxKind.PrivateKeyword) || modifier.IsKind(SyntaxKind.ProtectedKeyword))
                .ToList();
            if (modifiers.Count > 0)
            {
                return Location.Create(declaration.SyntaxTree, TextSpan.FromBounds(modifiers[0].SpanStart, modifiers[modifiers.Count - 1].Span.End));
            }
        }

        return type.Locations[0];
    }

    private static IEnumerable<TypeDeclarationSyntax> Declarations(INamedTypeSymbol type, SymbolAnalysisContext context)
        => type.DeclaringSyntaxReferences
            .Select(reference => reference.GetSyntax(context.CancellationToken))
            .OfType<TypeDeclarationSyntax>();
}
