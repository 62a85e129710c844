using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.TimeWindows;

/// <summary>
/// ST4004 and ST4005: the members that <c>[TimeWindowed]</c> adds to a class. A base class marked <c>[TimeWindowed]</c>
/// already gives them (ST4005, at the attribute); a member of the class or a visible member of a base class with one of
/// their names would collide with one (ST4004, at the member when the class declares it, else at the attribute). The
/// generator skips the first kind of class, which keeps the base class's members; it still writes the members of the
/// second, and the compiler's error in the generated file (CS0102, CS0111, CS0108) comes with ST4004 at the member.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TimeWindowMemberAnalyzer : TimeWindowedClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.TimeWindowMemberCollision,
        DiagnosticDescriptors.TimeWindowedTwice,
    ];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (TimeWindowMembers.TimeWindowedBase(type) is { } timeWindowedBase)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TimeWindowedTwice, syntax.GetLocation(), type.Name, timeWindowedBase.Name));
            return;
        }

        foreach (var member in TimeWindowMembers.Collisions(type))
        {
            var declared = member.ContainingType.Equals(type, SymbolEqualityComparer.Default);
            var location = declared && member.Locations.FirstOrDefault(static l => l.IsInSource) is { } own ? own : syntax.GetLocation();
            var owner = member.ContainingType.Name;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.TimeWindowMemberCollision,
                location,
                type.Name,
                declared ? $"declares '{Display(member)}'" : $"inherits '{Display(member)}' from '{owner}'",
                declared ? "" : $" in '{owner}'"));
        }
    }

    /// <summary>The member's name, with the parameter types of a method: <c>IsOpenAt(DateTimeOffset)</c>.</summary>
    private static string Display(ISymbol member)
        => member is IMethodSymbol method ? member.Name + "(" + string.Join(", ", method.Parameters.Select(static p => p.Type.Name)) + ")" : member.Name;
}
