using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// The tracking types of one compilation, resolved once, on first need, and the rule that picks the tracked
/// fields of a class: the generator's, with the audit's candidate and value-type rules.
/// </summary>
internal sealed class TrackingSymbols
{
    private TrackingSymbols(INamedTypeSymbol tracked, INamedTypeSymbol? handler)
    {
        Tracked = tracked;
        Handler = handler;
    }

    public INamedTypeSymbol Tracked { get; }

    /// <summary><c>ITrackedChangeHandler&lt;T&gt;</c>, its definition.</summary>
    public INamedTypeSymbol? Handler { get; }

    /// <summary>The symbols of <paramref name="compilation"/>, or null when it does not reference ServerTools (no [Tracked] type).</summary>
    public static TrackingSymbols? From(Compilation compilation)
        => compilation.GetTypeByMetadataName(AttributeNames.Tracked) is { } tracked
            ? new TrackingSymbols(tracked, compilation.GetTypeByMetadataName(AttributeNames.TrackedChangeHandler))
            : null;

    /// <summary>True when <paramref name="symbol"/> itself is marked [Tracked] (the attribute is not inherited).</summary>
    public bool IsMarked(ISymbol symbol) => Find(symbol) is not null;

    /// <summary>The application of [Tracked] on <paramref name="symbol"/>, if any.</summary>
    public AttributeData? Find(ISymbol symbol)
        => symbol.GetAttributes().FirstOrDefault(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, Tracked));

    /// <summary>
    /// True when ServerTools generates tracking code for <paramref name="type"/>: a class marked [Tracked], or one that
    /// declares a property marked [Tracked]. A class derived from either is not tracked unless it is one itself.
    /// </summary>
    public bool IsTrackedClass(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Class
           && (IsMarked(type) || type.GetMembers().Any(member => member is IPropertySymbol && IsMarked(member)));

    /// <summary>
    /// The tracked fields of <paramref name="type"/>, base class first, as the generator tracks them: the properties of
    /// <see cref="TrackedProperties.Of"/>, each the declaration EF Core maps, but those it leaves out as their type is
    /// obsolete as an error (<see cref="TrackedProperties.IsLeftOut"/>, ST2006). Empty when the class is not tracked.
    /// </summary>
    public List<IPropertySymbol> TrackedFields(INamedTypeSymbol type) => Fields(type, leftOut: false);

    /// <summary>
    /// The <c>TrackedOperations</c> that <paramref name="type"/>, a tracked class, delivers, as the generator writes them in
    /// its descriptor: its own <c>[Tracked]</c>'s Operations, else the union of those its tracked fields' attributes ask for
    /// (<see cref="TrackedProperties.UnionOfFields"/> of <see cref="TrackedFields"/>, so fields
    /// <see cref="TrackedProperties.IsLeftOut">left out</see> do not count), as the generator unites those it keeps.
    /// </summary>
    public int Operations(INamedTypeSymbol type)
        => Find(type) is { } attribute
            ? TrackedProperties.OperationsOf(attribute)
            : TrackedProperties.UnionOfFields(type, TrackedFields(type).Select(static property => property.Name));

    /// <summary>
    /// The properties of <paramref name="type"/> that would be tracked but that the generator leaves out, as their type
    /// is obsolete as an error (<see cref="TrackedProperties.IsLeftOut"/>, ST2006): no field, no hook.
    /// </summary>
    public List<IPropertySymbol> LeftOutFields(INamedTypeSymbol type) => Fields(type, leftOut: true);

    /// <summary>
    /// True when the generator writes tracking code for <paramref name="type"/>: it has tracked fields
    /// (<see cref="TrackedFields"/>, as <see cref="TrackedProperties.AnyKept"/> decides for the generator) and nothing
    /// stops the generator (<see cref="GeneratedClasses"/>; <c>partial</c> aside, which ST0001 reports).
    /// </summary>
    public bool IsGenerated(INamedTypeSymbol type, CancellationToken cancellationToken)
        => IsTrackedClass(type)
           && TrackedProperties.AnyKept(type, wholeClass: IsMarked(type))
           && GeneratedClasses.First(type, cancellationToken) is null;

    private List<IPropertySymbol> Fields(INamedTypeSymbol type, bool leftOut)
        => IsTrackedClass(type)
            ? [.. TrackedProperties.Of(type, wholeClass: IsMarked(type))
                .Select(static property => property.Symbol)
                .Where(property => TrackedProperties.IsLeftOut(type, property) == leftOut)]
            : [];
}
