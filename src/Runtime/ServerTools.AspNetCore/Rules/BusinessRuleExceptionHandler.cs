using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace ServerTools;

/// <summary>
/// Answers a request that a <see cref="BusinessRuleException"/> ended (<c>engine.Enforce(...)</c>) with 422 Unprocessable
/// Content and a problem details body that lists the blocking rules and their messages, the ones a user is meant to
/// read, instead of the bare 500 every unhandled exception gets. Registered by
/// <see cref="BusinessRuleProblemDetailsServiceCollectionExtensions.AddBusinessRuleProblemDetails"/>; runs inside
/// <c>app.UseExceptionHandler()</c>.
/// </summary>
/// <remarks>
/// A rule that failed (threw instead of answering) is listed with its id, severity, <c>"failed": true</c> and the fixed
/// <see cref="FailedRuleMessage"/>, never with what its exception says: its exception is logged here, at Error, with the rule's id,
/// the request's method and its endpoint's route template, not its path, which may hold a person's id (ASP.NET Core logs
/// nothing of an exception a handler took). The body is
/// problem details JSON whatever the request's <c>Accept</c> header says, written by ASP.NET Core's problem details
/// writers in every case, so it has the same members (<c>traceId</c>, the app's customizations) for every request.
/// </remarks>
public sealed partial class BusinessRuleExceptionHandler(IProblemDetailsService problemDetails, ILogger<BusinessRuleExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>The problem type of the answer.</summary>
    public const string ProblemType = "https://github.com/servertools/servertools/blob/main/docs/rules.md#in-a-web-app";

    /// <summary>
    /// The message of a rule that failed (threw instead of answering), the same for every such rule: it tells the caller
    /// that the rule was not checked, not why (the cause is in the server's log, and may hold what a user must not see).
    /// </summary>
    public const string FailedRuleMessage = "This rule could not be checked; the server log has the cause.";

    private const string ProblemJson = "application/problem+json";

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, System.Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BusinessRuleException broken)
        {
            return false;
        }

        foreach (var violation in broken.Violations)
        {
            if (violation.Exception is { } failure)
            {
                RuleFailed(logger, failure, violation.RuleId, httpContext.Request.Method, Route(httpContext));
            }
        }

        httpContext.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        var problem = new ProblemDetails
        {
            Type = ProblemType,
            Title = broken.Violations.Count == 1 ? "A business rule blocks this change." : "Business rules block this change.",
            Status = StatusCodes.Status422UnprocessableEntity,
            Extensions =
            {
                ["violations"] = broken.Violations.ToResponses(),
            },
        };
        if (!await problemDetails.TryWriteAsync(Context(httpContext, problem, exception)).ConfigureAwait(false)
            && !await WriteAsProblemJsonAsync(httpContext, problem, exception).ConfigureAwait(false))
        {
            // No writer takes problem details JSON at all (the app replaced ASP.NET Core's): the body is the problem all the
            // same, with the trace id that writer adds.
            problem.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
            await httpContext.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, ProblemJson, cancellationToken)
                .ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// The route template of the request's endpoint (<c>/customers/{id}/status</c>), never the request's path, which often
    /// holds a person's id (<c>/customers/42/status</c>): the endpoint the exception handler middleware kept when it cleared
    /// the request's, else the request's own; an endpoint without a route its display name; <c>(no endpoint)</c> when routing
    /// chose none (the exception came from a middleware before it, or no route matched).
    /// </summary>
    private static string Route(HttpContext httpContext)
        => (httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint()) switch
        {
            RouteEndpoint { RoutePattern.RawText: { } template } => template.StartsWith('/') ? template : "/" + template,
            { DisplayName: { } name } => name,
            _ => "(no endpoint)",
        };

    private static ProblemDetailsContext Context(HttpContext httpContext, ProblemDetails problem, System.Exception exception)
        => new() { HttpContext = httpContext, ProblemDetails = problem, Exception = exception };

    /// <summary>
    /// Asks the problem details writers again as if the request accepted problem details JSON, since no writer took a
    /// request whose <c>Accept</c> has no JSON (<c>text/html</c>, <c>application/xml</c>): so the body is the one every other
    /// request gets, with what ASP.NET Core adds (<c>traceId</c>) and the app's <c>CustomizeProblemDetails</c>. The header is
    /// put back afterwards.
    /// </summary>
    private async Task<bool> WriteAsProblemJsonAsync(HttpContext httpContext, ProblemDetails problem, System.Exception exception)
    {
        var headers = httpContext.Request.Headers;
        var accept = headers.Accept;
        headers.Accept = ProblemJson;
        try
        {
            return await problemDetails.TryWriteAsync(Context(httpContext, problem, exception)).ConfigureAwait(false);
        }
        finally
        {
            headers.Accept = accept;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "The business rule {RuleId} failed while a {Method} request to {Route} was checked; the answer lists it as failed.")]
    private static partial void RuleFailed(ILogger logger, System.Exception exception, string ruleId, string method, string route);
}
