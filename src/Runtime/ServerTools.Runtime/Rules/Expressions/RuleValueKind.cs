namespace ServerTools.Rules;

/// <summary>What a <see cref="RuleValue"/> is.</summary>
internal enum RuleValueKind
{
    /// <summary>A number, bool, string, date or enum value.</summary>
    Scalar,

    /// <summary>The rule's entity, a reference navigation or a collection element: only its members can be read.</summary>
    Entity,

    /// <summary>A collection navigation: only the collection methods apply.</summary>
    Collection,

    /// <summary>The <see langword="null"/> literal.</summary>
    Null,

    /// <summary>A char literal.</summary>
    Char,
}
