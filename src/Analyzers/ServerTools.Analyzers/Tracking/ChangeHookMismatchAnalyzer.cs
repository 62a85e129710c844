using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2002: a <c>partial</c> method <c>On{X}Changed</c> of a tracked class that is not the change hook the generator
/// declares for the tracked property <c>X</c> (<c>partial void OnXChanged(T oldValue, T newValue)</c>): another return
/// type, other parameters, static or generic. Also, for an implementing declaration with no defining one (CS0759 once
/// the generator runs), when <c>X</c> is not a tracked property: one that tracking leaves out as its type is obsolete as
/// an error (ST2006), a property that is not marked <c>[Tracked]</c>, one that
/// tracking cannot use (ST2003's reasons: computed, <c>[NotMapped]</c>, static, not public, a navigation), or a typo,
/// reported with the hook of the tracked property whose name is a typo away (<see cref="NearestName"/>), or with the hook
/// that is implemented already (and then no fix: renaming it would implement the hook twice, as it would where another
/// method is a typo of the same hook); a name near no tracked property is reported with the names of the tracked
/// properties, and no fix. Nor is there a fix for a method that returns a value. An implementation with no definition whose
/// name is a typo of a hook's name in its <c>Changed</c> part (<c>OnAmountChangd</c>) is reported with that hook. And an
/// implementation with no definition in a
/// class that is not tracked itself but derives from a tracked one, whose hooks are private to that class.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ChangeHookMismatchAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property with the name of the hook an implementation with no definition should have (the code fix's input).</summary>
    internal const string HookNameProperty = "HookName";

    /// <summary>The diagnostic property with the hook's parameter type, fully qualified with its nullable annotation.</summary>
    internal const string HookTypeProperty = "HookType";

    private const string Prefix = "On";
    private const string Suffix = "Changed";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat s_qualifiedTypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.ChangeHookMismatch];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start => LazySymbols.RegisterSymbolAction(start, TrackingSymbols.From, Analyze, SymbolKind.Method));
    }

    private static void Analyze(SymbolAnalysisContext context, TrackingSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;

        // Of a definition and its implementation, both analyzed, the definition is checked (and reported at the implementation).
        if (method.PartialDefinitionPart is not null
            || method.MethodKind != MethodKind.Ordinary
            || !method.Name.StartsWith(Prefix, StringComparison.Ordinal)
            || !TrackedMembers.IsDeclaredPartial(method, context.CancellationToken))
        {
            return;
        }

        if (HasSuffix(method.Name) && !symbols.IsTrackedClass(method.ContainingType))
        {
            ReportHookOfUntrackedClass(context, symbols, method);
            return;
        }

        if (symbols.IsTrackedClass(method.ContainingType) && Mismatch(method, symbols) is { } mismatch)
        {
            Report(context, symbols, method, mismatch.Hook, mismatch.Fix);
        }
    }

    private static bool HasSuffix(string name) => name.Length > Prefix.Length + Suffix.Length && name.EndsWith(Suffix, StringComparison.Ordinal);

    /// <summary>
    /// What is wrong with <paramref name="method"/>, a partial <c>On...</c> method of a tracked class: the hook of the
    /// tracked property it is taken for (null when it names none) and what to write instead; null when it is no mismatch
    /// (a matching hook, a partial method of the user's own). A name whose <c>Changed</c> part is misspelt
    /// (<c>OnAmountChangd</c>, <c>OnAmountchanged</c>, <c>OnAmountChange</c>) is taken for the hook it is a typo of, on
    /// an implementation with no definition only: the compiler's CS0759 alone would not say which hook was meant.
    /// </summary>
    private static (IPropertySymbol? Hook, string Fix)? Mismatch(IMethodSymbol method, TrackingSymbols symbols)
    {
        var fields = symbols.TrackedFields(method.ContainingType);
        if (!HasSuffix(method.Name))
        {
            if (method.IsPartialDefinition
                || NearestName.Of(method.Name, [.. fields.Select(static field => Prefix + field.Name + Suffix)]) is not { } nearestHook)
            {
                return null;
            }

            var misspelt = fields.First(field => Prefix + field.Name + Suffix == nearestHook);
            return (misspelt, HookOf(misspelt));
        }

        var propertyName = method.Name.Substring(Prefix.Length, method.Name.Length - Prefix.Length - Suffix.Length);
        if (fields.FirstOrDefault(field => field.Name == propertyName) is { } hook)
        {
            return Matches(method, hook) ? null : (hook, HookOf(hook));
        }

        if (method.IsPartialDefinition)
        {
            // Both parts written by hand: a partial method of the user's own, not meant as a hook.
            return null;
        }

        if (symbols.LeftOutFields(method.ContainingType).FirstOrDefault(field => field.Name == propertyName) is { } leftOut)
        {
            return (null, $"'{leftOut.Name}' is not tracked, as {ObsoleteErrors.OfType(leftOut.Type)} (ST2006), so tracking declares no change hook "
                          + $"for it; remove '{method.Name}', or remove 'partial' to keep it as a method that nothing calls");
        }

        if (UntrackedProperty(method.ContainingType, propertyName) is { } untracked)
        {
            return (null, $"'{untracked.Name}' is not tracked; mark it [Tracked] to get '{Signature(untracked)}'");
        }

        if (UntrackableProperty(method.ContainingType, propertyName) is { } untrackable)
        {
            return (null, $"'{untrackable.Property.Name}' has no change hook, as tracking cannot use it: {untrackable.Why}; remove '{method.Name}'");
        }

        if (NearestName.Of(propertyName, [.. fields.Select(static field => field.Name)]) is { } nearest)
        {
            hook = fields.First(field => field.Name == nearest);
            return (hook, HookOf(hook));
        }

        if (fields.Count == 0 || AuditedProperties.BaseFirst(method.ContainingType).Any(t => t.GetMembers(propertyName).Length > 0))
        {
            return null;
        }

        return (null, $"'{method.ContainingType.Name}' has no property named '{propertyName}', and no tracked property has a name close to it; "
                      + $"change hooks are declared for its tracked properties only ({Names(fields)})");
    }

    /// <summary>
    /// ST2002 at <paramref name="method"/> for the hook of <paramref name="hook"/> (null when it names none), saying
    /// <paramref name="fix"/>, with the code fix's properties when the method can be rewritten into that hook.
    /// </summary>
    private static void Report(SymbolAnalysisContext context, TrackingSymbols symbols, IMethodSymbol method, IPropertySymbol? hook, string fix)
    {
        // An implementation with no definition can be rewritten into the hook; one with a definition of the user's
        // cannot, as the generated definition would then be its second, nor can one whose hook is declared already: it
        // would implement it twice (CS0757). Another method that the fix would rewrite into the same hook (two
        // misspellings of it) withholds the fix as well: fixing both (Fix All) would do the same. So does a return
        // value: made void, the body would not compile, and what to do with the value is not for the fix to guess.
        // Implemented already means a method of the hook's own name and parameters: another typo of the hook with its
        // parameters is not the hook either, and only withholds the fix.
        var others = hook is null ? [] : OtherMethods(method, hook, symbols, context.CancellationToken);
        if (hook is not null && others.FirstOrDefault(other => other.Name == Prefix + hook.Name + Suffix && Matches(other, hook)) is { } implemented)
        {
            fix = $"the hook of the tracked property '{hook.Name}', '{Signature(hook)}', is implemented already"
                  + (SymbolEqualityComparer.Default.Equals(implemented.ContainingType, method.ContainingType) ? "" : $" in '{implemented.ContainingType.Name}'")
                  + $"; remove '{method.Name}', or move its body into that hook";
        }

        var properties = hook is not null && !method.IsPartialDefinition && method.ReturnsVoid && others.Count == 0
            ? ImmutableDictionary<string, string?>.Empty
                .Add(HookNameProperty, Prefix + hook.Name + Suffix)
                .Add(HookTypeProperty, hook.Type.ToDisplayString(s_qualifiedTypeFormat))
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.ChangeHookMismatch,
            (method.PartialImplementationPart ?? method).Locations[0],
            properties,
            method.Name,
            method.ContainingType.Name,
            fix));
    }

    /// <summary>
    /// The methods of <paramref name="method"/>'s class, other than it, that a rewrite of it into the hook of
    /// <paramref name="hook"/> would collide with: an implementation of that hook (a partial method's implementation, or
    /// an ordinary method with its parameters), or another partial implementation of its name with no definition, which
    /// the same fix would rewrite into it. For a method whose name is not the hook's, also the implementations with no
    /// definition whose names are typos of the same hook (<c>OnSatteChanged</c> and <c>OnStaeChanged</c>): the fix would
    /// rewrite each into it. Overloads with other parameters do not collide.
    /// </summary>
    private static List<IMethodSymbol> OtherMethods(IMethodSymbol method, IPropertySymbol hook, TrackingSymbols symbols, CancellationToken cancellationToken)
    {
        var hookName = Prefix + hook.Name + Suffix;
        var others = new List<IMethodSymbol>();
        foreach (var member in method.ContainingType.GetMembers())
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } candidate
                && candidate.Name.StartsWith(Prefix, StringComparison.Ordinal)
                && (candidate.IsPartialDefinition ? candidate.PartialImplementationPart : candidate) is { } withBody
                && !SymbolEqualityComparer.Default.Equals(withBody, method)
                && !SymbolEqualityComparer.Default.Equals(withBody, method.PartialImplementationPart)
                && (candidate.Name == hookName
                    ? Matches(withBody, hook) || IsImplementationWithNoDefinition(withBody, cancellationToken)
                    : method.Name != hookName
                      && IsImplementationWithNoDefinition(withBody, cancellationToken)
                      && SymbolEqualityComparer.Default.Equals(Mismatch(withBody, symbols)?.Hook, hook)))
            {
                others.Add(withBody);
            }
        }

        return others;
    }

    private static bool IsImplementationWithNoDefinition(IMethodSymbol method, CancellationToken cancellationToken)
        => method is { PartialDefinitionPart: null, IsPartialDefinition: false } && TrackedMembers.IsDeclaredPartial(method, cancellationToken);

    /// <summary>
    /// ST2002 for an implementation with no definition in a class that is not tracked itself but derives from one that
    /// has tracked fields (<c>Van : Vehicle</c>): the generated hooks are private to the base class, so the compiler's
    /// CS0759 alone would not say that the class needs <c>[Tracked]</c> of its own.
    /// </summary>
    private static void ReportHookOfUntrackedClass(SymbolAnalysisContext context, TrackingSymbols symbols, IMethodSymbol method)
    {
        if (method.IsPartialDefinition)
        {
            return;
        }

        var type = method.ContainingType;
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            var fields = symbols.TrackedFields(current);
            if (fields.Count == 0)
            {
                continue;
            }

            var propertyName = method.Name.Substring(Prefix.Length, method.Name.Length - Prefix.Length - Suffix.Length);
            var obstacle = GeneratedClasses.First(type, context.CancellationToken);
            var mark = obstacle?.RemedyToMark("[Tracked]") ?? $"mark '{type.Name}' [Tracked] (and partial) to give it change hooks of its own";
            var generated = symbols.IsGenerated(current, context.CancellationToken);
            var why = generated
                ? $"'{type.Name}' is tracked through its base class '{current.Name}', whose change hooks are private to '{current.Name}'"
                : $"'{type.Name}' inherits the [Tracked] properties of '{current.Name}', which gets no tracking code (ST0002), and has no change hooks";
            var elsewhere = generated && fields.Any(field => field.Name == propertyName) ? $", or implement '{method.Name}' in '{current.Name}'" : "";
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ChangeHookMismatch,
                method.Locations[0],
                method.Name,
                type.Name,
                $"{why}: {mark}{elsewhere}"));
            return;
        }
    }

    /// <summary>True when <paramref name="method"/> is the hook the generator declares for <paramref name="property"/>.</summary>
    private static bool Matches(IMethodSymbol method, IPropertySymbol property)
        => method is { ReturnsVoid: true, IsStatic: false, TypeParameters.IsEmpty: true, Parameters.Length: 2 }
           && IsValueOf(method.Parameters[0], property)
           && IsValueOf(method.Parameters[1], property);

    private static bool IsValueOf(IParameterSymbol parameter, IPropertySymbol property)
        => parameter is { RefKind: RefKind.None, IsParams: false }
           && SymbolEqualityComparer.Default.Equals(parameter.Type, property.Type);

    /// <summary>
    /// A property of <paramref name="type"/> named <paramref name="name"/> that would be tracked if it were marked [Tracked]:
    /// one EF Core maps (an override included, with its base's accessors) of a type tracking takes.
    /// </summary>
    private static IPropertySymbol? UntrackedProperty(INamedTypeSymbol type, string name)
        => AuditedProperties.Mapped(type)
            .Select(static property => property.Symbol)
            .FirstOrDefault(property => property.Name == name && TrackedProperties.IsTrackable(property));

    /// <summary>
    /// A property of <paramref name="type"/> named <paramref name="name"/> that tracking cannot use even when marked
    /// [Tracked] (ST2003's reasons: EF Core does not map it, or its type has no text), and why.
    /// </summary>
    private static (IPropertySymbol Property, string Why)? UntrackableProperty(INamedTypeSymbol type, string name)
    {
        foreach (var property in AuditedProperties.BaseFirst(type).SelectMany(t => t.GetMembers(name).OfType<IPropertySymbol>()))
        {
            if (UntrackablePropertyAnalyzer.WhyUntrackable(property) is { } why)
            {
                return (property, why);
            }
        }

        return null;
    }

    /// <summary>The names of the tracked properties, quoted: <c>'State', 'Total'</c>; the first five and a count of the others.</summary>
    private static string Names(List<IPropertySymbol> fields)
    {
        const int Shown = 5;
        var names = string.Join(", ", fields.Take(Shown).Select(static field => $"'{field.Name}'"));
        return fields.Count > Shown ? $"{names} and {fields.Count - Shown} more" : names;
    }

    private static string HookOf(IPropertySymbol property) => $"the hook of the tracked property '{property.Name}' is '{Signature(property)}'";

    /// <summary>The hook's declaration as the generator writes it: <c>partial void OnStateChanged(OrderState oldValue, OrderState newValue)</c>.</summary>
    private static string Signature(IPropertySymbol property)
    {
        var type = property.Type.ToDisplayString(s_typeFormat);
        return $"partial void {Prefix}{property.Name}{Suffix}({type} oldValue, {type} newValue)";
    }
}
