using Microsoft.CodeAnalysis;

namespace ServerTools.Generators.Common;

/// <summary>One type declaration in the chain that contains an annotated type (outermost first).</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The type name, with type parameters (<c>Outer&lt;T&gt;</c>).</param>
internal sealed record TypeDeclarationInfo(string Keyword, string Name);

/// <summary>
/// Where a type lives: its namespace and the chain of types around it, so that generated partial
/// declarations can re-open nested types. Holds strings only, so it is value-equal between runs.
/// </summary>
/// <param name="Namespace">The namespace, empty for the global namespace.</param>
/// <param name="Types">The type and its containing types, outermost first.</param>
/// <param name="MetadataName">The full metadata name (<c>Shop.Outer+Partner</c>), unique in the compilation: the key of hint names and output order.</param>
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
        var metadataName = string.IsNullOrEmpty(ns) ? MetadataChain(type) : ns + "." + MetadataChain(type);
        return new HierarchyInfo(ns, chain.ToEquatableArray(), metadataName);
    }

    /// <summary>The hint name of the file a feature generates for this type: <c>{MetadataName}.{feature}.g.cs</c>.</summary>
    public string HintName(string feature) => MetadataName.Replace('`', '_').Replace('+', '.') + "." + feature + ".g.cs";

    private static string MetadataChain(INamedTypeSymbol type) => type.ContainingType is { } outer
        ? MetadataChain(outer) + "+" + type.MetadataName
        : type.MetadataName;

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
