using System;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools;

/// <summary>Registers <see cref="BusinessRuleExceptionHandler"/>.</summary>
public static class BusinessRuleProblemDetailsServiceCollectionExtensions
{
    /// <summary>
    /// Answers requests that a <see cref="BusinessRuleException"/> ended with 422 and the blocking rules' messages as
    /// problem details: adds ASP.NET Core's problem details service and <see cref="BusinessRuleExceptionHandler"/>. The
    /// app must run <c>app.UseExceptionHandler()</c>, which calls the handler.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddBusinessRuleProblemDetails(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddProblemDetails();
        services.AddExceptionHandler<BusinessRuleExceptionHandler>();
        return services;
    }
}
