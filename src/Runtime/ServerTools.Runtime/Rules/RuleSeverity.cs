namespace ServerTools;

/// <summary>How a broken rule affects an action.</summary>
public enum RuleSeverity
{
    /// <summary>The user is told, and may ignore the warning; the action goes on.</summary>
    Warning = 0,

    /// <summary>The action stops: <see cref="IExceptionRuleEngine.Enforce{T}"/> throws <see cref="BusinessRuleException"/>. It cannot be ignored.</summary>
    Blocking = 1,
}
