using Microsoft.CodeAnalysis;

namespace ServerTools.Analyzers;

/// <summary>
/// Every suppression ServerTools makes of another analyzer's diagnostic, in one place. Ids are <c>ST{feature}S{nn}</c>
/// (ST2S01: tracking's first), apart from the diagnostics' <c>ST{feature}{nnn}</c>. Each has a page at
/// docs/diagnostics/{id}.md and a row in the suppressions table of docs/diagnostics/README.md.
/// </summary>
internal static class SuppressionDescriptors
{
    /// <summary>ST2S01: CA1822 ("can be marked static") on the implementation of a change hook the tracking generator declares.</summary>
    public static readonly SuppressionDescriptor ChangeHookCanBeStatic = new(
        id: "ST2S01",
        suppressedDiagnosticId: "CA1822",
        justification: "The change hook 'partial void OnXChanged(T oldValue, T newValue)' is declared by ServerTools as an instance method: "
                       + "an implementation cannot be static (CS0763), and it runs for the entity that changed.");
}
