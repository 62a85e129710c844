using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Analyzers.Tracking;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1008: <c>[AuditMask]</c> or <c>[AuditIgnore]</c> on a property of an interface that an <c>[Audited]</c> or tracked
/// class implements, where the class has no property of that name that EF Core maps. The audit trail and the outbox
/// apply an interface's attributes to the class's mapped property of the same name (<see cref="AuditedProperties.Mapped"/>);
/// a class that implements the property explicitly over a property of another name, or with one that is computed, stores
/// the value under another name, which is logged in clear. Reported at the class's implementation when the class
/// declares it, else at the class's name.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InterfaceAuditAttributeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.InterfaceAuditAttributeNotApplied];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, AuditingSymbols.From);
            var tracking = LazySymbols.Of(start.Compilation, TrackingSymbols.From);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbols.Value is { } resolved)
                    {
                        Analyze(symbolContext, resolved, tracking.Value);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, AuditingSymbols symbols, TrackingSymbols? tracking)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class
            || type.AllInterfaces.IsEmpty
            || !(symbols.IsAudited(type) || tracking?.IsTrackedClass(type) == true))
        {
            return;
        }

        ImmutableHashSet<string>? mapped = null;
        foreach (var contract in type.AllInterfaces)
        {
            foreach (var member in contract.GetMembers())
            {
                if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false } property
                    || !AuditedProperties.IsProtected(property, out var ignored, out _))
                {
                    continue;
                }

                mapped ??= [.. AuditedProperties.Mapped(type).ConvertAll(static p => p.Name)];
                if (mapped.Contains(property.Name))
                {
                    continue;
                }

                var implementation = type.FindImplementationForInterfaceMember(property);
                var location = (implementation is not null && SymbolEqualityComparer.Default.Equals(implementation.ContainingType, type)
                                   ? SourceLocations.In(implementation, context.Compilation)
                                   : null)
                               ?? SourceLocations.In(type, context.Compilation);
                if (location is not null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.InterfaceAuditAttributeNotApplied,
                        location,
                        ignored ? "AuditIgnore" : "AuditMask",
                        contract.Name + "." + property.Name,
                        type.Name,
                        property.Name));
                }
            }
        }
    }
}
