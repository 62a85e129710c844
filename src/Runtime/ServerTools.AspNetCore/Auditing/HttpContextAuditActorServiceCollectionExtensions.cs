using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServerTools;

/// <summary>Registers <see cref="HttpContextAuditActorProvider"/>.</summary>
public static class HttpContextAuditActorServiceCollectionExtensions
{
    /// <summary>
    /// Makes the current HTTP request the audit trail's actor: registers <see cref="HttpContextAuditActorProvider"/> as
    /// the <see cref="IAuditActorProvider"/> (a singleton), and the <see cref="Microsoft.AspNetCore.Http.IHttpContextAccessor"/>
    /// it reads. An <see cref="IAuditActorProvider"/> registered before this call is kept: the first registration wins.
    /// Calling it again adds <paramref name="configure"/> to the options.
    /// </summary>
    /// <param name="services">The application's services, the ones <c>AddDbContext</c> sees.</param>
    /// <param name="configure">Sets which claims hold the user id, name and tenant.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHttpContextAuditActor(this IServiceCollection services, Action<HttpContextAuditActorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpContextAccessor();
        var options = services.AddOptions<HttpContextAuditActorOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<IAuditActorProvider, HttpContextAuditActorProvider>();
        return services;
    }
}
