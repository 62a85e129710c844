namespace ServerTools;

/// <summary>
/// A business exception rule over entities of type <typeparamref name="T"/> (or of any type derived from it, or that
/// implements it): mark the class with <see cref="ExceptionRuleAttribute">[ExceptionRule]</see>. Rules may take
/// constructor dependencies from DI.
/// </summary>
/// <typeparam name="T">The entity type, a base type of entities, or an interface they implement.</typeparam>
public interface IExceptionRule<in T>
{
    /// <summary>Whether the rule is broken by <paramref name="entity"/>: <see langword="true"/> reports a violation.</summary>
    /// <remarks>An exception thrown here is reported as a failure of the rule (blocking by default), never swallowed.</remarks>
    bool Applies(T entity);
}
