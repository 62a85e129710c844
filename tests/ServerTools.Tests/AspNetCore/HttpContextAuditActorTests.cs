using System.Globalization;
using System.Linq;
using System.Net;
using System.Security.Claims;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.AspNetCore;

/// <summary>
/// ServerTools.AspNetCore end to end: requests through a real ASP.NET Core pipeline (authentication, forwarded headers,
/// minimal API endpoints) save an audited entity on PostgreSQL, and the audit log row names the request's user and client.
/// </summary>
public sealed class HttpContextAuditActorTests(HttpContextAuditActorTests.Database database) : IClassFixture<HttpContextAuditActorTests.Database>
{
    private static readonly IPAddress s_client = IPAddress.Parse("203.0.113.7");

    /// <summary>One database for the class, with the schema created once.</summary>
    public sealed class Database() : SchemaFixture<SupportDeskContext>(options => new(options));

    [Fact]
    public async Task Authenticated_request_writes_the_user_id_name_and_client_ip_to_the_audit_log()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString);

        var id = await app.PostAsync(SupportDeskApp.TicketsPath, s_client,
            ClaimsHeaderAuthenticationHandler.Encode((ClaimTypes.NameIdentifier, "u-42"), (ClaimTypes.Name, "Ada Lovelace"), ("tid", "acme")));

        Assert.Equal(new AuditActor("u-42", "Ada Lovelace", "203.0.113.7"), await LoggedActor(id));
    }

    [Fact]
    public async Task Anonymous_request_writes_only_the_client_ip()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString);

        var id = await app.PostAsync(SupportDeskApp.TicketsPath, s_client);

        Assert.Equal(new AuditActor(null, IpAddress: "203.0.113.7"), await LoggedActor(id));
    }

    [Fact]
    public async Task Ambient_actor_set_in_the_endpoint_takes_precedence_over_the_request()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString);

        var id = await app.PostAsync(SupportDeskApp.ImportPath, s_client,
            ClaimsHeaderAuthenticationHandler.Encode((ClaimTypes.NameIdentifier, "u-42"), (ClaimTypes.Name, "Ada Lovelace")));

        Assert.Equal(SupportDeskApp.Importer, await LoggedActor(id));
    }

    [Fact]
    public async Task Unmapped_jwt_claims_sub_and_name_are_read_by_default()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString);

        var id = await app.PostAsync(SupportDeskApp.TicketsPath, s_client,
            ClaimsHeaderAuthenticationHandler.Encode(("sub", "8f14e45f"), ("name", "Grace Hopper")));

        Assert.Equal(new AuditActor("8f14e45f", "Grace Hopper", "203.0.113.7"), await LoggedActor(id));
    }

    [Fact]
    public async Task Configured_claim_types_give_the_user_id_name_and_tenant()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString, options =>
        {
            options.UserIdClaimTypes = ["oid"];
            options.UserNameClaimTypes = ["preferred_username"];
            options.TenantIdClaimType = "tid";
        });

        var id = await app.PostAsync(SupportDeskApp.TicketsPath, s_client,
            ClaimsHeaderAuthenticationHandler.Encode(
                ("sub", "pairwise-subject"), ("oid", "0f3c1a2b"), ("name", "Ada"), ("preferred_username", "ada@acme.example"), ("tid", "acme")));

        Assert.Equal(new AuditActor("0f3c1a2b", "ada@acme.example", "203.0.113.7", "acme"), await LoggedActor(id));
    }

    [Fact]
    public async Task Ipv4_client_on_a_dual_mode_socket_is_written_as_ipv4()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString);

        var id = await app.PostAsync(SupportDeskApp.TicketsPath, IPAddress.Parse("::ffff:198.51.100.4"));

        Assert.Equal("198.51.100.4", (await LoggedActor(id)).IpAddress);
    }

    [Fact]
    public async Task Behind_a_proxy_forwarded_headers_give_the_client_ip_not_the_proxy_ip()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString, behindProxy: true);

        var id = await app.PostAsync(SupportDeskApp.TicketsPath, IPAddress.Loopback, forwardedFor: "203.0.113.7");

        Assert.Equal("203.0.113.7", (await LoggedActor(id)).IpAddress);
    }

    [Fact]
    public async Task Pooled_contexts_log_the_user_of_the_request_that_saves()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString, pooled: true);

        var first = await app.PostAsync(SupportDeskApp.TicketsPath, s_client, ClaimsHeaderAuthenticationHandler.Encode((ClaimTypes.NameIdentifier, "u-1")));
        var second = await app.PostAsync(SupportDeskApp.TicketsPath, IPAddress.Parse("198.51.100.2"), ClaimsHeaderAuthenticationHandler.Encode((ClaimTypes.NameIdentifier, "u-2")));

        Assert.Equal(new AuditActor("u-1", IpAddress: "203.0.113.7"), await LoggedActor(first));
        Assert.Equal(new AuditActor("u-2", IpAddress: "198.51.100.2"), await LoggedActor(second));
    }

    [Fact]
    public async Task Concurrent_requests_each_log_their_own_user_and_ip()
    {
        await using var app = await SupportDeskApp.StartAsync(database.ConnectionString);
        var users = Enumerable.Range(1, 8).ToArray();

        var ids = await Task.WhenAll(users.Select(user => app.PostAsync(SupportDeskApp.TicketsPath, IPAddress.Parse($"198.51.100.{user}"),
            ClaimsHeaderAuthenticationHandler.Encode((ClaimTypes.NameIdentifier, $"u-{user}"), (ClaimTypes.Name, $"User {user}")))));

        for (var i = 0; i < users.Length; i++)
        {
            Assert.Equal(new AuditActor($"u-{users[i]}", $"User {users[i]}", $"198.51.100.{users[i]}"), await LoggedActor(ids[i]));
        }
    }

    /// <summary>The actor written to the one audit log of the ticket's creation.</summary>
    private async Task<AuditActor> LoggedActor(int ticketId)
    {
        await using var context = database.Create();
        var key = ticketId.ToString(CultureInfo.InvariantCulture);
        var log = await context.Set<AuditLog>().SingleAsync(l => l.EntityType == typeof(SupportTicket).FullName && l.EntityKey == key);
        Assert.Equal(AuditOperation.Create, log.Operation);
        return new AuditActor(log.UserId, log.UserName, log.IpAddress, log.TenantId);
    }
}
