using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.AspNetCore;

/// <summary>
/// A minimal web app on an in-memory <see cref="TestServer"/>, set up as a user's app is: authentication, the
/// ServerTools HTTP actor, a DbContext from <c>AddDbContext</c> with <c>UseServerTools()</c>, and endpoints that save an
/// audited ticket and answer its id.
/// </summary>
public sealed class SupportDeskApp : IAsyncDisposable
{
    /// <summary>Saves a ticket.</summary>
    public const string TicketsPath = "/tickets";

    /// <summary>Saves a ticket inside an <see cref="AuditActor.Use"/> scope, as an import job run by a request would.</summary>
    public const string ImportPath = "/import";

    /// <summary>The actor of <see cref="ImportPath"/>.</summary>
    public static readonly AuditActor Importer = new("importer", "Nightly import");

    private readonly WebApplication _app;

    private SupportDeskApp(WebApplication app) => _app = app;

    /// <summary>Builds and starts the app.</summary>
    /// <param name="connectionString">The database the app saves to.</param>
    /// <param name="configure">The options given to <c>AddHttpContextAuditActor</c>.</param>
    /// <param name="behindProxy">Whether the app runs <c>UseForwardedHeaders</c> for X-Forwarded-For, as behind a reverse proxy.</param>
    /// <param name="pooled">Whether the DbContext comes from <c>AddDbContextPool</c>, whose contexts outlive a request.</param>
    public static async Task<SupportDeskApp> StartAsync(
        string connectionString, Action<HttpContextAuditActorOptions>? configure = null, bool behindProxy = false, bool pooled = false)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting();
        builder.Services
            .AddAuthentication(ClaimsHeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ClaimsHeaderAuthenticationHandler>(ClaimsHeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddHttpContextAuditActor(configure);
        if (pooled)
        {
            builder.Services.AddDbContextPool<SupportDeskContext>(options => options.UseNpgsql(connectionString).UseServerTools());
        }
        else
        {
            builder.Services.AddDbContext<SupportDeskContext>(options => options.UseNpgsql(connectionString).UseServerTools());
        }

        if (behindProxy)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(options => options.ForwardedHeaders = ForwardedHeaders.XForwardedFor);
        }

        var app = builder.Build();
        if (behindProxy)
        {
            app.UseForwardedHeaders();
        }

        app.UseAuthentication();
        app.MapPost(TicketsPath, static (SupportDeskContext db) => SaveTicketAsync(db));
        app.MapPost(ImportPath, static async (SupportDeskContext db) =>
        {
            using (AuditActor.Use(Importer))
            {
                return await SaveTicketAsync(db);
            }
        });
        await app.StartAsync();
        return new SupportDeskApp(app);
    }

    /// <summary>Sends a POST through the whole pipeline and returns the id of the ticket it saved.</summary>
    /// <param name="path">The endpoint.</param>
    /// <param name="remoteIpAddress">The address the connection comes from.</param>
    /// <param name="claims">The user's claims (<see cref="ClaimsHeaderAuthenticationHandler.Encode"/>); <see langword="null"/> for an anonymous request.</param>
    /// <param name="forwardedFor">An X-Forwarded-For header, as a proxy sends it.</param>
    public async Task<int> PostAsync(string path, IPAddress? remoteIpAddress, string? claims = null, string? forwardedFor = null)
    {
        var exchange = await _app.GetTestServer().SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = path;
            context.Connection.RemoteIpAddress = remoteIpAddress;
            if (claims is not null)
            {
                context.Request.Headers[ClaimsHeaderAuthenticationHandler.Header] = claims;
            }

            if (forwardedFor is not null)
            {
                context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });

        using var reader = new StreamReader(exchange.Response.Body);
        var body = await reader.ReadToEndAsync();
        Assert.True(exchange.Response.StatusCode == StatusCodes.Status200OK, $"{path} answered {exchange.Response.StatusCode}: {body}");
        return int.Parse(body, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<int> SaveTicketAsync(SupportDeskContext db)
    {
        var ticket = new SupportTicket { Title = "Printer on fire" };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Id;
    }
}
