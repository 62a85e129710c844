using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace ServerTools.FuzzySearch;

/// <summary>
/// On PostgreSQL, adds to the model what fuzzy search needs, so that <c>EnsureCreated</c> and migrations create it:
/// the <c>pg_trgm</c> extension, a GIN <c>gin_trgm_ops</c> index for every field of a
/// <see cref="FuzzySearchableAttribute">[FuzzySearchable]</see> entity (named <c>IX_{table}_{column}_trgm</c>, beside any
/// index the application has on the column), and the functions the rewritten queries call: <c>set_config</c>, which sets
/// a query's threshold, and <see cref="TrigramParameters"/>.
/// </summary>
internal sealed class FuzzySearchModelConvention(IRelationalTypeMappingSource typeMappings) : IModelInitializedConvention, IModelFinalizingConvention
{
    private const int MaxIdentifierLength = 63;

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        modelBuilder.HasDbFunction(TrigramQueryRewriter.SetConfig, fromDataAnnotation: true)
            ?.HasName("set_config", fromDataAnnotation: true)
            ?.IsBuiltIn(true, fromDataAnnotation: true);
        TrigramParameters.Map(modelBuilder, typeMappings);
    }

    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(HistoryRow)) is not null)
        {
            return;
        }

        var searchable = false;
        foreach (var entityType in model.GetEntityTypes().ToList())
        {
            if (entityType.IsOwned() || !FuzzySearchDescriptors.TryGet(entityType.ClrType, out var fields))
            {
                continue;
            }

            foreach (var field in fields)
            {
                // A property inherited from a mapped base class is indexed on the base, once for every class that searches it.
                if (entityType.FindProperty(field.Property) is not { DeclaringType: IConventionEntityType owner } property)
                {
                    continue;
                }

                searchable = true;
                var index = owner.Builder.HasIndex([property], IndexName(owner, property), fromDataAnnotation: true);
                if (index is not null)
                {
                    index.HasMethod("gin", fromDataAnnotation: true);
                    index.HasOperators(TrigramOperators(), fromDataAnnotation: true);
                }
            }
        }

        if (searchable)
        {
            modelBuilder.HasPostgresExtension("pg_trgm", fromDataAnnotation: true);
        }
    }

    /// <summary>A new array for each index: Npgsql reads the annotation as <c>string[]</c>, and arrays are mutable.</summary>
    private static string[] TrigramOperators() => ["gin_trgm_ops"];

    /// <summary>
    /// <c>IX_{table}_{column}_trgm</c>, or, when that is longer than PostgreSQL's 63 bytes, its start and a hash of the
    /// whole name: two long names with the same start stay two names, and the same model gives the same name every time.
    /// </summary>
    internal static string IndexName(string table, string column)
    {
        var name = $"IX_{table}_{column}_trgm";
        if (Encoding.UTF8.GetByteCount(name) <= MaxIdentifierLength)
        {
            return name;
        }

        var suffix = "_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..10];
        var end = name.Length;
        while (Encoding.UTF8.GetByteCount(name.AsSpan(0, end)) + suffix.Length > MaxIdentifierLength || char.IsHighSurrogate(name[end - 1]))
        {
            end--;
        }

        return string.Concat(name.AsSpan(0, end), suffix);
    }

    private static string IndexName(IConventionEntityType entityType, IConventionProperty property)
        => IndexName(entityType.GetTableName() ?? entityType.ShortName(), property.GetColumnName() ?? property.Name);
}
