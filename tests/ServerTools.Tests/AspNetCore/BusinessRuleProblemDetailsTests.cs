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

    private static async Task<WebApplication> StartAsync(ListLoggerProvider? logs = null, bool customize = false)
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

        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapPost("/orders/confirm", static (IExceptionRuleEngine engine, decimal discount, string? note) =>
        {
            var order = new Order { Number = "SO-1", Discount = discount, Note = note, Customer = new Customer { Name = "Ada" } };
            engine.Enforce(order, "confirm");
            return Results.Ok();
        });
        app.MapPost("/crash", static () => { throw new System.InvalidOperationException("not a rule"); });
        await app.StartAsync();
        return app;
    }

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
        public ConcurrentQueue<(string Category, LogLevel Level, string Message, System.Exception? Exception)> Entries { get; } = new();

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
                => provider.Entries.Enqueue((category, logLevel, formatter(state, exception), exception));
        }
    }
}
