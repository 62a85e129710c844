using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace ServerTools;

/// <summary>
/// One rule violation as an HTTP client gets it: an entry of the <c>violations</c> of the 422 that
/// <see cref="BusinessRuleExceptionHandler"/> writes, and of the warnings an endpoint returns with
/// <see cref="RuleViolationResponses.ToResponses"/>, so a client reads both alike. The JSON member names are fixed
/// (<c>ruleId</c>, <c>severity</c>, <c>message</c>, <c>failed</c>), whatever the app's naming policy.
/// </summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="Severity">The violation's severity, by name (<c>Warning</c>, <c>Blocking</c>).</param>
/// <param name="Message">The rule's message; for a rule that failed, <see cref="BusinessRuleExceptionHandler.FailedRuleMessage"/>.</param>
/// <param name="Failed">Whether the rule failed (threw instead of answering); left out of the JSON when false.</param>
public sealed record RuleViolationResponse(
    [property: JsonPropertyName("ruleId")] string RuleId,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("failed"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Failed = false)
{
    /// <summary>
    /// <paramref name="violation"/> as a client gets it: a rule that failed with the fixed
    /// <see cref="BusinessRuleExceptionHandler.FailedRuleMessage"/>, never with what its exception says.
    /// </summary>
    public static RuleViolationResponse From(RuleViolation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return violation.IsFailure
            ? new(violation.RuleId, violation.Severity.ToString(), BusinessRuleExceptionHandler.FailedRuleMessage, Failed: true)
            : new(violation.RuleId, violation.Severity.ToString(), violation.Message);
    }
}

/// <summary>Rule violations as an HTTP client gets them.</summary>
public static class RuleViolationResponses
{
    /// <summary>
    /// The violations as a client gets them (see <see cref="RuleViolationResponse.From"/>), in their order: for the warnings
    /// of <c>engine.Enforce(...)</c>, which throws only for blocking rules, in the body of the endpoint's answer:
    /// <c>Results.Ok(new { order.Id, warnings = result.Warnings.ToResponses() })</c>.
    /// </summary>
    public static RuleViolationResponse[] ToResponses(this IEnumerable<RuleViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        return [.. violations.Select(RuleViolationResponse.From)];
    }
}
