using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1005: a concrete class derived from an <c>[Audited]</c> class, not <c>[Audited]</c> itself, is audited at run time
/// with its nearest audited base class's descriptor, so the properties it adds are not logged. Counted are the properties
/// the generator would audit if the class were <c>[Audited]</c> (the shared <see cref="AuditedProperties"/> and
/// <see cref="AuditValueTypes"/> rules), declared in the class or in an abstract class between it and the audited base.
/// A concrete class in between is reported on its own, and once it is <c>[Audited]</c> it audits its subclasses. A class
/// the generators skip (<see cref="GeneratedClasses"/>: generic, private, ...) is told what it takes instead of
/// <c>[Audited]</c>, and gets no code fix.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DerivedClassPropertiesNotAuditedAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property present when marking the class <c>[Audited]</c> (the code fix) makes it log its properties.</summary>
    internal const string FixableProperty = "MarkAudited";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.DerivedClassPropertiesNotAudited];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start => LazySymbols.RegisterSymbolAction(start, AuditingSymbols.From, Analyze, SymbolKind.NamedType));
    }

    private static void Analyze(SymbolAnalysisContext context, AuditingSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class
            || type.IsAbstract
            || symbols.IsAudited(type)
            || symbols.NearestAuditedBase(type) is not { } auditedBase
            || SourceLocations.In(type, context.Compilation) is not { } location)
        {
            return;
        }

        var (notLogged, unprotected) = NotAudited(type, auditedBase);
        var problems = new List<string>(2);
        if (notLogged.Count > 0)
        {
            problems.Add("its own properties (" + Names(notLogged) + ") are not logged");
        }

        if (unprotected.Count > 0)
        {
            problems.Add("the [AuditMask] or [AuditIgnore] it adds to " + Names(unprotected) + " is not applied (the values are logged as '"
                         + auditedBase.Name + "' logs them)");
        }

        if (problems.Count > 0)
        {
            // A class the generators skip would get nothing from [Audited]: say what it takes instead, and offer no fix.
            var obstacle = GeneratedClasses.First(type, context.CancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DerivedClassPropertiesNotAudited,
                location,
                obstacle is null ? ImmutableDictionary<string, string?>.Empty.Add(FixableProperty, null) : ImmutableDictionary<string, string?>.Empty,
                type.Name,
                auditedBase.Name,
                string.Join(", and ", problems),
                obstacle is null
                    ? $"mark '{type.Name}' [Audited] (and partial) to log it with its own properties and attributes"
                    : $"{obstacle.Reason}, so [Audited] on '{type.Name}' would generate nothing; {obstacle.RemedyToMark("[Audited]")}"));
        }
    }

    private static string Names(List<string> names) => string.Join(", ", names.Select(static name => "'" + name + "'"));

    /// <summary>
    /// The properties <paramref name="type"/> and the abstract classes between it and <paramref name="auditedBase"/>
    /// declare, base class first: those the generator would audit that the base's descriptor does not list
    /// (<c>NotLogged</c>), and those the descriptor lists with less protection than their declarations here give them, an
    /// override or a <c>new</c> property marked <c>[AuditMask]</c> or <c>[AuditIgnore]</c> (<c>Unprotected</c>).
    /// </summary>
    private static (List<string> NotLogged, List<string> Unprotected) NotAudited(INamedTypeSymbol type, INamedTypeSymbol auditedBase)
    {
        var declaringTypes = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var current = type;
        for (;
             current is not null && !SymbolEqualityComparer.Default.Equals(current, auditedBase) && (current.IsAbstract || declaringTypes.Count == 0);
             current = current.BaseType)
        {
            declaringTypes.Add(current);
        }

        var protectedByInterfaces = ProtectedByAddedInterfaces(type, current, declaringTypes);

        var logged = new Dictionary<string, EntityProperty>();
        foreach (var property in AuditedProperties.Mapped(auditedBase))
        {
            if (!property.IsIgnored && IsLogged(property.Symbol))
            {
                logged.Add(property.Name, property);
            }
        }

        List<string> notLogged = [];
        List<string> unprotected = [];
        foreach (var property in AuditedProperties.Mapped(type))
        {
            if (!declaringTypes.Contains(property.Symbol.ContainingType))
            {
                // Declared above, but maybe marked by an interface these classes add (or their explicit implementation of it).
                if (protectedByInterfaces.Contains(property.Name)
                    && logged.TryGetValue(property.Name, out var marked)
                    && (property.IsIgnored || (property.IsMasked && !marked.IsMasked)))
                {
                    unprotected.Add(property.Name);
                }

                continue;
            }

            if (logged.TryGetValue(property.Name, out var inBase))
            {
                if (property.IsIgnored || (property.IsMasked && !inBase.IsMasked))
                {
                    unprotected.Add(property.Name);
                }
            }
            else if (!property.IsIgnored && IsLogged(property.Symbol))
            {
                notLogged.Add(property.Name);
            }
        }

        return (notLogged, unprotected);
    }

    /// <summary>
    /// The names of the properties marked <c>[AuditMask]</c> or <c>[AuditIgnore]</c> in the interfaces that
    /// <paramref name="type"/> implements and <paramref name="above"/> (the class after <paramref name="declaringTypes"/>)
    /// does not, and of the interface properties that <paramref name="declaringTypes"/> implement explicitly with such an attribute.
    /// </summary>
    private static HashSet<string> ProtectedByAddedInterfaces(INamedTypeSymbol type, INamedTypeSymbol? above, HashSet<INamedTypeSymbol> declaringTypes)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        var inherited = above?.AllInterfaces ?? [];
        foreach (var contract in type.AllInterfaces)
        {
            if (!inherited.Contains(contract, SymbolEqualityComparer.Default))
            {
                foreach (var property in contract.GetMembers().OfType<IPropertySymbol>())
                {
                    if (AuditedProperties.IsProtected(property, out _, out _))
                    {
                        names.Add(property.Name);
                    }
                }
            }
        }

        foreach (var declaringType in declaringTypes)
        {
            foreach (var property in declaringType.GetMembers().OfType<IPropertySymbol>())
            {
                if (!property.ExplicitInterfaceImplementations.IsEmpty && AuditedProperties.IsProtected(property, out _, out _))
                {
                    names.Add(property.ExplicitInterfaceImplementations[0].Name);
                }
            }
        }

        return names;
    }

    /// <summary>Whether the generator lists <paramref name="property"/> as a field, or its value object's fields.</summary>
    private static bool IsLogged(IPropertySymbol property)
        => AuditValueTypes.IsSupported(property.Type) || AuditedProperties.ValueObject(property.Type) is not null || AuditedProperties.IsModelField(property);
}
