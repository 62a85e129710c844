using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.TimeWindows;

/// <summary>
/// Generates, for every partial class or record marked <c>[TimeWindowed]</c>, the opening-hours members (<c>TimeWindows</c>,
/// <c>SpecialDays</c>, <c>IsOpenAt</c>, <c>NextOpening</c>, <c>NextClosing</c>, <c>OpenIntervals</c>, and
/// <c>ITimeWindowed</c>), which delegate to the runtime's <c>TimeWindowSchedule</c>, and a static class with the
/// queryable <c>WhereOpenAt</c>. Invalid input (a class that is not partial, a generic or file-local class, a time zone property that
/// is missing or not a string, both a time zone and a time zone property) is skipped here and reported by the analyzers.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class TimeWindowedGenerator : IIncrementalGenerator
{
    /// <summary>Names of the tracked pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>The parsed entity, or null when the class is skipped.</summary>
        public const string Parse = "TimeWindowed.Parse";

        /// <summary>
        /// The entities that get opening-hours code, each with the name of its file and of its extension class (unique in
        /// its namespace), in ordinal order of their metadata names.
        /// </summary>
        public const string Entities = "TimeWindowed.Entities";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var entities = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.TimeWindowed,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(Steps.Parse)
            .Where(static entity => entity is not null)
            .Collect()
            .SelectMany(static (all, _) => GeneratedNames.Files(
                GeneratedNames.UniqueClassNames(
                    all.Select(static entity => entity!).OrderBy(static entity => entity.Hierarchy.MetadataName, StringComparer.Ordinal).ToList(),
                    static entity => entity.Hierarchy,
                    static entity => entity.ExtensionsClass,
                    static (entity, name) => entity with { ExtensionsClass = name },
                    Parser.ExtensionsSuffix),
                static entity => entity.Hierarchy,
                "TimeWindows"))
            .WithTrackingName(Steps.Entities);

        context.RegisterSourceOutput(
            entities,
            static (output, file) => output.AddSource(file.HintName, Emitter.Emit(file.Model)));
    }
}
