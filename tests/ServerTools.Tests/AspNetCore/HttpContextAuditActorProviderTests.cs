using System;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ServerTools.Tests.AspNetCore;

/// <summary>
/// <see cref="HttpContextAuditActorProvider"/> on its own, with real <see cref="DefaultHttpContext"/>s, and what
/// <c>AddHttpContextAuditActor</c> registers.
/// </summary>
public sealed class HttpContextAuditActorProviderTests
{
    [Fact]
    public void Outside_a_request_there_is_no_actor()
    {
        Assert.Null(Provider(context: null).GetCurrentActor());
    }

    [Theory]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8::7", "2001:db8::7")]
    [InlineData("::1", "::1")]
    [InlineData(null, null)]
    public void Remote_address_is_written_with_ipv4_mapped_addresses_as_ipv4(string? remoteAddress, string? written)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = remoteAddress is null ? null : IPAddress.Parse(remoteAddress);

        Assert.Equal(new AuditActor(null, IpAddress: written), Provider(context).GetCurrentActor());
    }

    [Fact]
    public void Claims_of_an_unauthenticated_identity_are_not_written()
    {
        var context = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u-42"), new Claim(ClaimTypes.Name, "Ada"), new Claim("tid", "acme")])),
        };

        Assert.Equal(new AuditActor(null), Provider(context, options => options.TenantIdClaimType = "tid").GetCurrentActor());
    }

    [Fact]
    public void Claim_types_are_tried_in_order_over_every_authenticated_identity_and_empty_values_are_skipped()
    {
        var context = new DefaultHttpContext { User = new ClaimsPrincipal() };
        context.User.AddIdentity(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "unauthenticated")]));
        context.User.AddIdentity(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, ""), new Claim("sub", "from-sub")], "Cookies"));
        context.User.AddIdentity(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "from-name-identifier"), new Claim("name", "Ada")], "Bearer"));

        Assert.Equal(new AuditActor("from-name-identifier", "Ada"), Provider(context).GetCurrentActor());
    }

    [Fact]
    public void Identity_name_comes_before_the_name_claim_types()
    {
        var identity = new ClaimsIdentity([new Claim("upn", "ada@acme.example"), new Claim("name", "Ada")], "Bearer", nameType: "upn", roleType: null);
        var context = new DefaultHttpContext { User = new ClaimsPrincipal(identity) };

        Assert.Equal("ada@acme.example", Provider(context).GetCurrentActor()?.UserName);
    }

    [Fact]
    public void A_missing_claim_type_list_is_reported_when_the_provider_is_created()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Provider(new DefaultHttpContext(), options => options.UserNameClaimTypes = null!));

        Assert.Contains(nameof(HttpContextAuditActorOptions.UserNameClaimTypes), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_adds_the_accessor_and_one_shared_provider()
    {
        using var services = new ServiceCollection().AddHttpContextAuditActor().BuildServiceProvider();

        Assert.NotNull(services.GetService<IHttpContextAccessor>());
        var provider = Assert.IsType<HttpContextAuditActorProvider>(services.GetService<IAuditActorProvider>());
        using var scope = services.CreateScope();
        Assert.Same(provider, scope.ServiceProvider.GetService<IAuditActorProvider>());
    }

    [Fact]
    public void Registration_keeps_an_actor_provider_the_application_registered_first()
    {
        var own = new FixedActorProvider();
        using var services = new ServiceCollection()
            .AddSingleton<IAuditActorProvider>(own)
            .AddHttpContextAuditActor()
            .BuildServiceProvider();

        Assert.Same(own, services.GetService<IAuditActorProvider>());
    }

    [Fact]
    public void Registration_called_twice_applies_both_configurations_and_registers_one_provider()
    {
        var collection = new ServiceCollection()
            .AddHttpContextAuditActor(options => options.TenantIdClaimType = "tid")
            .AddHttpContextAuditActor(options => options.UserIdClaimTypes = ["oid"]);
        using var services = collection.BuildServiceProvider();

        Assert.Single(collection, descriptor => descriptor.ServiceType == typeof(IAuditActorProvider));
        var options = services.GetRequiredService<IOptions<HttpContextAuditActorOptions>>().Value;
        Assert.Equal("tid", options.TenantIdClaimType);
        Assert.Equal(["oid"], options.UserIdClaimTypes);
    }

    private static HttpContextAuditActorProvider Provider(HttpContext? context, Action<HttpContextAuditActorOptions>? configure = null)
    {
        var options = new HttpContextAuditActorOptions();
        configure?.Invoke(options);
        return new HttpContextAuditActorProvider(new HttpContextAccessor { HttpContext = context }, Options.Create(options));
    }

    private sealed class FixedActorProvider : IAuditActorProvider
    {
        public AuditActor? GetCurrentActor() => new("own");
    }
}
