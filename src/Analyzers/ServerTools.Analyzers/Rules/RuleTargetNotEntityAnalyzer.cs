using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5004: a rule class checks a type (the <c>T</c> of an <c>IExceptionRule&lt;T&gt;</c> it implements) that is not an
/// entity of a DbContext of the compilation, nor a base class or an interface of one. The entities are the <c>T</c> of
/// the <c>DbSet&lt;T&gt;</c> properties of the compilation's DbContext classes (base contexts included), of its
/// <c>IEntityTypeConfiguration&lt;T&gt;</c> classes and of its <c>modelBuilder.Entity&lt;T&gt;()</c> calls, and the types
/// those reach through navigation properties (a reference, or a collection of a class), as EF Core discovers them.
/// Nothing is reported when the compilation declares no DbContext: its entities are mapped in another project.
/// Reported at <c>IExceptionRule&lt;T&gt;</c> in the base list once the whole compilation is seen.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RuleTargetNotEntityAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.RuleTargetNotEntity];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, Symbols.From);
            var model = new Model();
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbols.Value is { } resolved)
                    {
                        Collect(symbolContext, resolved.Rules, resolved.Ef, model);
                    }
                },
                SymbolKind.NamedType);
            start.RegisterOperationAction(
                operationContext =>
                {
                    if (symbols.Value is { } resolved && MappedEntity((IInvocationOperation)operationContext.Operation, resolved.Ef) is { } entity)
                    {
                        model.Entities.Add(entity);
                    }
                },
                OperationKind.Invocation);
            start.RegisterCompilationEndAction(end =>
            {
                if (symbols.Value is { } resolved)
                {
                    Report(end, resolved.Ef, model);
                }
            });
        });
    }

    /// <summary>
    /// The entity type an invocation maps: <c>modelBuilder.Entity&lt;T&gt;()</c>, or a derived type given its discriminator
    /// value (<c>HasDiscriminator(...).HasValue&lt;T&gt;(value)</c>, <c>HasValue(typeof(T), value)</c>); else null.
    /// </summary>
    private static ITypeSymbol? MappedEntity(IInvocationOperation invocation, EfCoreSymbols ef)
    {
        var method = invocation.TargetMethod;
        if (method is { Name: "Entity", IsGenericMethod: true } && SymbolEqualityComparer.Default.Equals(method.ContainingType, ef.ModelBuilder))
        {
            return method.TypeArguments[0];
        }

        if (method.Name != "HasValue" || !EfCoreSymbols.IsDiscriminatorBuilder(method.ContainingType))
        {
            return null;
        }

        if (method.IsGenericMethod)
        {
            return method.TypeArguments[0];
        }

        return invocation.Arguments.Length == 2 && invocation.Arguments[0].Value is ITypeOfOperation type ? type.TypeOperand : null;
    }

    private static void Collect(SymbolAnalysisContext context, RulesSymbols symbols, EfCoreSymbols ef, Model model)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class)
        {
            return;
        }

        if (ef.IsContext(type))
        {
            model.HasContext = true;
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is IPropertySymbol { IsStatic: false, Type: INamedTypeSymbol set }
                        && SymbolEqualityComparer.Default.Equals(set.OriginalDefinition, ef.DbSet))
                    {
                        model.Entities.Add(set.TypeArguments[0]);
                    }
                }
            }
        }

        if (ef.Configuration is not null)
        {
            foreach (var configuration in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(configuration.OriginalDefinition, ef.Configuration))
                {
                    model.Entities.Add(configuration.TypeArguments[0]);
                }
            }
        }

        if (symbols.Find(type) is not null)
        {
            foreach (var target in ExceptionRuleClasses.RuleTargets(type, symbols.RuleInterface))
            {
                if (target is INamedTypeSymbol named && ExceptionRuleClasses.WhyNotTarget(named) is null)
                {
                    model.Targets.Add(new Target(type, named, RulesSymbols.InterfaceLocation(type, named, context.CancellationToken)));
                }
            }
        }
    }

    private static void Report(CompilationAnalysisContext context, EfCoreSymbols ef, Model model)
    {
        if (!model.HasContext || model.Targets.IsEmpty)
        {
            return;
        }

        var covered = Covered(Reachable(model.Entities, ef, context.CancellationToken));
        foreach (var target in model.Targets)
        {
            if (!covered.Contains(target.Entity))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.RuleTargetNotEntity, target.Location, target.Rule.Name, target.Entity.Name));
            }
        }
    }

    /// <summary>The entities and the types they reach through navigation properties, as EF Core's conventions discover them.</summary>
    private static HashSet<INamedTypeSymbol> Reachable(IEnumerable<ITypeSymbol> entities, EfCoreSymbols ef, CancellationToken cancellationToken)
    {
        var found = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<INamedTypeSymbol>(entities.OfType<INamedTypeSymbol>());
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entity = pending.Pop();
            if (!found.Add(entity))
            {
                continue;
            }

            for (var current = entity; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is IPropertySymbol { IsStatic: false, IsIndexer: false } property && Navigated(property.Type, ef) is { } related)
                    {
                        pending.Push(related);
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The class a property of type <paramref name="type"/> navigates to: the type itself, or the element of a collection;
    /// null for anything else, and for the framework's own classes (System.*, Microsoft.*), which are no entities and
    /// whose properties would lead the walk through the whole base class library.
    /// </summary>
    private static INamedTypeSymbol? Navigated(ITypeSymbol type, EfCoreSymbols ef)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface } named)
        {
            return null;
        }

        if (named.TypeKind == TypeKind.Class && !named.IsGenericType)
        {
            return IsFramework(named) ? null : named;
        }

        var element = SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ef.Enumerable)
            ? named
            : named.AllInterfaces.FirstOrDefault(candidate => SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, ef.Enumerable));
        return element?.TypeArguments[0] is INamedTypeSymbol { TypeKind: TypeKind.Class } item && !IsFramework(item) ? item : null;
    }

    private static bool IsFramework(INamedTypeSymbol type)
    {
        var outermost = type.ContainingNamespace;
        while (outermost is { ContainingNamespace.IsGlobalNamespace: false })
        {
            outermost = outermost.ContainingNamespace;
        }

        return outermost is { Name: "System" or "Microsoft" };
    }

    /// <summary>The entities, their base classes and the interfaces they implement: the types a rule may check.</summary>
    private static HashSet<ITypeSymbol> Covered(HashSet<INamedTypeSymbol> entities)
    {
        var covered = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var entity in entities)
        {
            for (var current = entity; current is not null; current = current.BaseType)
            {
                covered.Add(current);
            }

            covered.UnionWith(entity.AllInterfaces);
        }

        return covered;
    }

    /// <summary>What one compilation collects: whether it declares a DbContext, its entities, and the rules' targets.</summary>
    private sealed class Model
    {
        private int _hasContext;

        public bool HasContext
        {
            get => Volatile.Read(ref _hasContext) != 0;
            set => Volatile.Write(ref _hasContext, value ? 1 : 0);
        }

        public ConcurrentBag<ITypeSymbol> Entities { get; } = [];

        public ConcurrentBag<Target> Targets { get; } = [];
    }

    private sealed record Target(INamedTypeSymbol Rule, INamedTypeSymbol Entity, Location Location);

    /// <summary>The rule and EF Core types of one compilation, or null when it does not reference both.</summary>
    private sealed record Symbols(RulesSymbols Rules, EfCoreSymbols Ef)
    {
        public static Symbols? From(Compilation compilation)
            => RulesSymbols.From(compilation) is { } rules && EfCoreSymbols.From(compilation) is { } ef ? new Symbols(rules, ef) : null;
    }

}
