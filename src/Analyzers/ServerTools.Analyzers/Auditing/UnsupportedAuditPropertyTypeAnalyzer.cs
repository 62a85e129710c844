using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1004: a property of an <c>[Audited]</c> class (its own or inherited) that the audit trail cannot write whatever the
/// model says (<see cref="AuditValueTypes.HasNoText"/>): one of Npgsql's own value types without an invariant text
/// (<c>NpgsqlRange&lt;T&gt;</c>, <c>NpgsqlPoint</c>, ...), alone or as the elements of an array or collection. Other
/// structs, arrays and collections of values are logged as the model maps them (the value a converter stores, a
/// primitive collection as a JSON array, an <c>IFormattable</c> value by its invariant text), so they are not reported.
/// Nor is the key (<c>Id</c>, <c>{Type}Id</c>, <c>[Key]</c>): the log's EntityKey holds it.
/// <para>ST1006, in the same pass over the properties: a collection whose elements are value objects
/// (<see cref="AuditedProperties.ValueObject"/>: a class with no key EF Core would find, or one marked <c>[Owned]</c>
/// or <c>[ComplexType]</c>), which EF Core maps as an owned collection (<c>OwnsMany</c>) or a complex collection
/// (<c>ComplexCollection</c>). The audit trail logs neither in the owner's log, and an owned element only when its class
/// is <c>[Audited]</c>: without this warning, their changes would be left out silently.</para>
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnsupportedAuditPropertyTypeAnalyzer : DiagnosticAnalyzer
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.UnsupportedAuditPropertyType, DiagnosticDescriptors.ValueObjectCollectionNotAudited];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, AuditingSymbols.From);

            // Two audited classes may inherit the same base property: report it once.
            var reported = new ConcurrentDictionary<IPropertySymbol, bool>(SymbolEqualityComparer.Default);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbols.Value is { } resolved)
                    {
                        Analyze(symbolContext, resolved, reported);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    private static void Analyze(
        SymbolAnalysisContext context,
        AuditingSymbols symbols,
        ConcurrentDictionary<IPropertySymbol, bool> reported)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !symbols.IsAudited(type))
        {
            return;
        }

        // As the generator does: each name once, as its most derived declaration, unless a declaration is [AuditIgnore].
        foreach (var mapped in AuditedProperties.Mapped(type))
        {
            var property = mapped.Symbol;
            if (mapped.IsIgnored
                || AuditValueTypes.IsSupported(property.Type)
                || AuditedProperties.IsModelField(property)
                || SourceLocations.In(property, context.Compilation) is not { } location)
            {
                continue;
            }

            if (AuditValueTypes.HasNoText(property.Type) && !AuditedProperties.IsKeyByConvention(property, property.ContainingType))
            {
                if (reported.TryAdd(property.OriginalDefinition, true))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.UnsupportedAuditPropertyType,
                        location,
                        property.Name,
                        property.Type.ToDisplayString(s_typeFormat)));
                }
            }
            else if (AuditValueTypes.ElementType(property.Type) is INamedTypeSymbol element
                     && AuditedProperties.ValueObject(element) is not null
                     && !symbols.IsAudited(element)
                     && reported.TryAdd(property.OriginalDefinition, true))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ValueObjectCollectionNotAudited,
                    location,
                    property.Name,
                    property.Type.ToDisplayString(s_typeFormat),
                    element.Name));
            }
        }
    }
}
