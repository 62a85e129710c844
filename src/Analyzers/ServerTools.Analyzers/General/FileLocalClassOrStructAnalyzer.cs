using System.Collections.Generic;
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
/// ST0003: a type that the generators write no code for, although it carries a feature's attribute:
/// <list type="bullet">
/// <item>a class marked <c>[Audited]</c>, <c>[Tracked]</c>, <c>[TimeWindowed]</c> or <c>[FuzzySearchable]</c>, or declaring a
/// property marked <c>[Tracked]</c> or <c>[FuzzySearchable]</c>, that is file-local or nested in a file-local type
/// (<see cref="FileLocalTypes"/>): reported once per class, at the <c>file</c> modifier;</item>
/// <item>a struct (a record struct too) that declares a property marked <c>[Tracked]</c> or <c>[FuzzySearchable]</c>: EF Core
/// maps no struct as an entity. Reported at each such attribute.</item>
/// </list>
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FileLocalClassOrStructAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The attributes that mark a class for a feature (<see cref="IsPropertyAttribute"/>: some may mark its properties instead).</summary>
    private static readonly string[] s_classAttributes = [AttributeNames.Audited, AttributeNames.Tracked, AttributeNames.TimeWindowed, AttributeNames.FuzzySearchable];

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.FileLocalClassOrStructNotGenerated];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var attributes = LazySymbols.Of(start.Compilation, static compilation => s_classAttributes
                .Select(compilation.GetTypeByMetadataName)
                .Where(static symbol => symbol is not null)
                .Select(static symbol => symbol!)
                .ToImmutableArray());
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (!attributes.Value.IsEmpty)
                    {
                        Analyze(symbolContext, attributes.Value);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ImmutableArray<INamedTypeSymbol> attributes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind == TypeKind.Struct)
        {
            ReportStruct(context, type, attributes);
            return;
        }

        if (type.TypeKind != TypeKind.Class || FileLocalTypes.Find(type) is not { } fileLocal)
        {
            return;
        }

        var used = new List<string>();
        foreach (var attribute in attributes)
        {
            var onProperty = IsPropertyAttribute(attribute)
                             && type.GetMembers().Any(member => member is IPropertySymbol && Find(member, attribute) is not null);
            if (Find(type, attribute) is not null || onProperty)
            {
                used.Add("[" + ShortName(attribute) + "]");
            }
        }

        if (used.Count == 0 || FileModifier(fileLocal, context) is not { } modifier)
        {
            return;
        }

        var where = SymbolEqualityComparer.Default.Equals(fileLocal, type) ? "it is" : $"it is nested in '{fileLocal.Name}', which is";
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.FileLocalClassOrStructNotGenerated,
            modifier.GetLocation(),
            Join(used),
            type.Name,
            $"{where} file-local, and the generated code is in a file of its own, which cannot see it; "
            + $"make '{fileLocal.Name}' internal instead of 'file'"));
    }

    /// <summary>Reports each <c>[Tracked]</c> or <c>[FuzzySearchable]</c> on a property that <paramref name="type"/>, a struct, declares.</summary>
    private static void ReportStruct(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<INamedTypeSymbol> attributes)
    {
        var kind = type.IsRecord ? "a record struct" : "a struct";
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            foreach (var attribute in attributes)
            {
                if (IsPropertyAttribute(attribute)
                    && Find(property, attribute)?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is { } syntax)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.FileLocalClassOrStructNotGenerated,
                        syntax.GetLocation(),
                        "[" + ShortName(attribute) + "]",
                        type.Name + "." + property.Name,
                        $"'{type.Name}' is {kind}, and EF Core maps classes, not structs, as entities; "
                        + (type.IsRecord ? $"declare '{type.Name}' a record class ('record {type.Name}')" : $"declare '{type.Name}' a class")
                        + ", or mark the property of the entity instead"));
                }
            }
        }
    }

    private static AttributeData? Find(ISymbol symbol, INamedTypeSymbol attribute)
        => symbol.GetAttributes().FirstOrDefault(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute));

    /// <summary>The <c>file</c> modifier of the first declaration of <paramref name="type"/> that has one.</summary>
    private static SyntaxToken? FileModifier(INamedTypeSymbol type, SymbolAnalysisContext context)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration)
            {
                foreach (var modifier in declaration.Modifiers)
                {
                    if (modifier.IsKind(SyntaxKind.FileKeyword))
                    {
                        return modifier;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="attribute"/> may mark properties instead of the class: <c>[Tracked]</c> or <c>[FuzzySearchable]</c>.</summary>
    private static bool IsPropertyAttribute(INamedTypeSymbol attribute)
        => MetadataNames.Is(attribute, AttributeNames.Tracked) || MetadataNames.Is(attribute, AttributeNames.FuzzySearchable);

    private static string ShortName(INamedTypeSymbol attribute)
        => attribute.Name.EndsWith("Attribute", System.StringComparison.Ordinal)
            ? attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length)
            : attribute.Name;

    /// <summary><c>[Audited]</c>, <c>[Audited] and [Tracked]</c>, <c>[Audited], [Tracked] and [TimeWindowed]</c>.</summary>
    private static string Join(List<string> names)
        => names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1];
}
