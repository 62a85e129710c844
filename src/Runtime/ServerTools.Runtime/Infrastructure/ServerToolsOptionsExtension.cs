using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServerTools.Auditing;
using ServerTools.FuzzySearch;
using ServerTools.TimeWindows;

namespace ServerTools.Infrastructure;

/// <summary>
/// The EF Core options extension behind <c>UseServerTools()</c>: adds ServerTools' conventions and interceptors
/// to the context's internal services. The options themselves are read per save, so contexts with different
/// options share one internal service provider.
/// </summary>
public sealed class ServerToolsOptionsExtension(ServerToolsOptions options) : IDbContextOptionsExtension
{
    private ExtensionInfo? _info;

    /// <summary>The options given to <c>UseServerTools</c>.</summary>
    public ServerToolsOptions Options { get; } = options;

    /// <inheritdoc />
    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    /// <inheritdoc />
    public void ApplyServices(IServiceCollection services)
    {
        // A query that fails for want of pg_trgm is explained through EF Core's diagnostic listener (see EfCoreEvents).
        EfCoreEvents.Subscribe();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IConventionSetPlugin, ServerToolsConventionSetPlugin>());
        // One per context; a pooled context's is reset when it goes back to the pool (IResettableService).
        services.TryAddScoped<UnloadedEntries>();
        services.AddScoped<IInterceptor>(static provider => provider.GetRequiredService<UnloadedEntries>());
        services.AddScoped<IResettableService>(static provider => provider.GetRequiredService<UnloadedEntries>());
        services.TryAddScoped<SaveChangesInterceptor>();
        services.AddScoped<IInterceptor>(static provider => provider.GetRequiredService<SaveChangesInterceptor>());
        services.AddScoped<IResettableService>(static provider => provider.GetRequiredService<SaveChangesInterceptor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISingletonInterceptor, AuditReadMaterializer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISingletonInterceptor, TimeWindowReadCheck>());
        // EF Core compiles every entity type's materializer with interception once there is a materialization interceptor;
        // these two act on read-audited and [TimeWindowed] types only, and the others are compiled without them. As for the
        // differ below, this needs the provider's source registered first.
        DecoratedService.Decorate<IStructuralTypeMaterializerSource>(services, SelectiveMaterializerSource.Create);
        // Query expression interceptors are found among the IInterceptor services (materialization ones among ISingletonInterceptor).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor, FuzzySearchQueryInterceptor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor, TimeWindowQueryInterceptor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRelationalTypeMappingSourcePlugin, JsonColumnTypeMappingPlugin>());
        services.TryAddScoped<AuditReadRecorder>();
        services.AddScoped<IInterceptor>(static provider => provider.GetRequiredService<AuditReadRecorder>());
        // Reset with a pooled context too: the reads of a query left open must not reach the next lease.
        services.AddScoped<IResettableService>(static provider => provider.GetRequiredService<AuditReadRecorder>());
        services.TryAddScoped<TimeWindowReads>();
        services.AddScoped<IInterceptor>(static provider => provider.GetRequiredService<TimeWindowReads>());
        services.AddScoped<IResettableService>(static provider => provider.GetRequiredService<TimeWindowReads>());
        // dotnet ef migrations add asks the context for its differ: the provider's, wrapped so that a table that gets
        // [TimeWindowed] gets empty lists in its rows (docs/time-windows.md). When UseServerTools() comes before the
        // provider's Use...() there is none to wrap yet, and migrations stay as EF Core writes them.
        DecoratedService.Decorate<IMigrationsModelDiffer>(services, static differ => new TimeWindowMigrationsModelDiffer(differ));
    }

    /// <inheritdoc />
    public void Validate(IDbContextOptions options)
    {
        // EF Core applies the extensions' services in the order the options were configured: the provider's services that
        // ServerTools wraps (the migrations differ, the materializer source) must be there before its own.
        var seen = false;
        foreach (var extension in options.Extensions)
        {
            if (extension is ServerToolsOptionsExtension)
            {
                seen = true;
            }
            else if (seen && extension.Info.IsDatabaseProvider)
            {
                throw new InvalidOperationException(
                    "UseServerTools() is called before the database provider's Use...() on these options. Call it after the provider, "
                    + "for example options.UseNpgsql(connectionString).UseServerTools(): ServerTools wraps services the provider "
                    + "registers (the migrations differ, so that adding [TimeWindowed] to a table with rows migrates cleanly, and the "
                    + "materializer source, so that only read-audited and [TimeWindowed] entities pay for materialization interception), "
                    + "and before the provider there is nothing to wrap.");
            }
        }
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "using ServerTools ";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            => debugInfo["ServerTools"] = "1";
    }
}

/// <summary>
/// Adds ServerTools' model conventions (the tables it owns) to every model built with <c>UseServerTools()</c>.
/// The model does not depend on the options: EF caches one model per context type, so contexts of one type
/// with different options (auditing on in one, off in another) must see the same tables. What is PostgreSQL's
/// alone (pg_trgm and its indexes, the multirange columns of time windows and the mapping of timezone()) is added on
/// PostgreSQL only.
/// </summary>
internal sealed class ServerToolsConventionSetPlugin(IDatabaseProvider databaseProvider, ITypeMappingSource typeMappingSource, ICurrentDbContext currentContext)
    : IConventionSetPlugin
{
    public Microsoft.EntityFrameworkCore.Metadata.Conventions.ConventionSet ModifyConventions(Microsoft.EntityFrameworkCore.Metadata.Conventions.ConventionSet conventionSet)
    {
        conventionSet.Add(new ServerToolsTablesConvention(currentContext.Context.GetType()));
        conventionSet.Add(new AuditModelConvention());
        conventionSet.Add(new Tracking.TrackingModelConvention());
        conventionSet.Add(new Rules.RulesModelConvention());
        // PostgreSQL's type mappings, on PostgreSQL only.
        var postgres = databaseProvider.Name == DatabaseProviders.Npgsql ? typeMappingSource as IRelationalTypeMappingSource : null;
        if (postgres is not null)
        {
            conventionSet.Add(new FuzzySearchModelConvention(postgres));
        }

        conventionSet.Add(TimeWindowModelConvention.Create(postgres));

        return conventionSet;
    }
}

/// <summary>
/// Keeps the names of ServerTools' tables of a finished model, and the columns it maps on them, by context type, so that a
/// query of one of them on a database without it (or without one of these columns) is explained
/// (<see cref="ServerToolsTables.ExplainQuery"/>), and the columns it maps on the tables
/// of <c>[TimeWindowed]</c> entities, so that a query or a save of such a table that lacks them is
/// (<see cref="TimeWindowColumnErrors"/>): when the model is finalized, after every convention that might rename them.
/// </summary>
internal sealed class ServerToolsTablesConvention(Type contextType) : Microsoft.EntityFrameworkCore.Metadata.Conventions.IModelFinalizedConvention
{
    public Microsoft.EntityFrameworkCore.Metadata.IModel ProcessModelFinalized(Microsoft.EntityFrameworkCore.Metadata.IModel model)
    {
        ServerToolsTables.Remember(contextType, model);
        TimeWindowColumnErrors.Remember(contextType, model);
        return model;
    }
}
