using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2001: a class or struct implements <c>ITrackedChangeHandler&lt;T&gt;</c> for a <c>T</c> with no tracked fields
/// (not marked <c>[Tracked]</c> and declaring no <c>[Tracked]</c> property, or marked but with no property of a type
/// the tracking can compare, or only properties whose type is obsolete as an error, which the generator leaves out: ST2006), so no change of <c>T</c> is ever delivered to it. Reported at the interface in the base
/// list, or at the generic base class that implements it (<c>class Remind : HandlerBase&lt;Invoice&gt;</c>); a class
/// that inherits the interface closed from its base class is left to that class. Handlers of a type parameter
/// (<c>class Log&lt;T&gt; : ITrackedChangeHandler&lt;T&gt;</c>) are not checked. A type whose tracking code the
/// generator does not write (generic, private, ... : <see cref="GeneratedClasses"/>) has no changes either.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerOfUntrackedTypeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.HandlerOfUntrackedType];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, TrackingSymbols.From);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbols.Value is { Handler: not null } resolved)
                    {
                        Analyze(symbolContext, resolved);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, TrackingSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return;
        }

        foreach (var handler in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(handler.OriginalDefinition, symbols.Handler)
                && handler.TypeArguments[0] is INamedTypeSymbol entity
                && type.BaseType?.OriginalDefinition.AllInterfaces.Contains(handler, SymbolEqualityComparer.Default) != true
                && !symbols.IsGenerated(entity, context.CancellationToken))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.HandlerOfUntrackedType,
                    BaseListLocation(type, entity, context.CancellationToken),
                    type.Name,
                    entity.Name,
                    Why(symbols, entity, context.CancellationToken)));
            }
        }
    }

    /// <summary>
    /// Why no change of <paramref name="entity"/> reaches the handler, and what to do: never what cannot work, such as
    /// marking a class the generator skips (<see cref="GeneratedClasses"/>), or handling a base class it skips.
    /// </summary>
    private static string Why(TrackingSymbols symbols, INamedTypeSymbol entity, CancellationToken cancellationToken)
    {
        var obstacle = GeneratedClasses.First(entity, cancellationToken);
        if (obstacle is not null && symbols.TrackedFields(entity).Count > 0)
        {
            var remedy = obstacle.Kind == ClassReach.Generic && SymbolEqualityComparer.Default.Equals(obstacle.Type, entity)
                ? $"mark the non-generic entity classes derived from '{entity.Name}' [Tracked] (and partial) and handle them"
                : obstacle.RemedyWhenMarked("[Tracked]");
            return $"no tracking code is generated for '{entity.Name}': {obstacle.Reason}; {remedy}";
        }

        if (obstacle is null && symbols.LeftOutFields(entity) is { Count: > 0 } leftOut)
        {
            var names = string.Join(", ", leftOut.Select(static property => $"'{property.Name}'"));
            return $"tracking leaves out its tracked properties ({names}), as their types are obsolete as an error (ST2006), so no tracking "
                   + $"code is generated for '{entity.Name}': make that [Obsolete] a warning (without 'true'), mark '{entity.Name}' [Obsolete] too, "
                   + "or track properties of other types";
        }

        var markEntity = obstacle?.RemedyToMark("[Tracked]") ?? $"mark '{entity.Name}' [Tracked] to give it changes of its own";
        for (var type = entity.BaseType; type is not null; type = type.BaseType)
        {
            if (symbols.TrackedFields(type).Count == 0)
            {
                continue;
            }

            if (GeneratedClasses.First(type, cancellationToken) is not null)
            {
                return $"'{entity.Name}' inherits the [Tracked] properties of '{type.Name}', which gets no tracking code (ST0002), "
                       + $"so nothing tracks '{entity.Name}' through it: {markEntity}";
            }

            return $"'{entity.Name}' is tracked as its base class '{type.Name}', so its changes reach the handlers of '{type.Name}': "
                   + $"handle '{type.Name}'" + (obstacle is null ? $", or {markEntity}" : "");
        }

        return obstacle is null
            ? $"'{entity.Name}' has no tracked fields, so it never receives a change: mark '{entity.Name}' or some of its properties [Tracked]"
            : $"'{entity.Name}' has no tracked fields, so it never receives a change, and [Tracked] on it would generate nothing "
              + $"({obstacle.Reason}): {obstacle.RemedyToMark("[Tracked]")}";
    }

    /// <summary>
    /// Where the base list names the handler of <paramref name="entity"/>, found by the names written (no semantic model):
    /// <c>ITrackedChangeHandler&lt;Entity&gt;</c>, else a generic base type with that type argument
    /// (<c>HandlerBase&lt;Entity&gt;</c>), else the type's name.
    /// </summary>
    private static Location BaseListLocation(INamedTypeSymbol type, INamedTypeSymbol entity, CancellationToken cancellationToken)
    {
        TypeSyntax? generic = null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax { BaseList: { } baseList })
            {
                continue;
            }

            foreach (var baseType in baseList.Types)
            {
                if (RightmostName(baseType.Type) is GenericNameSyntax name
                    && name.TypeArgumentList.Arguments.Any(argument => RightmostName(argument)?.Identifier.ValueText == entity.Name))
                {
                    if (name.Identifier.ValueText == "ITrackedChangeHandler")
                    {
                        return baseType.Type.GetLocation();
                    }

                    generic ??= baseType.Type;
                }
            }
        }

        return generic?.GetLocation() ?? type.Locations[0];
    }

    private static SimpleNameSyntax? RightmostName(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple,
        QualifiedNameSyntax qualified => qualified.Right,
        AliasQualifiedNameSyntax aliased => aliased.Name,
        NullableTypeSyntax nullable => RightmostName(nullable.ElementType),
        _ => null,
    };
}
