using Microsoft.CodeAnalysis;

namespace ServerTools.Analyzers;

/// <summary>
/// Every ServerTools diagnostic, in one place. IDs by feature: ST0xxx general, ST1xxx auditing,
/// ST2xxx tracking, ST3xxx fuzzy search, ST4xxx time windows, ST5xxx rules, ST9xxx module metrics.
/// Each has a page at docs/diagnostics/{id}.md and an entry in AnalyzerReleases.Unshipped.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>Where the docs pages live; the help link of every descriptor points below it.</summary>
    public const string HelpLinkBase = "https://github.com/servertools/servertools/blob/main/docs/diagnostics/";

    public static class Categories
    {
        public const string General = "ServerTools.General";
    }

    /// <summary>ST0001: a class with a ServerTools attribute (or a type that contains one) is not partial.</summary>
    public static readonly DiagnosticDescriptor TypeMustBePartial = new(
        id: "ST0001",
        title: "A class with a ServerTools attribute must be partial",
        messageFormat: "'{0}' must be declared partial: ServerTools generates code for [{1}] on '{2}'",
        category: Categories.General,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "ServerTools generates members for classes marked with its attributes. A class that is not partial, "
                     + "or that is nested in a type that is not partial, gets no generated code, so the feature silently does nothing. "
                     + "Add the 'partial' modifier to the class and to every type that contains it.",
        helpLinkUri: HelpLinkBase + "ST0001.md");
}
