using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Analyzers.Tracking;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1002: <c>[AuditIgnore]</c> or <c>[AuditMask]</c> on a property of a type whose descriptor can never include it: a
/// type that is not <c>[Audited]</c> or tracked, not abstract, not a base class of an <c>[Audited]</c> or tracked class of
/// the same compilation, not a value object or struct whose properties such a class logs flattened (<c>Address.City</c>,
/// <see cref="AuditedProperties.Flattened"/>), and not a type held by a field such a class logs or tracks as one value
/// (a struct with a value converter, whose members' marks protect the whole field: <see cref="AuditedProperties.HeldTypes"/>).
/// Abstract classes pass: their properties are audited in audited subclasses, wherever those are. A concrete base class
/// whose audited subclasses live in another project cannot be told apart and is reported. A tracked class (marked
/// <c>[Tracked]</c> or declaring a <c>[Tracked]</c> property) passes: its outbox messages leave out or mask such a
/// property.
/// <para>ST1007, in the same pass over the attributes that do apply: <c>[AuditMask]</c> or <c>[AuditIgnore]</c> on a
/// property EF Core takes for the key of its class (<see cref="IsKey"/>). The lines leave it out or mask it, but every
/// log, outbox message and stored rule violation of the entity names it in clear as its EntityKey.</para>
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AuditAttributeOutsideAuditedClassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.AuditAttributeOutsideAuditedClass, DiagnosticDescriptors.MaskedKeyWrittenInClear];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var compilation = start.Compilation;
            var symbols = LazySymbols.Of(compilation, AuditingSymbols.From);
            var tracking = LazySymbols.Of(compilation, TrackingSymbols.From);

            // Built on first need (an attribute on a concrete type that is neither audited nor tracked), once per compilation;
            // Analyze asks for it only once the auditing symbols have resolved.
            var cancellationToken = start.CancellationToken;
            var loggedBases = new Lazy<ImmutableHashSet<INamedTypeSymbol>>(
                () => BasesOfLoggedClasses(compilation.Assembly, symbols.Value!, tracking.Value, cancellationToken),
                LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbols.Value is { } resolved)
                    {
                        Analyze(symbolContext, resolved, tracking.Value, loggedBases);
                    }
                },
                SymbolKind.Property);
        });
    }

    private static void Analyze(
        SymbolAnalysisContext context,
        AuditingSymbols symbols,
        TrackingSymbols? tracking,
        Lazy<ImmutableHashSet<INamedTypeSymbol>> loggedBases)
    {
        var property = (IPropertySymbol)context.Symbol;
        var type = property.ContainingType;
        var ignore = AuditingSymbols.Find(property, symbols.AuditIgnore);
        var mask = AuditingSymbols.Find(property, symbols.AuditMask);
        if ((ignore is null && mask is null) || type is null)
        {
            return;
        }

        if (type.IsAbstract
            || symbols.IsAudited(type)
            || tracking?.IsTrackedClass(type) == true
            || (type.TypeKind is TypeKind.Class or TypeKind.Struct && loggedBases.Value.Contains(type.OriginalDefinition)))
        {
            if (IsKey(property, type))
            {
                Report(context, DiagnosticDescriptors.MaskedKeyWrittenInClear, property, ignore, "AuditIgnore");
                Report(context, DiagnosticDescriptors.MaskedKeyWrittenInClear, property, mask, "AuditMask");
            }

            return;
        }

        Report(context, DiagnosticDescriptors.AuditAttributeOutsideAuditedClass, property, ignore, "AuditIgnore");
        Report(context, DiagnosticDescriptors.AuditAttributeOutsideAuditedClass, property, mask, "AuditMask");
    }

    /// <summary>
    /// Whether EF Core takes <paramref name="property"/> for (a part of) the key of <paramref name="type"/> by its
    /// attributes and conventions: named in the <c>[PrimaryKey]</c> of the class or of its nearest base class that has
    /// one; else, when a property of the class is <c>[Key]</c> (on any declaration of its name), marked so; else named
    /// <c>Id</c> or <c>{Type}Id</c>, in any case. A key configured in <c>OnModelCreating</c> (<c>HasKey</c>) is not seen.
    /// </summary>
    private static bool IsKey(IPropertySymbol property, INamedTypeSymbol type)
    {
        foreach (var declaringType in AuditedProperties.BaseFirst(type).Reverse())
        {
            if (MetadataNames.Find(declaringType, AttributeNames.PrimaryKey) is { } primaryKey)
            {
                return primaryKey.ConstructorArguments.Any(argument => argument.Kind == TypedConstantKind.Array
                    ? argument.Values.Any(value => value.Value as string == property.Name)
                    : argument.Value as string == property.Name);
            }
        }

        var keyed = false;
        foreach (var declaringType in AuditedProperties.BaseFirst(type))
        {
            foreach (var member in declaringType.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false } candidate && MetadataNames.HasAttribute(candidate, AttributeNames.Key))
                {
                    if (candidate.Name == property.Name)
                    {
                        return true;
                    }

                    keyed = true;
                }
            }
        }

        return !keyed
               && (string.Equals(property.Name, "Id", StringComparison.OrdinalIgnoreCase)
                   || string.Equals(property.Name, type.Name + "Id", StringComparison.OrdinalIgnoreCase));
    }

    private static void Report(
        SymbolAnalysisContext context,
        DiagnosticDescriptor descriptor,
        IPropertySymbol property,
        AttributeData? attribute,
        string attributeName)
    {
        if (attribute?.ApplicationSyntaxReference is { } reference)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                descriptor,
                reference.GetSyntax(context.CancellationToken).GetLocation(),
                attributeName,
                property.Name,
                property.ContainingType.Name));
        }
    }

    /// <summary>
    /// The base classes (their definitions, for generic ones) of the <c>[Audited]</c> and tracked classes declared in
    /// <paramref name="assembly"/>, and the value objects the audited ones flatten: the classes whose properties,
    /// attributes included, their descriptors list.
    /// </summary>
    private static ImmutableHashSet<INamedTypeSymbol> BasesOfLoggedClasses(
        IAssemblySymbol assembly,
        AuditingSymbols symbols,
        TrackingSymbols? tracking,
        CancellationToken cancellationToken)
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

            var audited = type.TypeKind == TypeKind.Class && symbols.IsAudited(type);
            if (audited || tracking?.IsTrackedClass(type) == true)
            {
                for (var current = type.BaseType; current is { SpecialType: not SpecialType.System_Object }; current = current.BaseType)
                {
                    bases.Add(current.OriginalDefinition);
                }

                AddHeldTypes(type, bases);
            }

            if (audited)
            {
                AddValueObjects(type, [type], bases);
            }
        }

        return bases.ToImmutable();
    }

    /// <summary>
    /// The types held by the fields of <paramref name="type"/> that are one value whose text the model decides (a struct with
    /// a value converter, a collection of them): the marks of their members mask or leave out the whole field
    /// (<see cref="AuditedProperties.MemberMarks"/>).
    /// </summary>
    private static void AddHeldTypes(INamedTypeSymbol type, ImmutableHashSet<INamedTypeSymbol>.Builder found)
    {
        foreach (var property in AuditedProperties.Mapped(type))
        {
            foreach (var held in AuditedProperties.HeldTypes(property.Symbol))
            {
                found.Add(held.OriginalDefinition);
            }
        }
    }

    /// <summary>
    /// The value objects and structs whose properties the descriptor of <paramref name="type"/> lists flattened
    /// (<c>Address.City</c>), walked as the generator walks them: <paramref name="path"/> holds the types being
    /// flattened, to the same depth.
    /// </summary>
    private static void AddValueObjects(INamedTypeSymbol type, List<INamedTypeSymbol> path, ImmutableHashSet<INamedTypeSymbol>.Builder found)
    {
        foreach (var property in AuditedProperties.Mapped(type))
        {
            if (!property.IsIgnored
                && AuditedProperties.Flattened(property.Symbol) is { } valueObject
                && path.Count < AuditedProperties.MaxValueObjectDepth
                && !path.Contains(valueObject, SymbolEqualityComparer.Default))
            {
                found.Add(valueObject.OriginalDefinition);
                AddHeldTypes(valueObject, found);
                path.Add(valueObject);
                AddValueObjects(valueObject, path, found);
                path.RemoveAt(path.Count - 1);
            }
        }
    }
}
