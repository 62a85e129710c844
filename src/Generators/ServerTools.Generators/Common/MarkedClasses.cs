using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Generators.Common;

/// <summary>
/// The pipeline of an attribute that marks a class or some of its properties (<c>[Tracked]</c>, <c>[FuzzySearchable]</c>):
/// one model per class, whichever way it is marked.
/// </summary>
internal static class MarkedClasses
{
    /// <summary>
    /// Parses the classes marked <paramref name="attribute"/> and the classes of the properties marked with it, and yields
    /// one model per class (a class found twice, by a repeated attribute on partial declarations or by both kinds,
    /// counts once), ordered by <paramref name="key"/>, so an unchanged class is not emitted again.
    /// </summary>
    /// <param name="context">The generator's context.</param>
    /// <param name="attribute">The attribute's metadata name.</param>
    /// <param name="parseClass">The model of a marked class; null to skip it.</param>
    /// <param name="parseProperty">The model of the class of a marked property; null unless the property stands for its class.</param>
    /// <param name="key">A model's class, by metadata name.</param>
    /// <param name="steps">The tracking names of the class step, the property step and the combined step.</param>
    public static IncrementalValuesProvider<T> Select<T>(
        IncrementalGeneratorInitializationContext context,
        string attribute,
        Func<GeneratorAttributeSyntaxContext, CancellationToken, T?> parseClass,
        Func<GeneratorAttributeSyntaxContext, CancellationToken, T?> parseProperty,
        Func<T, string> key,
        (string Class, string Property, string Entities) steps)
        where T : class
    {
        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(attribute, static (node, _) => node is ClassDeclarationSyntax, parseClass)
            .WithTrackingName(steps.Class)
            .Where(static model => model is not null)
            .Collect();

        var classesOfProperties = context.SyntaxProvider
            .ForAttributeWithMetadataName(attribute, static (node, _) => node is PropertyDeclarationSyntax { Parent: ClassDeclarationSyntax }, parseProperty)
            .WithTrackingName(steps.Property)
            .Where(static model => model is not null)
            .Collect();

        return classes
            .Combine(classesOfProperties)
            .SelectMany((pair, _) => pair.Left.AddRange(pair.Right)
                .Select(static model => model!)
                .GroupBy(key, StringComparer.Ordinal)
                .OrderBy(static group => group.Key, StringComparer.Ordinal)
                .Select(static group => group.First()))
            .WithTrackingName(steps.Entities);
    }
}
