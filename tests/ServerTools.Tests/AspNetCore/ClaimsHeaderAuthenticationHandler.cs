using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ServerTools.Tests.AspNetCore;

/// <summary>
/// A test authentication scheme: the request's <see cref="Header"/> lists the user's claims as a query string
/// (<c>sub=u-42&amp;name=Ada</c>). No header, no user: the request stays anonymous.
/// </summary>
public sealed class ClaimsHeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ClaimsHeader";
    public const string Header = "X-Test-Claims";

    /// <summary>The header value that carries <paramref name="claims"/>.</summary>
    public static string Encode(params (string Type, string Value)[] claims) =>
        string.Join('&', claims.Select(c => $"{Uri.EscapeDataString(c.Type)}={Uri.EscapeDataString(c.Value)}"));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim>();
        foreach (var (type, values) in QueryHelpers.ParseQuery(header.ToString()))
        {
            claims.AddRange(values.Select(value => new Claim(type, value ?? "")));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
