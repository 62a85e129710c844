using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2003: <c>[Tracked]</c> on a property that tracking leaves out of the tracked fields. Either EF Core does not map it
/// (<see cref="AuditedProperties.Mapped"/>): it is static, an indexer, an explicit interface implementation,
/// <c>[NotMapped]</c>, has no public getter, or has no setter (a computed or get-only property); or its type is one the
/// tracking cannot compare and write as one value (the audit's <see cref="AuditValueTypes"/>): a navigation to another
/// entity, an owned type, a collection, another struct. The message says why, and what to do instead: for a property
/// that is not mapped, how to map it or to remove the attribute; for a type, the foreign key of a reference navigation,
/// the fields of the related type.
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
        if (symbols.Find(property)?.ApplicationSyntaxReference is not { } attribute)
        {
            return;
        }

        var location = attribute.GetSyntax(context.CancellationToken).GetLocation();
        if (NotMapped(property) is { } notMapped)
        {
            // The attribute has no effect whatever the remedy, so removing it is always a safe fix.
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UntrackableProperty, location, s_removeTracked, property.Name, notMapped.Why, notMapped.Instead ?? Instead(property, symbols)));
            return;
        }

        if (TrackedProperties.IsTrackable(property))
        {
            return;
        }

        var instead = Instead(property, symbols);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UntrackableProperty,
            location,
            instead == RemoveTracked ? s_removeTracked : null,
            property.Name,
            UntrackableType(property),
            instead));
    }

    /// <summary>
    /// Why tracking leaves <paramref name="property"/> out even when it is marked <c>[Tracked]</c> (EF Core does not map it,
    /// or its type has no text), as the middle of ST2003's message; null when it can be tracked. ST2002 says it of a hook
    /// named after such a property.
    /// </summary>
    internal static string? WhyUntrackable(IPropertySymbol property)
        => NotMapped(property)?.Why ?? (TrackedProperties.IsTrackable(property) ? null : UntrackableType(property));

    private static string UntrackableType(IPropertySymbol property)
        => $"tracking compares values of scalar types, not '{property.Type.ToDisplayString(s_typeFormat)}'";

    /// <summary>
    /// Why EF Core does not map <paramref name="property"/> by convention, so that tracking, which tracks mapped properties
    /// only (<see cref="AuditedProperties.Mapped"/>), leaves it out, and what to do; null when it is mapped. The property is
    /// judged with the declarations it overrides (an override that declares one accessor has its base's other). The advice
    /// is null for a <c>[NotMapped]</c> property whose type tracking cannot compare either (a navigation, a collection of
    /// entities): storing it would not make it trackable, so the type's advice applies (<see cref="Instead"/>).
    /// </summary>
    private static (string Why, string? Instead)? NotMapped(IPropertySymbol property)
    {
        if (AuditedProperties.Mapped(property.ContainingType).Any(mapped => SymbolEqualityComparer.Default.Equals(mapped.Symbol, property)))
        {
            return null;
        }

        const string NotMappedByEfCore = "so EF Core does not map it by convention";
        if (property.IsStatic)
        {
            return ("it is static, and EF Core maps instance properties only", RemoveTracked);
        }

        if (property.IsIndexer || !property.ExplicitInterfaceImplementations.IsEmpty)
        {
            return ((property.IsIndexer ? "it is an indexer, " : "it is an explicit interface implementation, ") + NotMappedByEfCore, RemoveTracked);
        }

        IMethodSymbol? getter = null, setter = null;
        var notMapped = false;
        for (var current = property; current is not null; current = current.OverriddenProperty)
        {
            getter ??= current.GetMethod;
            setter ??= current.SetMethod;
            notMapped |= MetadataNames.HasAttribute(current, AttributeNames.NotMapped);
        }

        if (notMapped)
        {
            // Removing [NotMapped] stores a property only if it has a setter: a computed one has nowhere to be written back.
            return setter is not null
                ? ("it is [NotMapped], " + NotMappedByEfCore, TrackedProperties.IsTrackable(property) ? "remove [Tracked], or remove [NotMapped] to store the property and track it" : null)
                : IsAutoProperty(property)
                    ? ("it is [NotMapped], " + NotMappedByEfCore, "remove [Tracked], or remove [NotMapped] and add a setter ('{ get; private set; }' will do) to store the property and track it")
                    : ("it is [NotMapped] and computed (it has no setter), so EF Core cannot store it", "remove [Tracked], and track the properties it is computed from");
        }

        if (getter is not { DeclaredAccessibility: Accessibility.Public })
        {
            return ($"its getter is {(getter is null ? "missing" : "not public")}, " + NotMappedByEfCore, "make the property public (its setter may stay private), or remove [Tracked]");
        }

        if (setter is null)
        {
            return IsAutoProperty(property)
                ? ("it has no setter, " + NotMappedByEfCore, "add a setter ('{ get; private set; }' will do), or remove [Tracked]")
                : ("it is computed (it has no setter), " + NotMappedByEfCore, "remove [Tracked], and track the properties it is computed from");
        }

        // A property hidden by a 'new' one of the same name in a derived class, or another case the rule above does not name.
        return null;
    }

    /// <summary>True for an auto-property (<c>{ get; }</c>), which has a compiler-generated backing field.</summary>
    private static bool IsAutoProperty(IPropertySymbol property)
        => property.ContainingType.GetMembers().Any(member => member is IFieldSymbol field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property));

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
