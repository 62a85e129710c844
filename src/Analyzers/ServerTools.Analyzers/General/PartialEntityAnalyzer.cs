using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.General;

/// <summary>
/// ST0001: a class marked with a ServerTools attribute, and every type that contains it, must be
/// <c>partial</c>, or the generators cannot add its members. So must a class that is not marked but declares a
/// property marked <c>[Tracked]</c>: the tracking generator adds the hooks of those properties to it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PartialEntityAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.TypeMustBePartial];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var attributes = LazySymbols.Of(start.Compilation, static compilation => AttributeNames.EntityAttributes
                .Select(compilation.GetTypeByMetadataName)
                .Where(static symbol => symbol is not null)
                .ToImmutableArray());
            var tracked = LazySymbols.Of(start.Compilation, static compilation => compilation.GetTypeByMetadataName(AttributeNames.Tracked));
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (!attributes.Value.IsEmpty)
                    {
                        Analyze(symbolContext, attributes.Value!, tracked.Value);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ImmutableArray<INamedTypeSymbol> attributes, INamedTypeSymbol? tracked)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes()
            .Select(static data => data.AttributeClass)
            .FirstOrDefault(attributeClass => attributeClass is not null && attributes.Contains(attributeClass, SymbolEqualityComparer.Default));
        var target = type.Name;
        if (attribute is null && type.TypeKind == TypeKind.Class && TrackedProperty(type, tracked) is { } property)
        {
            attribute = tracked;
            target = type.Name + "." + property.Name;
        }

        if (attribute is null)
        {
            return;
        }

        var attributeName = attribute.Name.EndsWith("Attribute", System.StringComparison.Ordinal)
            ? attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length)
            : attribute.Name;
        for (var current = type; current is not null; current = current.ContainingType)
        {
            var declarations = current.DeclaringSyntaxReferences
                .Select(reference => reference.GetSyntax(context.CancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .ToList();
            var notPartial = declarations.FirstOrDefault(static d => !d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (notPartial is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TypeMustBePartial,
                    notPartial.Identifier.GetLocation(),
                    current.Name,
                    attributeName,
                    target));
            }
        }
    }

    /// <summary>The first property <paramref name="type"/> declares that is marked <c>[Tracked]</c>, if any.</summary>
    private static IPropertySymbol? TrackedProperty(INamedTypeSymbol type, INamedTypeSymbol? tracked)
        => tracked is null
            ? null
            : type.GetMembers()
                .OfType<IPropertySymbol>()
                .FirstOrDefault(property => property.GetAttributes().Any(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, tracked)));
}
