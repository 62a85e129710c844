using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace ServerTools;

/// <summary>One searchable field of a <see cref="FuzzySearchableAttribute">[FuzzySearchable]</see> entity.</summary>
/// <param name="Property">The property's name.</param>
/// <param name="Match">How the term is compared with it.</param>
/// <param name="Weight">Its weight, greater than 0 and at most 1.</param>
public sealed record FuzzySearchField(string Property, TrigramMatch Match, double Weight);

/// <summary>
/// The searchable fields of each <see cref="FuzzySearchableAttribute">[FuzzySearchable]</see> entity, registered by
/// generated code from a module initializer, so <c>UseServerTools()</c> can index them without reflection.
/// </summary>
public static class FuzzySearchDescriptors
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<FuzzySearchField>> s_byType = new();

    /// <summary>Registers the fields of <paramref name="entityType"/>. Called by generated code; a second registration of a type is ignored.</summary>
    public static void Register(Type entityType, params FuzzySearchField[] fields)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(fields);
        s_byType.TryAdd(entityType, fields);
    }

    /// <summary>The searchable fields of <paramref name="entityType"/>, or false when it is not <c>[FuzzySearchable]</c>.</summary>
    public static bool TryGet(Type entityType, [NotNullWhen(true)] out IReadOnlyList<FuzzySearchField>? fields)
        => s_byType.TryGetValue(entityType, out fields);
}
