using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2002: a <c>partial</c> method <c>On{X}Changed</c> of a tracked class that is not the change hook the generator
/// declares for the tracked property <c>X</c> (<c>partial void OnXChanged(T oldValue, T newValue)</c>): another return
/// type, other parameters, static or generic. Also, for an implementing declaration with no defining one (CS0759 once
/// the generator runs), when <c>X</c> is not a tracked property: a property that is not marked <c>[Tracked]</c>, or a
/// typo, reported with the hook of the tracked property whose name is closest.
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
        context.RegisterCompilationStartAction(static start =>
        {
            if (TrackingSymbols.From(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, symbols), SymbolKind.Method);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, TrackingSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;

        // Of a definition and its implementation, both analyzed, the definition is checked (and reported at the implementation).
        if (method.PartialDefinitionPart is not null
            || method.MethodKind != MethodKind.Ordinary
            || method.Name.Length <= Prefix.Length + Suffix.Length
            || !method.Name.StartsWith(Prefix, StringComparison.Ordinal)
            || !method.Name.EndsWith(Suffix, StringComparison.Ordinal)
            || !IsDeclaredPartial(method, context.CancellationToken)
            || !symbols.IsTrackedClass(method.ContainingType))
        {
            return;
        }

        var fields = symbols.TrackedFields(method.ContainingType);
        var propertyName = method.Name.Substring(Prefix.Length, method.Name.Length - Prefix.Length - Suffix.Length);
        var hook = fields.FirstOrDefault(field => field.Name == propertyName);
        string fix;
        if (hook is not null)
        {
            if (Matches(method, hook))
            {
                return;
            }

            fix = HookOf(hook);
        }
        else if (method.IsPartialDefinition)
        {
            // Both parts written by hand: a partial method of the user's own, not meant as a hook.
            return;
        }
        else if (UntrackedProperty(method.ContainingType, propertyName) is { } untracked)
        {
            fix = $"'{untracked.Name}' is not tracked; mark it [Tracked] to get '{Signature(untracked)}'";
        }
        else if (Closest(fields, propertyName) is { } closest)
        {
            hook = closest;
            fix = HookOf(closest);
        }
        else
        {
            return;
        }

        // An implementation with no definition can be rewritten into the hook; one with a definition of the user's
        // cannot, as the generated definition would then be its second.
        var properties = hook is not null && !method.IsPartialDefinition
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

    /// <summary>True when a declaration of <paramref name="method"/> has the <c>partial</c> modifier (an implementing declaration alone is not a partial definition).</summary>
    private static bool IsDeclaredPartial(IMethodSymbol method, System.Threading.CancellationToken cancellationToken)
        => method.IsPartialDefinition
           || method.DeclaringSyntaxReferences.Any(reference =>
               reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration
               && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>True when <paramref name="method"/> is the hook the generator declares for <paramref name="property"/>.</summary>
    private static bool Matches(IMethodSymbol method, IPropertySymbol property)
        => method is { ReturnsVoid: true, IsStatic: false, TypeParameters.IsEmpty: true, Parameters.Length: 2 }
           && IsValueOf(method.Parameters[0], property)
           && IsValueOf(method.Parameters[1], property);

    private static bool IsValueOf(IParameterSymbol parameter, IPropertySymbol property)
        => parameter is { RefKind: RefKind.None, IsParams: false }
           && SymbolEqualityComparer.Default.Equals(parameter.Type, property.Type);

    /// <summary>A property of <paramref name="type"/> named <paramref name="name"/> that would be tracked if it were marked [Tracked].</summary>
    private static IPropertySymbol? UntrackedProperty(INamedTypeSymbol type, string name)
        => AuditedProperties.BaseFirst(type)
            .SelectMany(t => t.GetMembers(name).OfType<IPropertySymbol>())
            .FirstOrDefault(static property => AuditedProperties.IsMapped(property) && TrackedProperties.IsTrackable(property));

    /// <summary>The tracked property whose name is the fewest edits away from <paramref name="name"/> (the first of equals).</summary>
    private static IPropertySymbol? Closest(List<IPropertySymbol> fields, string name)
    {
        IPropertySymbol? closest = null;
        var best = int.MaxValue;
        foreach (var field in fields)
        {
            var distance = EditDistance.Of(field.Name, name);
            if (distance < best)
            {
                (closest, best) = (field, distance);
            }
        }

        return closest;
    }

    private static string HookOf(IPropertySymbol property) => $"the hook of the tracked property '{property.Name}' is '{Signature(property)}'";

    /// <summary>The hook's declaration as the generator writes it: <c>partial void OnStateChanged(OrderState oldValue, OrderState newValue)</c>.</summary>
    private static string Signature(IPropertySymbol property)
    {
        var type = property.Type.ToDisplayString(s_typeFormat);
        return $"partial void {Prefix}{property.Name}{Suffix}({type} oldValue, {type} newValue)";
    }
}
