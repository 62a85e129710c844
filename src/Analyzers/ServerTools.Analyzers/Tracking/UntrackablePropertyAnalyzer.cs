using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2003: <c>[Tracked]</c> on a property whose type the tracking cannot compare and write as one value (the audit's
/// <see cref="AuditValueTypes"/>): a navigation to another entity, an owned type, a collection, another struct. The
/// property is left out of the tracked fields. The message says what to track instead: the foreign key of a
/// reference navigation, the fields of the related type.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UntrackablePropertyAnalyzer : DiagnosticAnalyzer
{
    /// <summary>
    /// The diagnostic property set when removing <c>[Tracked]</c> is the only repair: the type is no object whose fields
    /// could be tracked instead (the code fix removes the attribute).
    /// </summary>
    internal const string RemoveTrackedProperty = "RemoveTracked";

    private const string RemoveTracked = "remove [Tracked]";

    private static readonly ImmutableDictionary<string, string?> s_removeTracked =
        ImmutableDictionary<string, string?>.Empty.Add(RemoveTrackedProperty, "true");

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.UntrackableProperty];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start => LazySymbols.RegisterSymbolAction(start, TrackingSymbols.From, Analyze, SymbolKind.Property));
    }

    private static void Analyze(SymbolAnalysisContext context, TrackingSymbols symbols)
    {
        var property = (IPropertySymbol)context.Symbol;
        if (TrackedProperties.IsTrackable(property) || symbols.Find(property)?.ApplicationSyntaxReference is not { } attribute)
        {
            return;
        }

        var instead = Instead(property, symbols);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UntrackableProperty,
            attribute.GetSyntax(context.CancellationToken).GetLocation(),
            instead == RemoveTracked ? s_removeTracked : null,
            property.Name,
            property.Type.ToDisplayString(s_typeFormat),
            instead));
    }

    /// <summary>What to track instead of <paramref name="property"/>.</summary>
    private static string Instead(IPropertySymbol property, TrackingSymbols symbols)
    {
        var type = property.Type;
        if (AuditValueTypes.ElementType(type) is { } element)
        {
            return IsObject(element)
                ? $"mark the fields of '{element.Name}' [Tracked] on that type instead"
                : RemoveTracked;
        }

        if (!IsObject(type))
        {
            return RemoveTracked;
        }

        if (AuditedProperties.ValueObject(type) is not null)
        {
            return $"mark the fields of '{type.Name}' [Tracked] on that type instead";
        }

        var related = $"mark the fields of '{type.Name}' [Tracked] on that entity";
        var foreignKey = property.Name + "Id";
        if (!AuditedProperties.BaseFirst(property.ContainingType).Any(t => t.GetMembers(foreignKey).OfType<IPropertySymbol>().Any()))
        {
            return $"track a foreign-key property such as '{foreignKey}' instead, or {related}";
        }

        return symbols.TrackedFields(property.ContainingType).Any(field => field.Name == foreignKey)
            ? $"its foreign key '{foreignKey}' is tracked already; remove [Tracked], or {related}"
            : $"track its foreign key '{foreignKey}' instead, or {related}";
    }

    /// <summary>A class or interface that is not a collection: an entity, owned or complex type, reached through a navigation.</summary>
    private static bool IsObject(ITypeSymbol type)
        => type.TypeKind is TypeKind.Class or TypeKind.Interface
           && type.SpecialType == SpecialType.None
           && !type.AllInterfaces.Any(static i => i.SpecialType == SpecialType.System_Collections_IEnumerable);
}
