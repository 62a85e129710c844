using System.Collections.Immutable;
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
            foreach (var (assembly, type, reason) in ReferencedRuleLoading.Of(end.Compilation, end.CancellationToken))
            {
                if (type is null)
                {
                    end.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.RuleAssemblyNotLoaded,
                        Location.None,
                        assembly.Assembly.Name,
                        assembly.Rules.IsEmpty ? "loads the exception rules of the assemblies it references" : "holds exception rules",
                        Why(reason),
                        Fix(reason)));
                }
            }
        });
    }

    private static string Why(Unloadable reason) => reason switch
    {
        Unloadable.ExternAlias => "this project references it only through an extern alias, which generated code cannot know",
        Unloadable.AllInternal => "all its types are internal, and it shows them to this project with no [InternalsVisibleTo]",
        Unloadable.ObsoleteOrExperimental => "it (or its module) is marked [Experimental], so naming any of its types draws a diagnostic",
        _ => "each of its types this project can see is generic, [Obsolete] or [Experimental], or has a name that means something else "
             + "here (a type of this project or of another reference has the name of one of its namespaces, as a class 'Shop.Rules' "
             + "beside the namespace 'Shop.Rules')",
    };

    private static string Fix(Unloadable reason) => reason switch
    {
        Unloadable.ExternAlias => "reference it without an alias as well (add 'global' to the reference's Aliases), or use one of its types from this project",
        Unloadable.AllInternal => "make one type of it public (a rule class, or a public static marker class), or use one of its types from this project",
        Unloadable.ObsoleteOrExperimental => "remove [Experimental] from the assembly, or use one of its types from this project",
        _ => "add a public, non-generic type to it in a namespace that no type here is named after (a public static marker class), "
             + "or use one of its types from this project",
    };
}
