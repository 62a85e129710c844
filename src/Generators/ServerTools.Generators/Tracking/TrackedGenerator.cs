using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Shared;

namespace ServerTools.Generators.Tracking;

/// <summary>
/// Generates, for every partial class marked <c>[Tracked]</c> or with properties marked <c>[Tracked]</c>, a
/// <c>partial void On{Name}Changed</c> hook per tracked property, the typed <c>TrackedFields</c>, and the tracking
/// descriptor, registered with the runtime from a module initializer. Invalid input (a class that is not partial,
/// a generic class, no trackable property) is skipped here and reported by the analyzers.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class TrackedGenerator : IIncrementalGenerator
{
    /// <summary>
    /// Names of the tracked pipeline steps, for incrementality tests. Like every <c>ForAttributeWithMetadataName</c>
    /// pipeline, they record no run on a compilation without <c>[Tracked]</c>, and the property step none on one
    /// without <c>[Tracked]</c> on a property.
    /// </summary>
    public static class Steps
    {
        /// <summary>A class marked <c>[Tracked]</c>, parsed; null when the class is skipped.</summary>
        public const string ParseClass = "Tracked.ParseClass";

        /// <summary>A property marked <c>[Tracked]</c>, parsed to its class; null unless it stands for a class without <c>[Tracked]</c>.</summary>
        public const string ParseProperty = "Tracked.ParseProperty";

        /// <summary>The classes that get tracking code, one output each, ordered by metadata name.</summary>
        public const string Entities = "Tracked.Entities";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.Tracked,
                static (node, _) => node is ClassDeclarationSyntax,
                static (attributeContext, cancellationToken) => Parser.ParseClass(attributeContext, cancellationToken))
            .WithTrackingName(Steps.ParseClass)
            .Where(static entity => entity is not null)
            .Collect();

        var classesOfProperties = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.Tracked,
                static (node, _) => node is PropertyDeclarationSyntax { Parent: ClassDeclarationSyntax },
                static (attributeContext, cancellationToken) => Parser.ParseProperty(attributeContext, cancellationToken))
            .WithTrackingName(Steps.ParseProperty)
            .Where(static entity => entity is not null)
            .Collect();

        // Both kinds of class in one stream, each once (a repeated [Tracked] on partial declarations, an error, finds a
        // class twice), in a stable order. Outputs are compared one by one, so an unchanged class is not emitted again.
        var entities = classes
            .Combine(classesOfProperties)
            .SelectMany(static (pair, _) => pair.Left.AddRange(pair.Right)
                .GroupBy(static entity => entity!.Hierarchy.MetadataName, StringComparer.Ordinal)
                .OrderBy(static group => group.Key, StringComparer.Ordinal)
                .Select(static group => group.First()!))
            .WithTrackingName(Steps.Entities);

        context.RegisterSourceOutput(
            entities,
            static (output, entity) => output.AddSource(entity.Hierarchy.HintName("Tracked"), Emitter.Emit(entity)));
    }
}
