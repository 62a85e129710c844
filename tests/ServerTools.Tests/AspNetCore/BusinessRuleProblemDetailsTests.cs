using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
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
        Assert.DoesNotContain("The note parser broke", body, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_no_rule_blocks_is_confirmed_and_other_exceptions_are_not_turned_into_422()
    {
        await using var app = await StartAsync();

        Assert.Equal(StatusCodes.Status200OK, (await PostAsync(app, "/orders/confirm?discount=0.1")).Status);
        Assert.Equal(StatusCodes.Status500InternalServerError, (await PostAsync(app, "/crash")).Status);
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting();
        builder.Services.AddScoped<ICreditLimits>(_ => new FixedCreditLimits(1_000m));
        builder.Services.AddServerTools();
        builder.Services.AddBusinessRuleProblemDetails();
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

    private static async Task<(int Status, string ContentType, string Body)> PostAsync(WebApplication app, string pathAndQuery)
    {
        var exchange = await app.GetTestServer().SendAsync(context =>
        {
            var (path, query) = pathAndQuery.IndexOf('?') is var at and >= 0 ? (pathAndQuery[..at], pathAndQuery[at..]) : (pathAndQuery, "");
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = path;
            context.Request.QueryString = new QueryString(query);
        });
        using var reader = new StreamReader(exchange.Response.Body);
        return (exchange.Response.StatusCode, exchange.Response.ContentType ?? "", await reader.ReadToEndAsync());
    }
}
