using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerTools.Tests.Rules;

namespace ServerTools.Tests.AspNetCore;

/// <summary>
/// <c>AddBusinessRuleProblemDetails()</c>: a request that <c>Enforce</c> stops gets 422 with the blocking rules'
/// messages, a rule that failed is named without what its exception says, and other exceptions stay the app's.
/// </summary>
public sealed class BusinessRuleProblemDetailsTests
{
    [Fact]
    public async Task Enforce_in_an_endpoint_answers_422_with_the_blocking_rules_and_their_messages()
    {
        await using var app = await StartAsync();

        var (status, contentType, body) = await PostAsync(app, "/orders/confirm?discount=0.5&note=boom");

        Assert.Equal(StatusCodes.Status422UnprocessableEntity, status);
        Assert.StartsWith("application/problem+json", contentType, System.StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        var root = problem.RootElement;
        Assert.Equal(422, root.GetProperty("status").GetInt32());
        Assert.Equal(BusinessRuleExceptionHandler.ProblemType, root.GetProperty("type").GetString());
        var violations = root.GetProperty("violations").EnumerateArray().ToList();
        var discount = Assert.Single(violations, v => v.GetProperty("ruleId").GetString() == "order.discount_limit");
        Assert.Equal("A discount above 30% needs a manager's approval", discount.GetProperty("message").GetString());
        Assert.Equal("Blocking", discount.GetProperty("severity").GetString());
        var failed = Assert.Single(violations, v => v.GetProperty("ruleId").GetString() == "order.note_parser");
        Assert.True(failed.GetProperty("failed").GetBoolean());
        Assert.Equal("This rule could not be checked; the server log has the cause.", failed.GetProperty("message").GetString());
        Assert.Equal("Blocking", failed.GetProperty("severity").GetString());
        Assert.DoesNotContain("The note parser broke", body, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_rule_s_exception_is_logged_and_a_request_that_does_not_ask_for_json_gets_problem_json_all_the_same()
    {
        var logs = new ListLoggerProvider();
        await using var app = await StartAsync(logs);

        var (status, contentType, body) = await PostAsync(app, "/orders/confirm?discount=0.1&note=boom", accept: "text/html");

        Assert.Equal(StatusCodes.Status422UnprocessableEntity, status);
        Assert.StartsWith("application/problem+json", contentType, System.StringComparison.Ordinal);
        Assert.Contains("\"order.note_parser\"", body, System.StringComparison.Ordinal);
        var entry = Assert.Single(logs.Entries, e => e.Category == typeof(BusinessRuleExceptionHandler).FullName);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("order.note_parser", entry.Message, System.StringComparison.Ordinal);
        Assert.Equal("The note parser broke.", entry.Exception?.Message);
    }

    [Fact]
    public async Task A_failed_rule_is_logged_with_the_method_and_the_route_template_not_the_path_that_holds_the_id()
    {
        var logs = new ListLoggerProvider();
        await using var app = await StartAsync(logs);

        Assert.Equal(StatusCodes.Status422UnprocessableEntity, (await PostAsync(app, "/customers/4242/orders/confirm?discount=0.1&note=boom")).Status);
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, (await PostAsync(app, "/early/4343?note=boom")).Status);

        var entries = logs.Entries.Where(e => e.Category == typeof(BusinessRuleExceptionHandler).FullName).ToList();
        Assert.Equal(
            [
                "The business rule order.note_parser failed while a POST request to /customers/{id}/orders/confirm was checked; the answer lists it as failed.",
                "The business rule order.note_parser failed while a POST request to (no endpoint) was checked; the answer lists it as failed.",
            ],
            entries.Select(e => e.Message));
        Assert.Equal(
            [["RuleId=order.note_parser", "Method=POST", "Route=/customers/{id}/orders/confirm"], ["RuleId=order.note_parser", "Method=POST", "Route=(no endpoint)"]],
            entries.Select(e => e.State.Where(p => p != "{OriginalFormat}").ToArray()));
        Assert.DoesNotContain(entries, e => e.Message.Contains("4242", System.StringComparison.Ordinal) || e.State.Any(p => p.Contains("4242", System.StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_endpoint_returns_the_warnings_of_an_order_no_rule_blocks_as_the_422_lists_violations_whatever_the_naming_policy()
    {
        await using var app = await StartAsync(namingPolicy: JsonNamingPolicy.SnakeCaseLower);

        var (status, _, body) = await PostAsync(app, "/orders/confirm?discount=0.1&note=call%20me");

        Assert.Equal(StatusCodes.Status200OK, status);
        using var answer = JsonDocument.Parse(body);
        Assert.Equal(
            [
                """{"ruleId":"order.no_customer","severity":"Warning","message":"The order has no customer"}""",
                """{"ruleId":"order.note_parser","severity":"Warning","message":"The note asks for a callback"}""",
            ],
            answer.RootElement.GetProperty("warnings").EnumerateArray().Select(static w => w.GetRawText()));
        Assert.Equal("SO-1", answer.RootElement.GetProperty("number").GetString());

        // A blocking one: the 422 lists its violations in the same shape, the failed rule with "failed" and the fixed message.
        var (blocked, _, problem) = await PostAsync(app, "/orders/confirm?discount=0.5&note=boom");
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, blocked);
        using var violations = JsonDocument.Parse(problem);
        Assert.Equal(
            [
                """{"ruleId":"order.discount_limit","severity":"Blocking","message":"A discount above 30% needs a manager's approval"}""",
                """{"ruleId":"order.note_parser","severity":"Blocking","message":"This rule could not be checked; the server log has the cause.","failed":true}""",
            ],
            violations.RootElement.GetProperty("violations").EnumerateArray().Select(static v => v.GetRawText()));
    }

    [Fact]
    public async Task The_body_has_the_same_members_with_the_trace_id_and_the_app_s_customization_whatever_the_Accept_header_says()
    {
        await using var app = await StartAsync(customize: true);

        var bodies = new System.Collections.Generic.Dictionary<string, string[]>();
        foreach (var accept in new[] { "", "application/json", "text/html", "application/xml", "text/plain" })
        {
            var (status, contentType, body) = await PostAsync(app, "/orders/confirm?discount=0.5", accept: accept.Length == 0 ? null : accept);
            Assert.Equal(StatusCodes.Status422UnprocessableEntity, status);
            Assert.StartsWith("application/problem+json", contentType, System.StringComparison.Ordinal);
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            Assert.False(string.IsNullOrEmpty(root.GetProperty("traceId").GetString()));
            Assert.Equal("shop", root.GetProperty("app").GetString());
            bodies[accept] = [.. root.EnumerateObject().Select(static p => p.Name).Order(System.StringComparer.Ordinal)];
        }

        Assert.All(bodies.Values, members => Assert.Equal(bodies[""], members));
    }

    [Fact]
    public async Task An_order_no_rule_blocks_is_confirmed_and_other_exceptions_are_not_turned_into_422()
    {
        await using var app = await StartAsync();

        Assert.Equal(StatusCodes.Status200OK, (await PostAsync(app, "/orders/confirm?discount=0.1")).Status);
        Assert.Equal(StatusCodes.Status500InternalServerError, (await PostAsync(app, "/crash")).Status);
    }

    private static async Task<WebApplication> StartAsync(ListLoggerProvider? logs = null, bool customize = false, JsonNamingPolicy? namingPolicy = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddRouting();
        builder.Services.AddScoped<ICreditLimits>(_ => new FixedCreditLimits(1_000m));
        builder.Services.AddServerTools();
        builder.Services.AddBusinessRuleProblemDetails();
        if (customize)
        {
            builder.Services.Configure<ProblemDetailsOptions>(static options => options.CustomizeProblemDetails = static context => context.ProblemDetails.Extensions["app"] = "shop");
        }

        if (namingPolicy is not null)
        {
            builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = namingPolicy);
        }

        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapPost("/orders/confirm", static (IExceptionRuleEngine engine, decimal discount, string? note) =>
        {
            // docs/rules.md, "In a web app": the warnings go back in the answer's body.
            var order = NewOrder(note, discount);
            var result = engine.Enforce(order, "confirm");
            return Results.Ok(new { order.Number, warnings = result.Warnings.ToResponses() });
        });
        app.Use(static async (context, next) =>
        {
            // A middleware that enforces before routing chose an endpoint: no route matches its path.
            if (context.Request.Path.StartsWithSegments("/early"))
            {
                context.RequestServices.GetRequiredService<IExceptionRuleEngine>().Enforce(NewOrder("boom", 0.1m), "confirm");
            }

            await next(context);
        });
        app.MapPost("/customers/{id}/orders/confirm", static (IExceptionRuleEngine engine, int id, decimal discount, string? note) =>
        {
            engine.Enforce(NewOrder(note, discount), "confirm");
            return Results.Ok();
        });
        app.MapPost("/crash", static () => { throw new System.InvalidOperationException("not a rule"); });
        await app.StartAsync();
        return app;
    }

    private static Order NewOrder(string? note, decimal discount)
        => new() { Number = "SO-1", Discount = discount, Note = note, Customer = new Customer { Name = "Ada" } };

    private static async Task<(int Status, string ContentType, string Body)> PostAsync(WebApplication app, string pathAndQuery, string? accept = null)
    {
        var exchange = await app.GetTestServer().SendAsync(context =>
        {
            var (path, query) = pathAndQuery.IndexOf('?') is var at and >= 0 ? (pathAndQuery[..at], pathAndQuery[at..]) : (pathAndQuery, "");
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = path;
            context.Request.QueryString = new QueryString(query);
            if (accept is not null)
            {
                context.Request.Headers.Accept = accept;
            }
        });
        using var reader = new StreamReader(exchange.Response.Body);
        return (exchange.Response.StatusCode, exchange.Response.ContentType ?? "", await reader.ReadToEndAsync());
    }

    /// <summary>Keeps what the app logs.</summary>
    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message, string[] State, System.Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ListLoggerProvider provider, string category) : ILogger
        {
            public System.IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, System.Exception? exception, System.Func<TState, System.Exception?, string> formatter)
                => provider.Entries.Enqueue((
                    category,
                    logLevel,
                    formatter(state, exception),
                    state is System.Collections.Generic.IEnumerable<System.Collections.Generic.KeyValuePair<string, object?>> pairs
                        ? [.. pairs.Select(static pair => pair.Key == "{OriginalFormat}" ? pair.Key : $"{pair.Key}={pair.Value}")]
                        : [],
                    exception));
        }
    }
}
