using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Data;

/// <summary>
/// Data rules that the application's rule engine would skip in silence, refused where ServerTools can see them. The
/// engine runs data rules only with <see cref="RuleOptions.UseDataRules{TContext}"/>, but the table of definitions is in
/// every model built with <c>UseServerTools()</c>, so a definition can be saved, and checked as valid, for an engine that
/// never reads it:
/// <list type="bullet">
/// <item>a context created by the application's services (<c>AddDbContext</c>, which gives it the application's service
/// provider) refuses to save an active definition when the engine of those services reads no data rules from its type;</item>
/// <item><c>CheckRulesAsync</c> and <c>IgnoreRuleWarningsAsync</c> with an engine that runs no data rules refuse a context
/// whose table holds active ones for entity types of its model (for contexts created without the application's services,
/// and rows written elsewhere).
/// The table is read once per model and database, and again after definitions are saved in this process or when the
/// answer is older than the engine's <see cref="RuleOptions.DataRuleRefreshInterval"/> (edits made elsewhere).</item>
/// </list>
/// </summary>
internal static class UnreadDataRules
{
    /// <summary>
    /// The most models and databases whose answer is kept: past it the answers are dropped (each is read again at its next
    /// check), so connection strings made per tenant or per user cannot grow the cache without bound.
    /// </summary>
    private const int MaxCachedDatabases = 1024;

    /// <summary>
    /// When a model and database had no active data rule: the value of <see cref="DataRuleStore.Version"/>, and
    /// <see cref="Environment.TickCount64"/> before the table was read.
    /// </summary>
    private static readonly ConcurrentDictionary<(IModel Model, string? Database), (int Version, long ReadAt)> s_noneAt = new();

    /// <summary>
    /// Throws when <paramref name="definition"/> is active, <paramref name="context"/> comes from the application's services
    /// and their rule engine does not read data rules from its type, so that the definition would never run. An inactive
    /// draft runs nowhere, and passes.
    /// </summary>
    /// <param name="context">The context that saves (or validates) the definition.</param>
    /// <param name="definition">The definition saved or validated.</param>
    /// <param name="validating">True for <c>ValidateDataRule</c>, which saves nothing: the message says the rule would not run.</param>
    /// <exception cref="InvalidOperationException">The engine runs no data rules, or reads them from another context type.</exception>
    public static void RefuseSave(DbContext context, ExceptionRuleDefinition definition, bool validating = false)
    {
        if (!definition.Active)
        {
            return;
        }

        if (context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService(typeof(RuleEngineSetup)) is not RuleEngineSetup setup
            || (setup.DataRuleContextType is { } type && type.IsInstanceOfType(context)))
        {
            return;
        }

        var name = context.GetType().Name;
        var use = $"services.AddServerTools(o => o.Rules.UseDataRules<{name}>())";
        var refused = validating ? $"The data rule '{definition.Id}' would never run" : $"The data rule '{definition.Id}' was not saved";
        var end = validating ? "" : " Nothing was saved.";
        throw new InvalidOperationException(setup.DataRuleContextType is { } other
            ? $"{refused}: the application's rule engine reads data rules from the table of {other.Name} "
              + $"(Rules.UseDataRules<{other.Name}>()) and checks them against its model, not {name}'s. Save data rules through {other.Name}, "
              + $"or make the engine read them from {name}: {use}.{end}"
            : $"{refused}: the application's rule engine runs no data rules (services.AddServerTools() "
              + $"without Rules.UseDataRules<TContext>()), so Evaluate, Enforce and CheckRulesAsync would never check it. Make the engine "
              + $"read the data rules of this context: {use}.{end}");
    }

    /// <summary>
    /// Throws when <paramref name="context"/>'s table holds active data rules for entity types of its model, for a check with
    /// an engine that runs none. An answer of "none" is kept for <paramref name="refreshInterval"/>, as the engine keeps
    /// the data rules it reads, or until a definition is saved in this process.
    /// </summary>
    /// <param name="context">The context of the check.</param>
    /// <param name="refreshInterval">The engine's <see cref="RuleOptions.DataRuleRefreshInterval"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidOperationException">The table holds active data rules.</exception>
    public static async Task RefuseCheckAsync(DbContext context, TimeSpan refreshInterval, CancellationToken cancellationToken)
    {
        if (context.Model.FindEntityType(typeof(ExceptionRuleDefinition)) is null)
        {
            return;
        }

        var key = (context.Model, context.Database.IsRelational() ? context.Database.GetConnectionString() : null);
        var version = DataRuleStore.Version;
        var readAt = Environment.TickCount64;
        if (s_noneAt.TryGetValue(key, out var none) && none.Version == version && readAt - none.ReadAt < (long)refreshInterval.TotalMilliseconds)
        {
            return;
        }

        // The rules of this model's entity types: a rule for an entity type the model does not map is another application's.
        List<(string Id, string EntityType)> rows;
        try
        {
            rows = (await ServerToolsTables.Rows<ExceptionRuleDefinition>(context)
                .AsNoTracking()
                .Where(static d => d.Active)
                .Select(static d => new { d.Id, d.EntityType })
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false))
                .ConvertAll(static row => (row.Id, row.EntityType));
        }
        catch (Exception error) when (ServerToolsTables.PostgresError(error) is { SqlState: PostgresErrorCodes.InsufficientPrivilege } postgres)
        {
            var definitions = ServerToolsTables.TableOf<ExceptionRuleDefinition>(context.Model);
            throw new InvalidOperationException(
                $"This connection's role may not read {definitions} ({postgres.MessageText}). CheckRulesAsync and IgnoreRuleWarningsAsync read its "
                + "active rules, also when the engine runs code rules only, to refuse a check that would skip data rules stored there. "
                + $"Grant the role SELECT on it (GRANT SELECT ON {definitions} TO ...). Nothing was checked.",
                error);
        }
        catch (Exception error) when (ServerToolsTables.PostgresError(error) is { } postgres && ServerToolsTables.Explain(
            postgres,
            ServerToolsTables.TableOf<ExceptionRuleDefinition>(context.Model),
            "The rule check reads it to find data rules the engine would skip.") is { } explained)
        {
            throw explained;
        }

        var ids = rows
            .Where(row => DataRuleCompiler.FindEntityType(context.Model, row.EntityType, out var sameName) is not null || sameName.Count > 0)
            .Select(static row => row.Id)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (ids.Count == 0)
        {
            if (s_noneAt.Count >= MaxCachedDatabases && !s_noneAt.ContainsKey(key))
            {
                s_noneAt.Clear();
            }

            s_noneAt[key] = (version, readAt);
            return;
        }

        var name = context.GetType().Name;
        var table = ServerToolsTables.TableOf<ExceptionRuleDefinition>(context.Model);
        var listed = string.Join(", ", ids.Take(3).Select(static id => $"'{id}'")) + (ids.Count > 3 ? ", ..." : "");
        throw new InvalidOperationException(
            $"The table {table} of {name} holds active data rules ({listed}), but the rule engine runs no data rules "
            + "(services.AddServerTools() without Rules.UseDataRules<TContext>()), so this check would skip them in silence, as Evaluate and "
            + $"Enforce do. Make the engine read them: services.AddServerTools(o => o.Rules.UseDataRules<{name}>()); or, if they are not "
            + "meant to run, set them inactive (Active = false).");
    }
}
