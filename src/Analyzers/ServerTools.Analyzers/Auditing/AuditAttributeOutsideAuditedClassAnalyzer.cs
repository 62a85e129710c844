using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1002: <c>[AuditIgnore]</c> or <c>[AuditMask]</c> on a property of a type whose descriptor can never include it: a
/// type that is not <c>[Audited]</c>, not abstract, not a base class of an <c>[Audited]</c> class of the same
/// compilation, and not a value object whose properties such a class logs flattened (<c>Address.City</c>). Abstract classes pass: their properties are audited in audited subclasses, wherever those are. A concrete
/// base class whose audited subclasses live in another project cannot be told apart and is reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AuditAttributeOutsideAuditedClassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.AuditAttributeOutsideAuditedClass];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (AuditingSymbols.From(start.Compilation) is not { } symbols)
            {
                return;
            }

            // Built on first need (an attribute on a concrete, unaudited, unsealed class), once per compilation.
            var assembly = start.Compilation.Assembly;
            var cancellationToken = start.CancellationToken;
            var auditedBases = new Lazy<ImmutableHashSet<INamedTypeSymbol>>(
                () => BasesOfAuditedClasses(assembly, symbols, cancellationToken),
                LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, symbols, auditedBases), SymbolKind.Property);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, AuditingSymbols symbols, Lazy<ImmutableHashSet<INamedTypeSymbol>> auditedBases)
    {
        var property = (IPropertySymbol)context.Symbol;
        var type = property.ContainingType;
        var ignore = AuditingSymbols.Find(property, symbols.AuditIgnore);
        var mask = AuditingSymbols.Find(property, symbols.AuditMask);
        if ((ignore is null && mask is null)
            || type is null
            || type.IsAbstract
            || symbols.IsAudited(type)
            || (type.TypeKind == TypeKind.Class && auditedBases.Value.Contains(type.OriginalDefinition)))
        {
            return;
        }

        Report(context, property, ignore, "AuditIgnore");
        Report(context, property, mask, "AuditMask");
    }

    private static void Report(SymbolAnalysisContext context, IPropertySymbol property, AttributeData? attribute, string attributeName)
    {
        if (attribute?.ApplicationSyntaxReference is { } reference)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.AuditAttributeOutsideAuditedClass,
                reference.GetSyntax(context.CancellationToken).GetLocation(),
                attributeName,
                property.Name,
                property.ContainingType.Name));
        }
    }

    /// <summary>
    /// The base classes (their definitions, for generic ones) of the <c>[Audited]</c> classes declared in
    /// <paramref name="assembly"/>: the classes whose properties, attributes included, those descriptors list.
    /// </summary>
    private static ImmutableHashSet<INamedTypeSymbol> BasesOfAuditedClasses(IAssemblySymbol assembly, AuditingSymbols symbols, CancellationToken cancellationToken)
    {
        var bases = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var container = pending.Pop();
            if (container is INamespaceSymbol ns)
            {
                foreach (var member in ns.GetMembers())
                {
                    pending.Push(member);
                }

                continue;
            }

            var type = (INamedTypeSymbol)container;
            foreach (var nested in type.GetTypeMembers())
            {
                pending.Push(nested);
            }

            if (type.TypeKind == TypeKind.Class && symbols.IsAudited(type))
            {
                for (var current = type.BaseType; current is { SpecialType: not SpecialType.System_Object }; current = current.BaseType)
                {
                    bases.Add(current.OriginalDefinition);
                }

                AddValueObjects(type, [type], bases);
            }
        }

        return bases.ToImmutable();
    }

    /// <summary>
    /// The value objects whose properties the descriptor of <paramref name="type"/> lists flattened (<c>Address.City</c>),
    /// walked as the generator walks them: <paramref name="path"/> holds the types being flattened, to the same depth.
    /// </summary>
    private static void AddValueObjects(INamedTypeSymbol type, List<INamedTypeSymbol> path, ImmutableHashSet<INamedTypeSymbol>.Builder found)
    {
        foreach (var property in AuditedProperties.Mapped(type))
        {
            if (!property.IsIgnored
                && AuditedProperties.ValueObject(property.Symbol.Type) is { } valueObject
                && path.Count < AuditedProperties.MaxValueObjectDepth
                && !path.Contains(valueObject, SymbolEqualityComparer.Default))
            {
                found.Add(valueObject.OriginalDefinition);
                path.Add(valueObject);
                AddValueObjects(valueObject, path, found);
                path.RemoveAt(path.Count - 1);
            }
        }
    }
}
