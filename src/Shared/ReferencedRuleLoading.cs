using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): the generator names the type it loads each
// referenced rule assembly through, and the analyzer that reports an assembly it cannot load (ST5012) asks the same question.
namespace ServerTools.Shared;

/// <summary>
/// Which type of a referenced rule assembly (see <see cref="ReferencedRuleAssemblies"/>) the generated loader of a
/// compilation names in <c>typeof</c> to run that assembly's module initializer, and why there is none when there is none.
/// </summary>
internal static class ReferencedRuleLoading
{
    /// <summary>The namespace of the generated ServerTools classes (whose names every such assembly has), with the dot.</summary>
    private const string GeneratedNamespace = "ServerTools.Generated.";

    /// <summary>
    /// Each referenced rule assembly of <paramref name="compilation"/> (see <see cref="ReferencedRuleAssemblies.Of"/>) with the
    /// type its loader names, or why it names none (see <see cref="Loadable"/>); in reference order. None when the
    /// compilation gets no loader at all: it does not reference the ServerTools runtime, or its language version is before
    /// C# 9 (a module initializer needs C# 9, so such a project gets no loader rather than CS8400).
    /// </summary>
    public static IEnumerable<(RuleAssembly Assembly, INamedTypeSymbol? Type, Unloadable Reason)> Of(Compilation compilation, CancellationToken cancellationToken)
    {
        if (compilation is CSharpCompilation { LanguageVersion: < LanguageVersion.CSharp9 }
            || compilation.GetTypeByMetadataName(AttributeNames.ExceptionRule) is not { } attribute)
        {
            yield break;
        }

        foreach (var assembly in ReferencedRuleAssemblies.Of(compilation, attribute.ContainingAssembly.Name, cancellationToken))
        {
            var (type, reason) = Loadable(compilation, assembly);
            yield return (assembly, type, reason);
        }
    }

    /// <summary>
    /// The type of <paramref name="assembly"/> the loader of <paramref name="compilation"/> names: a public rule class (the
    /// first by metadata name), else a public top-level type, else one the compilation sees through
    /// <c>InternalsVisibleTo</c>, each only when <c>typeof(global::N.T)</c> compiles in the compilation without a warning
    /// (see <see cref="Nameable"/>); or, when there is none, why.
    /// </summary>
    private static (INamedTypeSymbol? Type, Unloadable Reason) Loadable(Compilation compilation, RuleAssembly assembly)
    {
        if (!IsGlobal(compilation, assembly.Assembly))
        {
            return (null, Unloadable.ExternAlias);
        }

        var rules = assembly.Rules.Select(static rule => rule.Type)
            .OrderBy(static type => ReferencedRuleAssemblies.MetadataName(type), StringComparer.Ordinal)
            .ToList();
        var candidates = rules.Where(static type => type.DeclaredAccessibility is Accessibility.Public)
            .Concat(assembly.TopLevelTypes.Where(static type => type.DeclaredAccessibility is Accessibility.Public))
            .Concat(rules.Where(static type => type.DeclaredAccessibility is not Accessibility.Public))
            .Concat(assembly.TopLevelTypes.Where(static type => type.DeclaredAccessibility is not Accessibility.Public));
        if (candidates.FirstOrDefault(type => Nameable(compilation, type)) is { } loadable)
        {
            return (loadable, Unloadable.None);
        }

        if (ObsoleteSymbols.IsMarked(assembly.Assembly.GetAttributes())
            || assembly.Assembly.Modules.Any(static module => ObsoleteSymbols.IsMarked(module.GetAttributes())))
        {
            return (null, Unloadable.ObsoleteOrExperimental);
        }

        return assembly.TopLevelTypes.Any(type => !IsGenerated(type) && compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
            ? (null, Unloadable.NoNameableType)
            : (null, Unloadable.AllInternal);
    }

    /// <summary>Whether the types of <paramref name="assembly"/> are in the global namespace of the compilation (its reference has no extern alias, or has <c>global</c> among them).</summary>
    private static bool IsGlobal(Compilation compilation, IAssemblySymbol assembly)
        => compilation.GetMetadataReference(assembly)?.Properties.Aliases is not { IsDefaultOrEmpty: false } aliases || aliases.Contains("global");

    /// <summary>Whether <paramref name="type"/> is a generated ServerTools class, whose name every such assembly has.</summary>
    private static bool IsGenerated(INamedTypeSymbol type)
        => ReferencedRuleAssemblies.MetadataName(type).StartsWith(GeneratedNamespace, StringComparison.Ordinal);

    /// <summary>
    /// Whether generated code of <paramref name="compilation"/> can write <c>typeof(global::N.T)</c> for
    /// <paramref name="type"/> without an error or a warning: not generic, a name C# can write, not obsolete or experimental
    /// (nor its module or assembly), accessible, and the type the name binds to (<see cref="BindsTo"/>), and not a generated
    /// ServerTools class (whose name every assembly has).
    /// </summary>
    private static bool Nameable(Compilation compilation, INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.Arity > 0 || !current.CanBeReferencedByName || ObsoleteSymbols.IsMarked(current.GetAttributes()))
            {
                return false;
            }
        }

        return !IsGenerated(type)
            && !ObsoleteSymbols.IsMarked(type.ContainingModule.GetAttributes())
            && !ObsoleteSymbols.IsMarked(type.ContainingAssembly.GetAttributes())
            && compilation.IsSymbolAccessibleWithin(type, compilation.Assembly)
            && SymbolEqualityComparer.Default.Equals(compilation.GetTypeByMetadataName(ReferencedRuleAssemblies.MetadataName(type)), type)
            && BindsTo(compilation, type);
    }

    /// <summary>
    /// Whether <c>global::N1.N2.T</c> binds to <paramref name="type"/> in <paramref name="compilation"/>: each namespace
    /// of the name is only a namespace in the compilation's global namespace (no type of the compilation or of another
    /// reference has its name: CS0426, CS0434, CS0118), and each type of it is the one type of that name there.
    /// </summary>
    private static bool BindsTo(Compilation compilation, INamedTypeSymbol type)
    {
        var namespaces = new Stack<string>();
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            namespaces.Push(ns.Name);
        }

        var types = new Stack<INamedTypeSymbol>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            types.Push(current);
        }

        INamespaceOrTypeSymbol scope = compilation.GlobalNamespace;
        foreach (var name in namespaces)
        {
            var members = scope.GetMembers(name);
            if (members.Length != 1 || members[0] is not INamespaceSymbol inner)
            {
                return false;
            }

            scope = inner;
        }

        foreach (var expected in types)
        {
            var members = scope.GetMembers(expected.Name);
            if (members.Length != 1 || !SymbolEqualityComparer.Default.Equals(members[0], expected))
            {
                return false;
            }

            scope = expected;
        }

        return true;
    }
}

/// <summary>Why the loader of a compilation names no type of a referenced rule assembly.</summary>
internal enum Unloadable
{
    /// <summary>It names one.</summary>
    None,

    /// <summary>The compilation references the assembly only through an extern alias, so <c>global::</c> does not reach its types.</summary>
    ExternAlias,

    /// <summary>The compilation can see none of its types: all are internal, and it shows them to the compilation with no <c>InternalsVisibleTo</c>.</summary>
    AllInternal,

    /// <summary>
    /// The assembly or its module is <c>[Experimental]</c> (or, in metadata another language wrote, <c>[Obsolete]</c>), so
    /// naming any of its types draws a diagnostic.
    /// </summary>
    ObsoleteOrExperimental,

    /// <summary>
    /// Each type the compilation can see is generic, <c>[Obsolete]</c> or <c>[Experimental]</c>, or its name binds to
    /// something else in the compilation (a type has the name of one of its namespaces).
    /// </summary>
    NoNameableType,
}
