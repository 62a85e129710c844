namespace ServerTools;

/// <summary>An entity found by a generated <c>FuzzySearchScored</c>, with its score.</summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class FuzzySearchHit<T>
{
    /// <summary>The entity.</summary>
    public required T Entity { get; init; }

    /// <summary>
    /// How well it matches, from 0 to 1: the best of its fields' pg_trgm scores, each multiplied by the field's weight.
    /// Computed in single precision, as pg_trgm does, so the same in SQL and in memory.
    /// </summary>
    public required double Score { get; init; }
}
