using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1004: a property of an <c>[Audited]</c> class (its own or inherited) that the generator would audit but for
/// its type: a value EF Core and Npgsql map to a column that the audit trail cannot write as text (other structs,
/// arrays and collections of values). Class types and collections of them are navigations or owned types, not
/// values, and are not reported; nor is the key (<c>Id</c>, <c>{Type}Id</c>, <c>[Key]</c>), such as a strongly typed
/// id: the log's EntityKey holds the value its converter stores.
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

        // As the generator does: base class first, and a name already audited is not audited again.
        var audited = new HashSet<string>();
        var seen = new HashSet<string>();
        foreach (var property in AuditedProperties.BaseFirst(type).SelectMany(static t => t.GetMembers().OfType<IPropertySymbol>()))
        {
            if (!AuditedProperties.IsCandidate(property))
            {
                continue;
            }

            var first = seen.Add(property.Name);
            if (AuditValueTypes.IsSupported(property.Type))
            {
                audited.Add(property.Name);
            }
            else if (audited.Contains(property.Name) || property.Locations.FirstOrDefault(static l => l.IsInSource) is not { } location)
            {
                continue;
            }
            else if (!AuditedProperties.IsKeyByConvention(property, property.ContainingType) && IsValueColumn(property.Type, enumerable))
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
            else if (first
                     && AuditingSymbols.ElementType(property.Type, enumerable) is INamedTypeSymbol element
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

    /// <summary>
    /// True for types EF Core and Npgsql map to a column of values: structs (the supported ones aside), and arrays
    /// or collections whose elements the audit could write one by one (<c>int[]</c>, <c>List&lt;string&gt;</c>).
    /// </summary>
    private static bool IsValueColumn(ITypeSymbol type, INamedTypeSymbol enumerable)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type.TypeKind == TypeKind.Struct)
        {
            return true;
        }

        return AuditingSymbols.ElementType(type, enumerable) is { } element && AuditValueTypes.IsSupported(element);
    }
}
