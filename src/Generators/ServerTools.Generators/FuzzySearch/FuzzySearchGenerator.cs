using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Shared;

namespace ServerTools.Generators.FuzzySearch;

/// <summary>
/// Generates, for every class marked <c>[FuzzySearchable]</c> or with properties marked <c>[FuzzySearchable]</c>, a static
/// class of queryable extensions (<c>FuzzySearch</c>, <c>FuzzySearchScored</c>, <c>FuzzySearchBy{Field}</c>) built from
/// <c>TrigramFunctions</c>, and registers the searchable fields with the runtime from a module initializer so that
/// <c>UseServerTools()</c> indexes them. Invalid input (a misspelt or non-string field, a generic or private class) is
/// skipped here and reported by the analyzers (ST3001-ST3006).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class FuzzySearchGenerator : IIncrementalGenerator
{
    /// <summary>Names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>A class marked <c>[FuzzySearchable]</c>, parsed; null when the class is skipped.</summary>
        public const string ParseClass = "FuzzySearch.ParseClass";

        /// <summary>A property marked <c>[FuzzySearchable]</c>, parsed to its class; null unless it stands for a class without the attribute.</summary>
        public const string ParseProperty = "FuzzySearch.ParseProperty";

        /// <summary>The searchable classes, one output each, ordered by metadata name.</summary>
        public const string Entities = "FuzzySearch.Entities";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.FuzzySearchable,
                static (node, _) => node is ClassDeclarationSyntax,
                static (attributeContext, cancellationToken) => Parser.ParseClass(attributeContext, cancellationToken))
            .WithTrackingName(Steps.ParseClass)
            .Where(static entity => entity is not null)
            .Collect();

        var classesOfProperties = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.FuzzySearchable,
                static (node, _) => node is PropertyDeclarationSyntax { Parent: ClassDeclarationSyntax },
                static (attributeContext, cancellationToken) => Parser.ParseProperty(attributeContext, cancellationToken))
            .WithTrackingName(Steps.ParseProperty)
            .Where(static entity => entity is not null)
            .Collect();

        var entities = classes
            .Combine(classesOfProperties)
            .SelectMany(static (pair, _) => pair.Left.AddRange(pair.Right)
                .GroupBy(static entity => entity!.Hierarchy.MetadataName, StringComparer.Ordinal)
                .OrderBy(static group => group.Key, StringComparer.Ordinal)
                .Select(static group => group.First()!))
            .WithTrackingName(Steps.Entities);

        context.RegisterSourceOutput(
            entities,
            static (output, entity) => output.AddSource(entity.Hierarchy.HintName("FuzzySearch"), Emitter.Emit(entity)));
    }
}
