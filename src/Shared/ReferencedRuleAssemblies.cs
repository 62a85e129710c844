using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked), so the generator that loads the code rules
// of referenced assemblies and the analyzers that compare with them (ST5001, ST5010, ST5011) see the same rules.
namespace ServerTools.Shared;

/// <summary>
/// The code rules (classes marked <c>[ExceptionRule]</c>) of the assemblies a compilation references, read once per
/// <see cref="IAssemblySymbol"/>: a metadata assembly's symbol is reused by every compilation while the references do not
/// change, so the walk of its types is not repeated on every edit; and only the assemblies the ServerTools generator gave a
/// rule registry or a loader are walked at all (see <see cref="Read"/>).
/// </summary>
internal static class ReferencedRuleAssemblies
{
    /// <summary>
    /// The metadata name of the class the generator emits in an assembly whose module initializer loads the code rules of
    /// the assemblies it references, so an assembly that references it loads it in turn (App, then Data, then Rules).
    /// </summary>
    public const string LoaderMetadataName = "ServerTools.Generated." + LoaderClassName;

    /// <summary>The simple name of the class of <see cref="LoaderMetadataName"/>.</summary>
    public const string LoaderClassName = "ReferencedExceptionRules";

    /// <summary>
    /// The metadata name of the class the generator emits in an assembly that has at least one valid code rule: its
    /// registry, whose module initializer registers the rules. An assembly without it registers no code rule at run time.
    /// </summary>
    public const string RegistryMetadataName = "ServerTools.Generated." + RegistryClassName;

    /// <summary>The simple name of the class of <see cref="RegistryMetadataName"/>.</summary>
    public const string RegistryClassName = "ExceptionRuleRegistration";

    private static readonly ConditionalWeakTable<IAssemblySymbol, RuleAssembly> s_assemblies = new();

    /// <summary>
    /// The referenced assemblies of <paramref name="compilation"/> that hold the generated rule registry (and reference the
    /// ServerTools runtime, named <paramref name="runtime"/>) or the generated rule loader, with what they hold; in reference order.
    /// </summary>
    public static IEnumerable<RuleAssembly> Of(Compilation compilation, string runtime, CancellationToken cancellationToken)
    {
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!s_assemblies.TryGetValue(assembly, out var read))
            {
                read = s_assemblies.GetValue(assembly, key => Read(key, runtime, cancellationToken));
            }

            if (!read.IsEmpty)
            {
                yield return read;
            }
        }
    }

    /// <summary>Whether <paramref name="assembly"/> is not the runtime and references it by name.</summary>
    private static bool ReferencesRuntime(IAssemblySymbol assembly, string runtime)
        => assembly.Name != runtime && assembly.Modules.Any(module => module.ReferencedAssemblies.Any(identity => identity.Name == runtime));

    /// <summary>
    /// What <paramref name="assembly"/> holds: its code rules when it has the generated registry (<see cref="RegistryMetadataName"/>)
    /// and references the runtime, and whether it has the generated loader (<see cref="LoaderMetadataName"/>). Both are
    /// looked up by name first (<c>GetTypeByMetadataName</c> finds internal types too), so an assembly with neither, the
    /// common case, is not walked: in the IDE every edit of a referenced project gives a new assembly symbol, and a walk binds
    /// the attributes of all its types. An assembly whose rules are all invalid has no registry, registers no rule at run
    /// time, and is not read either. An assembly whose only generated code is the loader need not reference the runtime, as
    /// the compiler keeps only the references an assembly uses.
    /// </summary>
    private static RuleAssembly Read(IAssemblySymbol assembly, string runtime, CancellationToken cancellationToken)
    {
        var hasLoader = assembly.GetTypeByMetadataName(LoaderMetadataName) is not null;
        var rules = new List<RuleClass>();
        if (assembly.GetTypeByMetadataName(RegistryMetadataName) is not null && ReferencesRuntime(assembly, runtime))
        {
            AddRules(assembly.GlobalNamespace, rules, cancellationToken);
        }

        if (rules.Count == 0 && !hasLoader)
        {
            return new RuleAssembly(assembly, [], [], hasLoader: false);
        }

        var topLevel = new List<INamedTypeSymbol>();
        AddTopLevel(assembly.GlobalNamespace, topLevel);
        return new RuleAssembly(
            assembly,
            rules.ToImmutableArray(),
            topLevel.OrderBy(static type => MetadataName(type), StringComparer.Ordinal).ToImmutableArray(),
            hasLoader);
    }

    private static void AddRules(INamespaceOrTypeSymbol container, List<RuleClass> rules, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                AddRules(ns, rules, cancellationToken);
            }
            else if (member is INamedTypeSymbol type)
            {
                // By name: a referenced assembly's attribute class may be another symbol of the same type (a project reference).
                if (MetadataNames.Find(type, AttributeNames.ExceptionRule) is { } attribute)
                {
                    rules.Add(new RuleClass(type, attribute));
                }

                AddRules(type, rules, cancellationToken);
            }
        }
    }

    private static void AddTopLevel(INamespaceSymbol ns, List<INamedTypeSymbol> types)
    {
        types.AddRange(ns.GetTypeMembers());
        foreach (var inner in ns.GetNamespaceMembers())
        {
            AddTopLevel(inner, types);
        }
    }

    /// <summary>The name <c>GetTypeByMetadataName</c> finds a top-level or nested type by (<c>Namespace.Outer+Inner`1</c>).</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        if (type.ContainingType is { } outer)
        {
            return MetadataName(outer) + "+" + type.MetadataName;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;
    }
}

/// <summary>
/// A referenced assembly that references the ServerTools runtime: its code rules in declaration order, its top-level types
/// ordered by metadata name, and whether it has the generated loader of the rules of the assemblies it references.
/// </summary>
internal sealed class RuleAssembly(IAssemblySymbol assembly, ImmutableArray<RuleClass> rules, ImmutableArray<INamedTypeSymbol> topLevelTypes, bool hasLoader)
{
    /// <summary>The assembly.</summary>
    public IAssemblySymbol Assembly { get; } = assembly;

    /// <summary>
    /// Its classes marked <c>[ExceptionRule]</c>, nested ones too, valid or not, when it has the generated registry (it has
    /// a valid one); else none.
    /// </summary>
    public ImmutableArray<RuleClass> Rules { get; } = rules;

    /// <summary>Its top-level types of any accessibility, ordered by metadata name (ordinal).</summary>
    public ImmutableArray<INamedTypeSymbol> TopLevelTypes { get; } = topLevelTypes;

    /// <summary>Whether it has the generated class that loads the code rules of the assemblies it references.</summary>
    public bool HasLoader { get; } = hasLoader;

    /// <summary>Whether it has neither code rules nor a loader, so loading it registers no rule.</summary>
    public bool IsEmpty => Rules.IsEmpty && !HasLoader;
}

/// <summary>A class marked <c>[ExceptionRule]</c>, with the attribute.</summary>
internal sealed record RuleClass(INamedTypeSymbol Type, AttributeData Attribute);
