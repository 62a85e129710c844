using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.FuzzySearch;

/// <summary>
/// ST3005: a class marked <c>[FuzzySearchable]</c> that ends with no valid field (<see cref="FuzzySearchFields.Valid"/>
/// is empty): it names none and marks none, or every field it has is left out (ST3001-ST3004, ST3007, ST3008). The generator emits no
/// FuzzySearch for it. Reported at the attribute on the class.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SearchableClassWithoutFieldsAnalyzer : SearchableClassAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.SearchableClassWithoutFields];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol type, FuzzySearchSymbols symbols)
    {
        if (symbols.Find(type) is not { } attribute
            || FuzzySearchSymbols.Syntax(attribute, context.CancellationToken) is not { } syntax)
        {
            return;
        }

        var fields = FuzzySearchFields.Of(type);
        if (fields.Any(static field => field.Problem == FuzzyFieldProblem.None))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.SearchableClassWithoutFields,
            syntax.GetLocation(),
            type.Name,
            fields.Count == 0
                ? "it names no property, and none of its properties is marked [FuzzySearchable]; name its searchable string properties, "
                  + "as in [FuzzySearchable(nameof(Name))], or mark them [FuzzySearchable]"
                : "every field it names or marks is left out of the search; fix the warnings on them (ST3001-ST3004, ST3007, ST3008)"));
    }
}
