using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ServerTools.Generators.Common;

/// <summary>One type declaration in the chain that contains an annotated type (outermost first).</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The type name, with type parameters (<c>Outer&lt;T&gt;</c>).</param>
internal sealed record TypeDeclarationInfo(string Keyword, string Name);

/// <summary>
/// Where a type lives: its namespace and the chain of types around it, so that generated partial
/// declarations can re-open nested types. Holds strings only, so it is value-equal between runs.
/// </summary>
/// <param name="Namespace">The namespace as C# code names it (a keyword escaped: <c>Tickets.@event</c>), empty for the global namespace.</param>
/// <param name="Types">The type and its containing types, outermost first.</param>
/// <param name="MetadataName">
/// The full metadata name, as the CLR's <c>Type.FullName</c> (<c>Shop.Outer+Partner</c>, <c>Tickets.event.Booking</c>),
/// unique in the compilation: the entity name of descriptors, the key of output order, and the stem of hint names.
/// </param>
internal sealed record HierarchyInfo(string Namespace, EquatableArray<TypeDeclarationInfo> Types, string MetadataName)
{
    public static HierarchyInfo From(INamedTypeSymbol type)
    {
        var chain = new System.Collections.Generic.List<TypeDeclarationInfo>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            chain.Insert(0, new TypeDeclarationInfo(Keyword(current), current.ToDisplayString(s_nameFormat)));
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
        var metadataNamespace = NamespaceMetadataName(type.ContainingNamespace);
        var metadataName = metadataNamespace.Length == 0 ? MetadataChain(type) : metadataNamespace + "." + MetadataChain(type);
        return new HierarchyInfo(ns, chain.ToEquatableArray(), metadataName);
    }

    /// <summary>
    /// The hint name of the file a feature generates for this type, <c>{MetadataName}.{feature}.g.cs</c>, with <c>+</c>
    /// and <c>`</c> written <c>.</c> and <c>_</c>, and any character Roslyn refuses in a hint name written <c>_</c>.
    /// Two entities may still get the same hint name (Roslyn compares them ignoring case: <c>Shop.Order</c> and
    /// <c>Shop.ORDER</c>): <see cref="GeneratedNames.Files"/> makes them unique.
    /// </summary>
    public string HintName(string feature)
    {
        var builder = new StringBuilder(MetadataName.Length + feature.Length + 6);
        foreach (var c in MetadataName)
        {
            builder.Append(c switch
            {
                '+' => '.',
                '.' => '.',
                _ when SyntaxFacts.IsIdentifierPartCharacter(c) => c,
                _ => '_',
            });
        }

        return builder.Append('.').Append(feature).Append(".g.cs").ToString();
    }

    private static string MetadataChain(INamedTypeSymbol type) => type.ContainingType is { } outer
        ? MetadataChain(outer) + "+" + type.MetadataName
        : type.MetadataName;

    /// <summary>The namespace as the CLR names it (<c>Tickets.event</c>: no keyword is escaped), empty for the global namespace.</summary>
    private static string NamespaceMetadataName(INamespaceSymbol? ns)
        => ns is null || ns.IsGlobalNamespace
            ? string.Empty
            : NamespaceMetadataName(ns.ContainingNamespace) is { Length: > 0 } outer ? outer + "." + ns.MetadataName : ns.MetadataName;

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static readonly SymbolDisplayFormat s_nameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);
}
