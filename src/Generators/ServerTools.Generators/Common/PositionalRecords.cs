using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Shared;

namespace ServerTools.Generators.Common;

/// <summary>
/// The records of a file whose primary constructor has a parameter with an attribute for its property
/// (<c>record Order([property: Tracked] string Status)</c>): the one place <c>ForAttributeWithMetadataName</c> cannot find
/// such an attribute, which belongs to the property the compiler declares, not to the parameter that carries it.
/// </summary>
/// <remarks>
/// A record is declared in a namespace or a type, never in a member's body, so the walk visits declarations only: on a
/// project of 500 entities it reads a few thousand nodes where a syntax provider's predicate visits every node of every
/// file (about 220,000; that walk cost the generators that used it 0.1 s of a cold build).
/// </remarks>
internal static class PositionalRecords
{
    /// <summary>The records of <paramref name="tree"/> with a parameter marked <c>[property: ...]</c>, in file order; empty when none.</summary>
    public static ImmutableArray<RecordDeclarationSyntax> In(SyntaxTree tree, CancellationToken cancellationToken)
    {
        if (tree.GetRoot(cancellationToken) is not CompilationUnitSyntax root)
        {
            return ImmutableArray<RecordDeclarationSyntax>.Empty;
        }

        List<RecordDeclarationSyntax>? found = null;
        Visit(root.Members, ref found, cancellationToken);
        return found is null ? ImmutableArray<RecordDeclarationSyntax>.Empty : found.ToImmutableArray();
    }

    private static void Visit(SyntaxList<MemberDeclarationSyntax> members, ref List<RecordDeclarationSyntax>? found, CancellationToken cancellationToken)
    {
        foreach (var member in members)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    Visit(ns.Members, ref found, cancellationToken);
                    break;
                case TypeDeclarationSyntax type:
                    if (type is RecordDeclarationSyntax { ParameterList: { } parameters } record && HasPropertyAttribute(parameters))
                    {
                        (found ??= []).Add(record);
                    }

                    Visit(type.Members, ref found, cancellationToken);
                    break;
            }
        }
    }

    private static bool HasPropertyAttribute(ParameterListSyntax parameters)
    {
        foreach (var parameter in parameters.Parameters)
        {
            if (HasPropertyTarget(parameter))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The properties that the records <paramref name="records"/> of one file declare from parameters marked
    /// <c>[property: ...]</c> and that carry <paramref name="attribute"/>, in declaration order.
    /// </summary>
    public static IEnumerable<IPropertySymbol> MarkedProperties(
        Compilation compilation,
        ImmutableArray<RecordDeclarationSyntax> records,
        string attribute,
        CancellationToken cancellationToken)
    {
        var model = compilation.GetSemanticModel(records[0].SyntaxTree);
        foreach (var record in records)
        {
            if (model.GetDeclaredSymbol(record, cancellationToken) is not { } type)
            {
                continue;
            }

            foreach (var parameter in record.ParameterList!.Parameters)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!HasPropertyTarget(parameter))
                {
                    continue;
                }

                foreach (var member in type.GetMembers(parameter.Identifier.ValueText))
                {
                    if (member is IPropertySymbol property && MetadataNames.HasAttribute(property, attribute))
                    {
                        yield return property;
                        break;
                    }
                }
            }
        }
    }

    private static bool HasPropertyTarget(ParameterSyntax parameter)
    {
        foreach (var list in parameter.AttributeLists)
        {
            if (list.Target?.Identifier.IsKind(SyntaxKind.PropertyKeyword) == true)
            {
                return true;
            }
        }

        return false;
    }
}
