using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Shared;

namespace ServerTools.Generators.Common;

/// <summary>
/// The ids of the diagnostics that generated code draws where it names an obsolete or experimental declaration of the
/// user's (a class, property, type or method marked <c>[Obsolete]</c> or <c>[Experimental]</c>) from a context that is
/// not itself obsolete, such as a module initializer or an extension class beside the entity, so that the generated file
/// disables them with <c>#pragma warning disable</c>: <c>CS0612</c> (<c>[Obsolete]</c>), <c>CS0618</c> (with a message),
/// the <c>DiagnosticId</c> of an <c>[Obsolete]</c> and the id of an <c>[Experimental]</c>. The user's own code that names
/// such a declaration still gets the diagnostic: only the generated use of it is silent.
/// </summary>
/// <remarks>
/// An id is copied from the attribute into the generated file only when a pragma can name it: letters, digits and
/// underscores, not starting with a digit, and not a preprocessor keyword (<see cref="IsPragmaId"/>); any other text of the
/// attribute is never written. Obsolete as an error (CS0619) cannot be disabled: the generators leave such a
/// declaration out instead (see <see cref="ObsoleteSymbols.IsError"/>).
/// </remarks>
internal sealed class SuppressedDiagnostics
{
    /// <summary>
    /// The ids an assembly's own marks draw (an <c>[Experimental]</c> on it or its module), per assembly symbol: every
    /// property of type <c>string</c> or <c>decimal</c> would otherwise read the core library's attributes again.
    /// </summary>
    private static readonly ConditionalWeakTable<IAssemblySymbol, string[]> s_assemblyIds = new();

    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds the ids drawn by naming <paramref name="symbol"/>: its own marks, those of the types that contain it (and of
    /// their type arguments), and for a type, those of its type arguments and element types; for a property, those of its
    /// accessors (generated code reads it); for a type of another assembly, an <c>[Experimental]</c> on that assembly or its
    /// module (read once per assembly).
    /// </summary>
    public SuppressedDiagnostics Add(ISymbol? symbol)
    {
        switch (symbol)
        {
            case null or ITypeParameterSymbol:
                return this;
            case IArrayTypeSymbol array:
                return Add(array.ElementType);
            case IPointerTypeSymbol pointer:
                return Add(pointer.PointedAtType);
            case IPropertySymbol property:
                AddMarks(property.GetMethod?.GetAttributes() ?? []);
                AddMarks(property.SetMethod?.GetAttributes() ?? []);
                break;
        }

        for (var current = symbol; current is not null; current = current.ContainingType)
        {
            AddMarks(current.GetAttributes());
            if (current is INamedTypeSymbol { IsGenericType: true } generic)
            {
                foreach (var argument in generic.TypeArguments)
                {
                    Add(argument);
                }
            }
        }

        if (symbol is ITypeSymbol { ContainingAssembly: { } assembly })
        {
            foreach (var id in s_assemblyIds.GetValue(assembly, static assembly => AssemblyIds(assembly)))
            {
                _ids.Add(id);
            }
        }

        return this;
    }

    /// <summary>The ids, in ordinal order: a value-equal part of a generator's model.</summary>
    public EquatableArray<string> ToEquatableArray() => new(_ids);

    /// <summary>Whether <c>#pragma warning disable <paramref name="id"/></c> names <paramref name="id"/>.</summary>
    public static bool IsPragmaId(string? id)
    {
        if (string.IsNullOrEmpty(id) || !(IsLetter(id![0]) || id[0] == '_'))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(IsLetter(c) || c is '_' or (>= '0' and <= '9')))
            {
                return false;
            }
        }

        return SyntaxFacts.GetPreprocessorKeywordKind(id) is SyntaxKind.None;
    }

    private static bool IsLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static string[] AssemblyIds(IAssemblySymbol assembly)
    {
        var ids = new SuppressedDiagnostics();
        ids.AddMarks(assembly.GetAttributes());
        foreach (var module in assembly.Modules)
        {
            ids.AddMarks(module.GetAttributes());
        }

        return [.. ids._ids];
    }

    private void AddMarks(ImmutableArray<AttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            if (MetadataNames.Is(attribute.AttributeClass, ObsoleteSymbols.Obsolete))
            {
                AddObsolete(attribute);
            }
            else if (MetadataNames.Is(attribute.AttributeClass, ObsoleteSymbols.Experimental)
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string id)
            {
                AddId(id);
            }
        }
    }

    private void AddObsolete(AttributeData attribute)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument is { Key: "DiagnosticId", Value.Value: string { Length: > 0 } id })
            {
                AddId(id);
                return;
            }
        }

        _ids.Add(attribute.ConstructorArguments.Length == 0 || attribute.ConstructorArguments[0].Value is null ? "CS0612" : "CS0618");
    }

    private void AddId(string id)
    {
        if (IsPragmaId(id))
        {
            _ids.Add(id);
        }
    }
}
