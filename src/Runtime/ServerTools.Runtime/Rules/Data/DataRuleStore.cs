using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Data;

/// <summary>
/// The data rules of the application (one per <c>AddServerTools</c>): read from the <see cref="ExceptionRuleDefinition"/>
/// table of the configured context, compiled, and kept until they may have changed: at once after a definition is saved
/// through a ServerTools context of this process, and after <see cref="RuleOptions.DataRuleRefreshInterval"/> for edits
/// made elsewhere. The table is read in a scope of its own, so the caller's context is never used concurrently, and
/// outside any ambient transaction (<see cref="Transaction.Current"/>), so the engine runs committed rules only: a
/// definition saved in a <see cref="TransactionScope"/> that is not complete yet, or that rolls back, is never run.
/// </summary>
internal sealed class DataRuleStore(Type contextType, TimeSpan refreshInterval)
{
    private static int s_version;

    private readonly Lock _lock = new();
    private readonly long _refreshMilliseconds = (long)refreshInterval.TotalMilliseconds;
    private DataRuleSnapshot? _snapshot;

    /// <summary>Changes whenever a definition is saved in this process.</summary>
    public static int Version => Volatile.Read(ref s_version);

    /// <summary>Makes every store read the table again at its next use.</summary>
    public static void Invalidate() => Interlocked.Increment(ref s_version);

    /// <summary>The current rules, read again when the ones held may be stale.</summary>
    public DataRuleSnapshot Current(IServiceProvider services)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (IsFresh(snapshot))
        {
            return snapshot!;
        }

        lock (_lock)
        {
            snapshot = _snapshot;
            if (!IsFresh(snapshot))
            {
                snapshot = Load(services);
                Volatile.Write(ref _snapshot, snapshot);
            }

            return snapshot!;
        }
    }

    private bool IsFresh(DataRuleSnapshot? snapshot)
        => snapshot is not null
            && snapshot.Version == Version
            && Environment.TickCount64 - snapshot.LoadedAt < _refreshMilliseconds;

    private DataRuleSnapshot Load(IServiceProvider services)
    {
        var version = Version;
        var loadedAt = Environment.TickCount64;
        // The caller's TransactionScope would enlist the read, which would then see the scope's uncommitted definitions.
        using var suppress = Transaction.Current is null ? null : new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled);
        using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateScope();
        if (scope.ServiceProvider.GetService(contextType) is not DbContext context)
        {
            throw new InvalidOperationException(
                $"The data rules live in {contextType.Name}, which is not registered. Register it with services.AddDbContext<{contextType.Name}>(...), " +
                "or remove Rules.UseDataRules from AddServerTools.");
        }

        List<(ExceptionRuleDefinition Definition, string? StoredSeverity)> definitions;
        try
        {
            definitions = DataRuleRows.Read(context, ServerToolsTables.Rows<ExceptionRuleDefinition>(context).Where(static d => d.Active));
        }
        catch (Exception error) when (ServerToolsTables.PostgresError(error) is { } postgres && ServerToolsTables.Explain(
            postgres,
            ServerToolsTables.TableOf<ExceptionRuleDefinition>(context.Model),
            $"The data rules of {contextType.Name} are read from it, so the rule engine cannot evaluate them.") is { } explained)
        {
            throw explained;
        }

        var rules = definitions.Select(row => DataRuleCompiler.Compile(context.Model, row.Definition, row.StoredSeverity)).Where(static rule => rule is not null).ToList();
        return new DataRuleSnapshot(rules!, version, loadedAt);
    }
}
