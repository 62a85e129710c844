using System;
using System.Collections.Generic;
using System.Collections.Immutable;
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
    /// Parses the classes and records marked <paramref name="attribute"/> and the classes of the properties marked with it
    /// (a property a record declares from a parameter of its primary constructor is marked <c>[property: Tracked]</c>),
    /// and yields one model per class (a class found twice, by a repeated attribute on partial declarations or by both
    /// kinds, counts once), ordered by metadata name, so an unchanged class is not emitted again, each with the name of its
    /// file (<see cref="GeneratedNames.Files"/>).
    /// </summary>
    /// <param name="context">The generator's context.</param>
    /// <param name="attribute">The attribute's metadata name.</param>
    /// <param name="parseClass">The model of a marked class; null to skip it.</param>
    /// <param name="parseProperty">The model of the class of a marked property; null unless the property stands for its class.</param>
    /// <param name="hierarchy">A model's class.</param>
    /// <param name="feature">The feature's part of the hint names (<c>Tracked</c>).</param>
    /// <param name="names">Gives the models, in order, the names of the types they generate at namespace level; none by default.</param>
    /// <param name="steps">
    /// The tracking names of the class step, the property steps (the properties marked in their declaration, and those of a
    /// record's parameters: both record a step only when there is such a property) and the combined step.
    /// </param>
    public static IncrementalValuesProvider<GeneratedFile<T>> Select<T>(
        IncrementalGeneratorInitializationContext context,
        string attribute,
        Func<GeneratorAttributeSyntaxContext, CancellationToken, T?> parseClass,
        Func<IPropertySymbol, CancellationToken, T?> parseProperty,
        Func<T, HierarchyInfo> hierarchy,
        string feature,
        Func<IReadOnlyList<T>, IReadOnlyList<T>>? names,
        (string Class, string Property, string Entities) steps)
        where T : class
    {
        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(attribute, static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax, parseClass)
            .WithTrackingName(steps.Class)
            .Where(static model => model is not null)
            .Collect();

        var classesOfProperties = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is PropertyDeclarationSyntax { Parent: ClassDeclarationSyntax or RecordDeclarationSyntax },
                (attributeContext, cancellationToken) => attributeContext.TargetSymbol is IPropertySymbol property ? parseProperty(property, cancellationToken) : null)
            .WithTrackingName(steps.Property)
            .Where(static model => model is not null)
            .Collect();

        // ForAttributeWithMetadataName does not see [property: Tracked] on a record's parameter: the attribute belongs to the
        // property the compiler declares from it, not to the parameter that carries it in the syntax. Each file is walked for
        // such records on its own, so an edit walks only the edited file (PositionalRecords).
        var classesOfPositionalProperties = context.CompilationProvider
            .SelectMany(static (compilation, _) => compilation.SyntaxTrees)
            .Select(static (tree, cancellationToken) => PositionalRecords.In(tree, cancellationToken))
            .Where(static records => !records.IsEmpty)
            .Combine(context.CompilationProvider)
            .SelectMany((file, cancellationToken) => PositionalRecords.MarkedProperties(file.Right, file.Left, attribute, cancellationToken)
                .Select(property => parseProperty(property, cancellationToken))
                .ToImmutableArray())
            .WithTrackingName(steps.Property)
            .Where(static model => model is not null)
            .Collect();

        return classes
            .Combine(classesOfProperties)
            .Combine(classesOfPositionalProperties)
            .SelectMany((all, _) =>
            {
                var models = all.Left.Left.AddRange(all.Left.Right).AddRange(all.Right)
                    .Select(static model => model!)
                    .GroupBy(model => hierarchy(model).MetadataName, StringComparer.Ordinal)
                    .OrderBy(static group => group.Key, StringComparer.Ordinal)
                    .Select(static group => group.First())
                    .ToList();
                return GeneratedNames.Files(names is null ? models : names(models), hierarchy, feature);
            })
            .WithTrackingName(steps.Entities);
    }
}
