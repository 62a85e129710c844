using System.Linq;
using Microsoft.CodeAnalysis;
using ServerTools.Analyzers.Common;
using ServerTools.Analyzers.Rules;
using ServerTools.Shared;

namespace ServerTools.Analyzers.ModuleAnalysis;

/// <summary>
/// The EF Core and ServerTools types the module analysis looks for, resolved once per compilation. Each is null when the
/// compilation does not reference it, so a project without EF Core has no entities and one without ServerTools no features.
/// </summary>
internal sealed class ModuleSymbols
{
    /// <summary>Type names as the module report writes them: namespace-qualified, nested types with '.', no <c>global::</c>.</summary>
    private static readonly SymbolDisplayFormat s_nameFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private readonly EfCoreSymbols? _ef;

    private ModuleSymbols(Compilation compilation)
    {
        _ef = EfCoreSymbols.From(compilation);
        Audited = compilation.GetTypeByMetadataName(AttributeNames.Audited);
        Tracked = compilation.GetTypeByMetadataName(AttributeNames.Tracked);
        FuzzySearchable = compilation.GetTypeByMetadataName(AttributeNames.FuzzySearchable);
        TimeWindowed = compilation.GetTypeByMetadataName(AttributeNames.TimeWindowed);
        Rules = RulesSymbols.From(compilation);
    }

    public INamedTypeSymbol? DbContext => _ef?.Context;

    /// <summary><c>IEntityTypeConfiguration&lt;T&gt;</c>, its definition.</summary>
    public INamedTypeSymbol? Configuration => _ef?.Configuration;

    public INamedTypeSymbol? ModelBuilder => _ef?.ModelBuilder;

    public INamedTypeSymbol? Audited { get; }

    public INamedTypeSymbol? Tracked { get; }

    public INamedTypeSymbol? FuzzySearchable { get; }

    public INamedTypeSymbol? TimeWindowed { get; }

    /// <summary><c>[ExceptionRule]</c> and <c>IExceptionRule&lt;T&gt;</c>, or null when the compilation lacks either.</summary>
    public RulesSymbols? Rules { get; }

    public static ModuleSymbols From(Compilation compilation) => new(compilation);

    /// <summary><paramref name="type"/>'s name as the module report writes it, such as <c>Shop.SaleOrder</c>.</summary>
    public static string Name(ITypeSymbol type) => type.ToDisplayString(s_nameFormat);

    /// <summary>True when <paramref name="type"/> derives from DbContext (DbContext itself is no context of the module).</summary>
    public bool IsContext(INamedTypeSymbol type) => _ef is not null && _ef.IsContext(type);

    /// <summary>True when <paramref name="type"/> is <c>DbSet&lt;T&gt;</c> for some T.</summary>
    public bool IsDbSet(ITypeSymbol type)
        => _ef is not null && type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, _ef.DbSet);

    /// <summary>True when <paramref name="symbol"/> carries <paramref name="attribute"/> (null: the compilation lacks it).</summary>
    public static bool Has(ISymbol symbol, INamedTypeSymbol? attribute)
    {
        if (attribute is null)
        {
            return false;
        }

        foreach (var data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The entity type named by a type argument, or null when it cannot be one: a type parameter, an error type, or a
    /// generic type over a type parameter (a base configuration class such as <c>IEntityTypeConfiguration&lt;T&gt;</c>).
    /// </summary>
    public static INamedTypeSymbol? Entity(ITypeSymbol argument)
        => argument is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface } named && !IsOpen(named)
            ? (INamedTypeSymbol)named.WithNullableAnnotation(NullableAnnotation.NotAnnotated)
            : null;

    private static bool IsOpen(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => IsOpen(array.ElementType),
        INamedTypeSymbol named => (named.ContainingType is not null && IsOpen(named.ContainingType)) || named.TypeArguments.Any(IsOpen),
        _ => type.TypeKind is TypeKind.Error,
    };
}
