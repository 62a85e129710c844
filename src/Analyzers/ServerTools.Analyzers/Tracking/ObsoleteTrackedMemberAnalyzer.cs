using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2006: what tracking leaves out of a class that is not obsolete because the generated members could not name it
/// (CS0619, which no pragma silences): a tracked property whose type is obsolete as an error
/// (<see cref="TrackedProperties.IsLeftOut"/>), and a change hook that is (<see cref="TrackedMembers.CallsHook"/>), the
/// generator's own rules. A property is reported at its <c>[Tracked]</c> (as ST2003 is), else at its name, or at the
/// class's <c>[Tracked]</c> (or its first <c>[Tracked]</c> property's) when a base class declares it; a hook at its name (as ST2002 is). Classes the generator skips
/// (ST0002, ST0003) are not checked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ObsoleteTrackedMemberAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.TrackedMemberObsoleteError];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start => LazySymbols.RegisterSymbolAction(start, TrackingSymbols.From, Analyze, SymbolKind.NamedType));
    }

    private static void Analyze(SymbolAnalysisContext context, TrackingSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;

        // In an obsolete class the generated members may name anything obsolete: nothing is left out.
        if (!symbols.IsTrackedClass(type)
            || ObsoleteSymbols.IsObsoleteContext(type)
            || GeneratedClasses.First(type, context.CancellationToken) is not null)
        {
            return;
        }

        var classAttribute = symbols.Find(type);
        foreach (var tracked in TrackedProperties.Of(type, wholeClass: classAttribute is not null))
        {
            var property = tracked.Symbol;
            if (TrackedProperties.IsLeftOut(type, property))
            {
                ReportProperty(context, type, property, classAttribute, symbols);
            }
            else if (TrackedMembers.Hook(type, property) is { } hook
                     && !TrackedMembers.CallsHook(type, hook)
                     && SourceLocations.In(hook.PartialImplementationPart ?? hook, context.Compilation) is { } location)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TrackedMemberObsoleteError,
                    location,
                    hook.Name,
                    $"is not called when '{property.Name}' changes",
                    ObsoleteErrors.OfMember(hook),
                    type.Name,
                    $"make its [Obsolete] a warning (without 'true'), mark '{type.Name}' [Obsolete] too, or remove '{hook.Name}'"));
            }
        }
    }

    /// <summary>
    /// ST2006 for <paramref name="property"/>, whose type is obsolete as an error: at its own <c>[Tracked]</c>, else at its
    /// name in <paramref name="type"/>, else (a property of a base class) at the class's <paramref name="classAttribute"/>,
    /// or, in a class tracked by its properties' marks, at that of its first property marked so.
    /// </summary>
    private static void ReportProperty(SymbolAnalysisContext context, INamedTypeSymbol type, IPropertySymbol property, AttributeData? classAttribute, TrackingSymbols symbols)
    {
        var own = SymbolEqualityComparer.Default.Equals(property.ContainingType, type);
        var propertyAttribute = own ? symbols.Find(property) : null;
        var location = own
            ? propertyAttribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? SourceLocations.In(property, context.Compilation)
            : (classAttribute ?? FirstPropertyAttribute(type, symbols))?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation();
        if (location is null)
        {
            return;
        }

        // The class's [Tracked] tracks the property with or without its own: [AuditIgnore] leaves it out of the class's.
        var leaveOut = classAttribute is null
            ? (own ? "remove [Tracked]" : $"remove its [Tracked] in '{property.ContainingType.Name}'")
            : (propertyAttribute is null ? "" : "remove its [Tracked] and ") + $"leave it out of the tracking of '{type.Name}' with [AuditIgnore]";
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.TrackedMemberObsoleteError,
            location,
            property.Name,
            own ? "is not tracked" : $"(of '{property.ContainingType.Name}') is not tracked",
            ObsoleteErrors.OfType(property.Type),
            type.Name,
            $"make that [Obsolete] a warning (without 'true'), mark '{type.Name}' [Obsolete] too, or {leaveOut}"));
    }

    /// <summary>The <c>[Tracked]</c> of the first property of <paramref name="type"/> (not of a base class) marked so, if any.</summary>
    private static AttributeData? FirstPropertyAttribute(INamedTypeSymbol type, TrackingSymbols symbols)
        => type.GetMembers().OfType<IPropertySymbol>().Select(symbols.Find).FirstOrDefault(static found => found is not null);
}
