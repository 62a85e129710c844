using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Data;

/// <summary>
/// The data rules of the application (one store per <c>AddServerTools</c>), kept per database: read from the
/// <see cref="ExceptionRuleDefinition"/> table of the configured context, compiled, and kept until they may have changed:
/// at once after a definition is saved through a ServerTools context of this process, and after
/// <see cref="RuleOptions.DataRuleRefreshInterval"/> for edits made elsewhere. The database is the one the context of the
/// caller's DI scope connects to (its model and connection string), or the one of the context given to
/// <c>CheckRulesAsync</c>, so an application whose context picks its connection string per scope (a database per tenant),
/// or a job that goes through the tenants with contexts of its own, runs each tenant's rules for that tenant. The table is read in a scope of its
/// own, pointed at the caller's database, so the caller's context is never used concurrently, and outside any ambient
/// transaction (<see cref="Transaction.Current"/>), so the engine runs committed rules only: a definition saved in a
/// <see cref="TransactionScope"/> that is not complete yet, or that rolls back, is never run.
/// </summary>
internal sealed class DataRuleStore(Type contextType, TimeSpan refreshInterval)
{
    /// <summary>
    /// The most databases (models and connection strings) whose rules are kept: past it they are all dropped (each is read
    /// again at its next use), so connection strings made per tenant or per user cannot grow the cache without bound.
    /// </summary>
    internal const int MaxCachedDatabases = 1024;

    private static int s_version;

    private readonly long _refreshMilliseconds = (long)refreshInterval.TotalMilliseconds;
    private readonly ConcurrentDictionary<(IModel? Model, string ConnectionString), Database> _databases = new();

    /// <summary>Changes whenever a definition is saved in this process.</summary>
    public static int Version => Volatile.Read(ref s_version);

    /// <summary>The context type whose table holds the rules.</summary>
    public Type ContextType => contextType;

    /// <summary>Makes every store read the table again at its next use.</summary>
    public static void Invalidate() => Interlocked.Increment(ref s_version);

    /// <summary>
    /// The rules of the database <paramref name="context"/> connects to (the data rules' context of the caller's scope, or
    /// the context given to <c>CheckRulesAsync</c> and its kin; none when it is not registered, and then reading the rules
    /// throws what to register).
    /// </summary>
    public Database For(DbContext? context)
    {
        var connectionString = ConnectionStringOf(context) ?? "";
        var key = (context?.Model, KeyOf(connectionString));
        if (_databases.TryGetValue(key, out var database))
        {
            return database;
        }

        if (_databases.Count >= MaxCachedDatabases)
        {
            // Those whose rules are due to be read again anyway first; all only when each is in use.
            foreach (var (staleKey, stale) in _databases)
            {
                if (stale.IsStale)
                {
                    _databases.TryRemove(staleKey, out _);
                }
            }

            if (_databases.Count >= MaxCachedDatabases)
            {
                _databases.Clear();
            }
        }

        return _databases.GetOrAdd(key, static (key, state) => new Database(state.Store, key.Model, state.ConnectionString), (Store: this, ConnectionString: connectionString));
    }

    /// <summary>The connection string of <paramref name="context"/>, or null when it has none (not relational, or not registered).</summary>
    public static string? ConnectionStringOf(DbContext? context)
        => context is not null && context.Database.IsRelational() ? context.Database.GetConnectionString() : null;

    /// <summary>
    /// The connection string as a key: in Npgsql's own form (its keywords' names and order), without the password, which
    /// Npgsql leaves out of an open connection's string and of a data source's, so that one database is one key whether
    /// the caller's connection was opened or not. Not a connection string Npgsql reads (as written) is its own key.
    /// </summary>
    private static string KeyOf(string connectionString)
    {
        if (connectionString.Length == 0)
        {
            return connectionString;
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ConnectionString;
        }
        catch (ArgumentException)
        {
            return connectionString;
        }
    }

    /// <summary>The rules of one database, as last read.</summary>
    internal sealed class Database(DataRuleStore store, IModel? model, string connectionString)
    {
        private readonly Lock _lock = new();
        private DataRuleSnapshot? _snapshot;

        /// <summary>Whether the rules held are due to be read again (or were never read).</summary>
        public bool IsStale => !IsFresh(Volatile.Read(ref _snapshot));

        /// <summary>
        /// The current rules, read again when the ones held may be stale: through a context of a scope of
        /// <paramref name="services"/>, on a copy of <paramref name="caller"/>'s connection when that context connects to
        /// another database (by default the connection of the context of the caller's scope).
        /// </summary>
        public DataRuleSnapshot Current(IServiceProvider services, DbContext? caller = null)
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
                    snapshot = Load(services, caller);
                    Volatile.Write(ref _snapshot, snapshot);
                }

                return snapshot!;
            }
        }

        private bool IsFresh(DataRuleSnapshot? snapshot)
            => snapshot is not null
                && snapshot.Version == Version
                && Environment.TickCount64 - snapshot.LoadedAt < store._refreshMilliseconds;

        private DataRuleSnapshot Load(IServiceProvider services, DbContext? caller)
        {
            var version = Version;
            var loadedAt = Environment.TickCount64;
            var contextType = store.ContextType;
            // The caller's TransactionScope would enlist the read, which would then see the scope's uncommitted definitions.
            using var suppress = Transaction.Current is null ? null : new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled);
            using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateScope();
            if (Resolve(scope.ServiceProvider) is not DbContext scoped)
            {
                throw new InvalidOperationException(
                    $"The data rules live in {contextType.Name}, which is not registered. Register it with services.AddDbContext<{contextType.Name}>(...), " +
                    "or remove Rules.UseDataRules from AddServerTools.");
            }

            RefuseOtherModel(scoped);
            var own = OnCallersDatabase(scoped, scope.ServiceProvider, services, caller);
            try
            {
                var context = own ?? scoped;
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

                // Compiled against the caller's model, which the entities evaluated come from (the store scope's may be
                // another instance of it: a context the application made with options of its own).
                var rules = definitions.Select(row => DataRuleCompiler.Compile(model ?? context.Model, row.Definition, row.StoredSeverity)).ToList();
                return new DataRuleSnapshot(rules, version, loadedAt);
            }
            finally
            {
                own?.Dispose();
            }
        }

        /// <summary>
        /// The context of the store's own scope, or null when it is not registered. A registration that cannot make it in a
        /// new scope (one that needs a tenant that only a request or a job sets) fails with what to change.
        /// </summary>
        private object? Resolve(IServiceProvider scope)
        {
            var contextType = store.ContextType;
            try
            {
                return scope.GetService(contextType);
            }
            catch (Exception error) when (error is not ObjectDisposedException)
            {
                throw new InvalidOperationException(
                    $"The rule engine reads the data rules of {contextType.Name} through a {contextType.Name} of a DI scope of its own, "
                    + $"and that scope could not make one: {error.Message} Let the registration make a {contextType.Name} in a new scope "
                    + "where no tenant is set (with a default connection string: when it is another database than the caller's, the "
                    + "rules are read on a copy of the caller's connection), or keep the tenant in state a new scope sees too (an AsyncLocal).",
                    error);
            }
        }

        /// <summary>
        /// Refuses a context whose model in the store's own scope maps the rules to another table than the caller's: a model
        /// that depends on state of the caller's scope (a schema per tenant chosen by a model cache key) cannot be followed
        /// there. Another instance of the same mapping (a context the application made with options of its own, or a model
        /// EF Core built again) reads the same rows.
        /// </summary>
        private void RefuseOtherModel(DbContext scoped)
        {
            if (model is not null
                && !ReferenceEquals(scoped.Model, model)
                && !string.Equals(ServerToolsTables.TableOf<ExceptionRuleDefinition>(scoped.Model), ServerToolsTables.TableOf<ExceptionRuleDefinition>(model), StringComparison.Ordinal))
            {
                var contextType = store.ContextType;
                throw new InvalidOperationException(
                    $"The rule engine reads the data rules of {contextType.Name} through a {contextType.Name} of a DI scope of its own, whose model "
                    + $"keeps them in {ServerToolsTables.TableOf<ExceptionRuleDefinition>(scoped.Model)}, while the context they are evaluated for (the "
                    + $"evaluating scope's, or the one given to CheckRulesAsync) keeps them in {ServerToolsTables.TableOf<ExceptionRuleDefinition>(model)} "
                    + "(a model that depends on the caller's state, such as a schema per tenant chosen by a model cache key), so the rules read "
                    + "would not be the caller's. Make the model depend on state that a new scope sees too (IHttpContextAccessor, or an "
                    + "AsyncLocal), or keep one model and a database per tenant.");
            }
        }

        /// <summary>
        /// A context on a copy of the caller's connection, when the context of the store's scope connects to another
        /// database than the caller's (the connection string comes from state of the caller's scope: a tenant set by a
        /// middleware, or <c>SetConnectionString</c> on the scope's context); null when it connects to the caller's. A
        /// pooled context is never changed (it goes back to the pool, where another scope would find it pointed at this
        /// tenant): the rules are read through an instance of the store's own, which it disposes. Any other is the store
        /// scope's own, disposed with it, and takes the copy itself (so a context registered by a factory of the
        /// application's works too). The copy (<see cref="ICloneable"/>) keeps what a connection string may not: the
        /// password, which Npgsql leaves out of an open connection's string, and the data source's settings.
        /// </summary>
        private DbContext? OnCallersDatabase(DbContext scoped, IServiceProvider scope, IServiceProvider callers, DbContext? caller)
        {
            if (connectionString.Length == 0 || KeyOf(ConnectionStringOf(scoped) ?? "") == KeyOf(connectionString))
            {
                return null;
            }

            var pooled = scoped.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.MaxPoolSize is not null;
            var context = pooled ? OwnInstance(scope) : scoped;
            try
            {
                if (CallersConnection(callers, caller) is ICloneable connection)
                {
                    context.Database.SetDbConnection((DbConnection)connection.Clone(), contextOwnsConnection: true);
                }
                else
                {
                    context.Database.SetConnectionString(connectionString);
                }

                return pooled ? context : null;
            }
            catch
            {
                if (pooled)
                {
                    context.Dispose();
                }

                throw;
            }
        }

        /// <summary>An instance of the context type outside its pool, made with the pool's options.</summary>
        private DbContext OwnInstance(IServiceProvider scope)
        {
            var contextType = store.ContextType;
            try
            {
                return (DbContext)ActivatorUtilities.CreateInstance(scope, contextType);
            }
            catch (InvalidOperationException error)
            {
                throw new InvalidOperationException(
                    $"The rule engine reads the data rules of another database than its DI scope's {contextType.Name} connects to, and {contextType.Name} "
                    + "is pooled, so it reads them through an instance of its own, which it could not create from the services: "
                    + $"{error.Message} Give {contextType.Name} a public constructor that takes DbContextOptions<{contextType.Name}> (and services), "
                    + "or register it with AddDbContext instead of AddDbContextPool.",
                    error);
            }
        }

        /// <summary>
        /// The connection of the caller's context (<paramref name="caller"/>, else the one of its scope; not opened here), or
        /// null when the caller disposed it.
        /// </summary>
        private DbConnection? CallersConnection(IServiceProvider callers, DbContext? caller)
        {
            try
            {
                return (caller ?? callers.GetService(store.ContextType) as DbContext)?.Database.GetDbConnection();
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
        }
    }
}
