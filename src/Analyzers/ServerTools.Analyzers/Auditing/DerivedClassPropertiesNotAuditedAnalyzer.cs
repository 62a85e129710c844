using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1005: a concrete class derived from an <c>[Audited]</c> class, not <c>[Audited]</c> itself, is audited at run time
/// with its nearest audited base class's descriptor, so the properties it adds are not logged. Counted are the properties
/// the generator would audit if the class were <c>[Audited]</c> (the shared <see cref="AuditedProperties"/> and
/// <see cref="AuditValueTypes"/> rules), declared in the class or in an abstract class between it and the audited base.
/// A concrete class in between is reported on its own, and once it is <c>[Audited]</c> it audits its subclasses.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DerivedClassPropertiesNotAuditedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.DerivedClassPropertiesNotAudited];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (AuditingSymbols.From(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, symbols), SymbolKind.NamedType);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, AuditingSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class
            || type.IsAbstract
            || symbols.IsAudited(type)
            || symbols.NearestAuditedBase(type) is not { } auditedBase
            || type.Locations.FirstOrDefault(static l => l.IsInSource) is not { } location)
        {
            return;
        }

        var properties = NotAudited(type, auditedBase);
        if (properties.Count > 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DerivedClassPropertiesNotAudited,
                location,
                type.Name,
                auditedBase.Name,
                string.Join(", ", properties.Select(static name => "'" + name + "'"))));
        }
    }

    /// <summary>
    /// The names of the properties <paramref name="type"/> and the abstract classes between it and
    /// <paramref name="auditedBase"/> declare that the generator would audit, base class first.
    /// </summary>
    private static List<string> NotAudited(INamedTypeSymbol type, INamedTypeSymbol auditedBase)
    {
        var declaringTypes = new Stack<INamedTypeSymbol>();
        for (var current = type;
             current is not null && !SymbolEqualityComparer.Default.Equals(current, auditedBase) && (current.IsAbstract || declaringTypes.Count == 0);
             current = current.BaseType)
        {
            declaringTypes.Push(current);
        }

        var names = new List<string>();
        foreach (var property in declaringTypes.SelectMany(static t => t.GetMembers().OfType<IPropertySymbol>()))
        {
            if (AuditedProperties.IsCandidate(property)
                && (AuditValueTypes.IsSupported(property.Type) || AuditedProperties.ValueObject(property.Type) is not null || AuditedProperties.IsModelField(property))
                && !names.Contains(property.Name))
            {
                names.Add(property.Name);
            }
        }

        return names;
    }
}
