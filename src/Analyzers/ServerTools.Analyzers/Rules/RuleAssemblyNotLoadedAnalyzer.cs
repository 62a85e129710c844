using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5012: an assembly the compilation references holds code rules (it has the generated registry) or loads those of its
/// own references (it has the generated loader), and the compilation's generated loader of referenced rules names none of
/// its types, so nothing loads it unless the application uses one of its types, and its rules, blocking ones too, do not
/// run. The decision is the generator's own (<see cref="ReferencedRuleLoading.Of"/>, linked into both). Reported once
/// per such assembly with no location (it is about a reference, not about a line of the project), once the compilation is
/// seen; nothing is reported where the generator emits no loader at all (no ServerTools runtime, or C# before 9).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RuleAssemblyNotLoadedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.RuleAssemblyNotLoaded];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationAction(static end =>
        {
            HashSet<IAssemblySymbol>? referenced = null;
            foreach (var (assembly, type, reason) in ReferencedRuleLoading.Of(end.Compilation, end.CancellationToken))
            {
                if (type is not null)
                {
                    continue;
                }

                // An assembly with no rules of its own matters only for the rules it alone would load.
                var unreferenced = assembly.Rules.IsEmpty ? Unreferenced(end.Compilation, assembly.Assembly, ref referenced) : [];
                if (assembly.Rules.IsEmpty && unreferenced.Count == 0)
                {
                    continue;
                }

                var names = string.Join(", ", unreferenced.Take(3).Select(static name => $"'{name}'")) + (unreferenced.Count > 3 ? $" and {unreferenced.Count - 3} more" : "");
                end.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.RuleAssemblyNotLoaded,
                    Location.None,
                    assembly.Assembly.Name,
                    assembly.Rules.IsEmpty
                        ? $"has no rules of its own but loads those of the assemblies it references, and this project does not reference {names} (which may hold rules only '{assembly.Assembly.Name}' loads)"
                        : "holds exception rules",
                    Why(reason),
                    assembly.Rules.IsEmpty ? $"reference {names} from this project if it holds rules (it is then loaded, or named by ST5012, itself), or {Fix(reason)}" : Fix(reason)));
            }
        });
    }

    /// <summary>
    /// The names of the assemblies <paramref name="loader"/> (an assembly with a loader and no rules of its own) references
    /// and the compilation does not, in ordinal order, that may hold rules only loading <paramref name="loader"/> would
    /// load: any of a metadata reference (what the compilation lacks it cannot see), and of a project reference in the IDE,
    /// which is the project's compilation and sees all its references, those with the generated rule registry or loader (a
    /// package of its own, such as EF Core's Design, or a project of type forwarders, is no reason for a warning). None when the
    /// compilation references all of them: a build with the SDK passes a project the references of the projects it references, so the compilation references
    /// the rule assemblies that <paramref name="loader"/> loads and handles each itself (loads it, or reports it); an
    /// application made of top-level statements, whose types are all internal, is then no reason for a warning in its test
    /// project.
    /// </summary>
    private static List<string> Unreferenced(Compilation compilation, IAssemblySymbol loader, ref HashSet<IAssemblySymbol>? referenced)
    {
        referenced ??= new HashSet<IAssemblySymbol>(compilation.SourceModule.ReferencedAssemblySymbols, SymbolEqualityComparer.Default);

        // A project reference in the IDE is the project's compilation, whose references this compilation lacks are missing
        // here; its own compilation sees them.
        var own = compilation.GetMetadataReference(loader) is CompilationReference { Compilation: var source }
            ? source.SourceModule.ReferencedAssemblySymbols
            : [];
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var module in loader.Modules)
        {
            foreach (var assembly in module.ReferencedAssemblySymbols)
            {
                if (!referenced.Contains(assembly) && (own.FirstOrDefault(seen => seen.Name == assembly.Name) is not { } seen || HasRegistryOrLoader(seen)))
                {
                    names.Add(assembly.Name);
                }
            }
        }

        return [.. names];
    }

    /// <summary>Whether <paramref name="assembly"/> has the generated rule registry or loader.</summary>
    private static bool HasRegistryOrLoader(IAssemblySymbol assembly)
        => assembly.GetTypeByMetadataName(ReferencedRuleAssemblies.RegistryMetadataName) is not null
           || assembly.GetTypeByMetadataName(ReferencedRuleAssemblies.LoaderMetadataName) is not null;

    private static string Why(Unloadable reason) => reason switch
    {
        Unloadable.ExternAlias => "this project references it only through an extern alias, which generated code cannot know",
        Unloadable.AllInternal => "all its types are internal, and it has no [InternalsVisibleTo] for this project",
        Unloadable.ObsoleteOrExperimental => "it (or its module) is marked [Experimental], so naming any of its types draws a diagnostic",
        _ => "each of its types this project can see is generic, [Obsolete] or [Experimental], or has a name that means something else "
             + "here (a type of this project or of another reference has the name of one of its namespaces, as a class 'Shop.Rules' "
             + "beside the namespace 'Shop.Rules')",
    };

    private static string Fix(Unloadable reason) => reason switch
    {
        Unloadable.ExternAlias => "reference it without an alias as well (add 'global' to the reference's Aliases), or suppress ST5012 for this project if the application loads it another way",
        Unloadable.AllInternal => "make one type of it public (a rule class, or a public static marker class), or suppress ST5012 for this project if the application loads it another way",
        Unloadable.ObsoleteOrExperimental => "remove [Experimental] from the assembly, or suppress ST5012 for this project if the application loads it another way",
        _ => "add a public, non-generic type to it in a namespace that no type here is named after (a public static marker class), "
             + "or suppress ST5012 for this project if the application loads it another way",
    };
}
