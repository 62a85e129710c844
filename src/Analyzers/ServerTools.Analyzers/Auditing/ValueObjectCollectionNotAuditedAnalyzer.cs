using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1006: a collection property of an <c>[Audited]</c> class (its own or inherited) whose elements are value objects
/// (<see cref="AuditedProperties.ValueObject"/>: a class with no key EF Core would find, or one marked <c>[Owned]</c>
/// or <c>[ComplexType]</c>), which EF Core maps as an owned collection (<c>OwnsMany</c>) or a complex collection
/// (<c>ComplexCollection</c>). The audit trail logs neither in the owner's log, and an owned element only when its class
/// is <c>[Audited]</c>: without this warning, their changes would be left out silently.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ValueObjectCollectionNotAuditedAnalyzer : DiagnosticAnalyzer
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.ValueObjectCollectionNotAudited];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (AuditingSymbols.From(start.Compilation) is not { } symbols)
            {
                return;
            }

            var enumerable = start.Compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
            // Two audited classes may inherit the same base property: report it once.
            var reported = new ConcurrentDictionary<IPropertySymbol, bool>(SymbolEqualityComparer.Default);
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, symbols, enumerable, reported), SymbolKind.NamedType);
        });
    }

    private static void Analyze(
        SymbolAnalysisContext context,
        AuditingSymbols symbols,
        INamedTypeSymbol enumerable,
        ConcurrentDictionary<IPropertySymbol, bool> reported)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !symbols.IsAudited(type))
        {
            return;
        }

        var seen = new HashSet<string>();
        foreach (var property in AuditedProperties.BaseFirst(type).SelectMany(static t => t.GetMembers().OfType<IPropertySymbol>()))
        {
            if (!AuditedProperties.IsCandidate(property)
                || !seen.Add(property.Name)
                || AuditValueTypes.IsSupported(property.Type)
                || AuditingSymbols.ElementType(property.Type, enumerable) is not INamedTypeSymbol element
                || AuditedProperties.ValueObject(element) is null
                || symbols.IsAudited(element)
                || property.Locations.FirstOrDefault(static l => l.IsInSource) is not { } location
                || !reported.TryAdd(property.OriginalDefinition, true))
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ValueObjectCollectionNotAudited,
                location,
                property.Name,
                property.Type.ToDisplayString(s_typeFormat),
                element.Name));
        }
    }
}
