using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Analyzers.Tracking;
using ServerTools.Shared;

namespace ServerTools.Analyzers.General;

/// <summary>
/// ST0002: a class the generators of <c>[Audited]</c>, <c>[Tracked]</c> and <c>[TimeWindowed]</c> skip although it is
/// partial (<see cref="GeneratedClasses.Obstacles"/>: generic, private or protected, or nested in such a type or in the
/// <c>Program</c> of top-level statements), so that its feature does nothing. Reported for a class marked with one of
/// these attributes, and for a class that declares a property marked <c>[Tracked]</c> (but a generic one: it is a base
/// class whose tracked properties its derived classes take when they are tracked themselves), once per obstacle, where
/// the obstacle is written. Also reported, at its name, for a concrete class that is not tracked itself and inherits
/// the <c>[Tracked]</c> properties of such a generic base class: it is not tracked through it, as it would be through a
/// base class that gets code.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClassNotGeneratedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.ClassNotGenerated];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var attributes = LazySymbols.Of(start.Compilation, static compilation => AttributeNames.EntityAttributes
                .Select(compilation.GetTypeByMetadataName)
                .OfType<INamedTypeSymbol>()
                .ToImmutableArray());
            var tracking = LazySymbols.Of(start.Compilation, TrackingSymbols.From);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (!attributes.Value.IsEmpty)
                    {
                        Analyze(symbolContext, attributes.Value, tracking.Value);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ImmutableArray<INamedTypeSymbol> attributes, TrackingSymbols? tracking)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class)
        {
            return;
        }

        var marked = attributes.Where(attribute => type.GetAttributes().Any(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))).ToList();
        var tracksProperties = marked.Count == 0 && tracking is not null && tracking.IsTrackedClass(type);
        if (marked.Count == 0 && !tracksProperties)
        {
            if (tracking is not null && !type.IsAbstract)
            {
                ReportUntrackedBase(context, type, tracking);
            }

            return;
        }

        var written = tracksProperties ? "[Tracked]" : Join(marked.Select(static attribute => "[" + ShortName(attribute) + "]").ToList());
        foreach (var obstacle in GeneratedClasses.Obstacles(type, context.CancellationToken))
        {
            // A file-local class is ST0003's; a generic one that only marks properties is a base class (its derived classes are checked).
            if (obstacle.Kind == Obstacle.FileLocal
                || (tracksProperties && obstacle.Kind == ClassReach.Generic && SymbolEqualityComparer.Default.Equals(obstacle.Type, type)))
            {
                continue;
            }

            if (obstacle.Where(context.Compilation, context.CancellationToken) is { } location)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ClassNotGenerated, location, written, type.Name, obstacle.Reason, obstacle.RemedyWhenMarked(written)));
            }
        }
    }

    /// <summary>
    /// Reports <paramref name="type"/> when its nearest base class with tracked fields is a generic class that declares
    /// <c>[Tracked]</c> properties and is not marked <c>[Tracked]</c> itself (marked, it is reported at its attribute).
    /// </summary>
    private static void ReportUntrackedBase(SymbolAnalysisContext context, INamedTypeSymbol type, TrackingSymbols tracking)
    {
        if (GeneratedClasses.First(type, context.CancellationToken) is not null)
        {
            return;
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (tracking.TrackedFields(current).Count == 0)
            {
                continue;
            }

            if (!current.OriginalDefinition.TypeParameters.IsEmpty
                && !tracking.IsMarked(current)
                && SourceLocations.In(type, context.Compilation) is { } location)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ClassNotGenerated,
                    location,
                    "[Tracked]",
                    type.Name,
                    $"it inherits the [Tracked] properties of '{current.Name}', which is generic, so no tracking code is generated for "
                    + $"'{current.Name}' and nothing tracks '{type.Name}' through it",
                    $"mark '{type.Name}' [Tracked] (and partial), or one of its own properties"));
            }

            return;
        }
    }

    private static string ShortName(INamedTypeSymbol attribute)
        => attribute.Name.EndsWith("Attribute", System.StringComparison.Ordinal) ? attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length) : attribute.Name;

    /// <summary><c>[A]</c>, <c>[A] and [B]</c>, <c>[A], [B] and [C]</c>.</summary>
    private static string Join(List<string> names)
        => names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1];
}
