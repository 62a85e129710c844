using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace ServerTools.Generators.Common;

/// <summary>A model and the hint name of the file generated from it, unique among the files of its generator.</summary>
/// <param name="Model">What the emitter writes the file from.</param>
/// <param name="HintName">The file's hint name (<see cref="HierarchyInfo.HintName"/>, numbered when taken).</param>
internal sealed record GeneratedFile<T>(T Model, string HintName);

/// <summary>
/// The names that generated code gives an entity's file and its types at namespace level, unique among the entities of one
/// generator: two distinct entities never get the same file or the same class, whatever their names.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>
    /// Pairs each model, in the order given (ordinal order of metadata names, so the result is stable), with its hint name.
    /// Roslyn compares the hint names of a generator ignoring case and stops the generator at a second file of the same
    /// name, so a name taken already (<c>Shop.Order</c> and <c>Shop.ORDER</c>) gets a number: <c>Shop.Order.2.Audited.g.cs</c>.
    /// </summary>
    public static IEnumerable<GeneratedFile<T>> Files<T>(IEnumerable<T> models, Func<T, HierarchyInfo> hierarchy, string feature)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            var hintName = hierarchy(model).HintName(feature);
            for (var number = 2; !taken.Add(hintName); number++)
            {
                hintName = hierarchy(model).HintName(number.ToString(CultureInfo.InvariantCulture) + "." + feature);
            }

            yield return new GeneratedFile<T>(model, hintName);
        }
    }

    /// <summary>
    /// The stem of the name of a class that a generator adds at namespace level for <paramref name="type"/>: the names of
    /// the type and the types that contain it, outermost first, joined (<c>MallKiosk</c> for <c>Mall.Kiosk</c>), as the
    /// compiler spells them (<c>event</c>, not <c>@event</c>: with a suffix it is no keyword).
    /// </summary>
    public static string Stem(INamedTypeSymbol type) => type.ContainingType is { } outer ? Stem(outer) + type.Name : type.Name;

    /// <summary>
    /// Gives each model a class name at namespace level that no other model of the same namespace has. A top-level type
    /// keeps its name (<c>{Stem}{suffix}</c>; two of them cannot share a stem); a nested type whose joined name is taken
    /// (<c>Mall.Kiosk</c> beside a top-level <c>MallKiosk</c>) gets a number after its stem: <c>MallKiosk2TimeWindowExtensions</c>.
    /// The models keep their order.
    /// </summary>
    /// <param name="models">The models, in ordinal order of their metadata names.</param>
    /// <param name="hierarchy">A model's type.</param>
    /// <param name="className">A model's class name, <c>{Stem}{suffix}</c>.</param>
    /// <param name="rename">The model with another class name.</param>
    /// <param name="suffix">The part of the class name after the stem (<c>TimeWindowExtensions</c>).</param>
    public static IReadOnlyList<T> UniqueClassNames<T>(
        IReadOnlyList<T> models,
        Func<T, HierarchyInfo> hierarchy,
        Func<T, string> className,
        Func<T, string, T> rename,
        string suffix)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (hierarchy(model).Types.Count == 1)
            {
                taken.Add(hierarchy(model).Namespace + "." + className(model));
            }
        }

        var result = new List<T>(models.Count);
        foreach (var model in models)
        {
            var current = model;
            var ns = hierarchy(model).Namespace + ".";
            if (hierarchy(model).Types.Count > 1)
            {
                var name = className(model);
                var stem = name.Substring(0, name.Length - suffix.Length);
                for (var number = 2; !taken.Add(ns + name); number++)
                {
                    name = stem + number.ToString(CultureInfo.InvariantCulture) + suffix;
                }

                current = name == className(model) ? model : rename(model, name);
            }

            result.Add(current);
        }

        return result;
    }
}
