using Microsoft.CodeAnalysis;

namespace ServerTools.Analyzers.Common;

/// <summary>
/// The EF Core types of one compilation, resolved once; <see cref="From"/> is null when it does not reference EF Core.
/// Used by the analyzers that look for a compilation's DbContexts and entities (ST5004, the module analysis).
/// </summary>
internal sealed class EfCoreSymbols
{
    private EfCoreSymbols(INamedTypeSymbol context, INamedTypeSymbol dbSet, INamedTypeSymbol? configuration, INamedTypeSymbol? modelBuilder, INamedTypeSymbol enumerable)
    {
        Context = context;
        DbSet = dbSet;
        Configuration = configuration;
        ModelBuilder = modelBuilder;
        Enumerable = enumerable;
    }

    public INamedTypeSymbol Context { get; }

    public INamedTypeSymbol DbSet { get; }

    public INamedTypeSymbol? Configuration { get; }

    public INamedTypeSymbol? ModelBuilder { get; }

    public INamedTypeSymbol Enumerable { get; }

    public static EfCoreSymbols? From(Compilation compilation)
        => compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext") is { } context
           && compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbSet`1") is { } dbSet
            ? new EfCoreSymbols(
                context,
                dbSet,
                compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.IEntityTypeConfiguration`1"),
                compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ModelBuilder"),
                compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T))
            : null;

    /// <summary>True when <paramref name="type"/> is EF Core's <c>DiscriminatorBuilder</c> or <c>DiscriminatorBuilder&lt;TDiscriminator&gt;</c>.</summary>
    public static bool IsDiscriminatorBuilder(INamedTypeSymbol? type)
        => type is { Name: "DiscriminatorBuilder", ContainingNamespace: { Name: "Builders", ContainingNamespace: { Name: "Metadata", ContainingNamespace: { Name: "EntityFrameworkCore", ContainingNamespace: { Name: "Microsoft", ContainingNamespace.IsGlobalNamespace: true } } } } };

    /// <summary>True when <paramref name="type"/> derives from DbContext.</summary>
    public bool IsContext(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, Context))
            {
                return true;
            }
        }

        return false;
    }
}
