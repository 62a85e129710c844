using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.ChangeTracking.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Data;

/// <summary>
/// Whether a navigation of a tracked entity reads as the database has it, by EF Core's change tracker: what the
/// engine's <see cref="RuleNavigationTracker"/> asks while it runs data rules, and what <see cref="LoadAsync"/> loads
/// before <c>CheckRulesAsync</c> runs them.
/// </summary>
// EF Core's entries of tracked entities are read directly: an internal API, as ServerTools uses elsewhere (EntryValues).
#pragma warning disable EF1001
internal static class EfRuleNavigations
{
    private static readonly ConditionalWeakTable<CompiledRuleExpression, Reads> s_reads = new();

    /// <summary>
    /// How many key values one query over a composite key compares at most, each as <c>(a = @p1 AND b = @p2) OR ...</c>:
    /// a power of two, as every chunk is padded to one (see <see cref="KeyPredicates.Padded"/>).
    /// </summary>
    private const int CompositeKeysPerQuery = 512;

    private static readonly MethodInfo s_loadWhere = typeof(EfRuleNavigations).GetMethod(nameof(LoadWhere), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly ConcurrentDictionary<Type, Loader> s_loaders = new();

    private static readonly MethodInfo s_contains = typeof(Enumerable).GetMethods()
        .Single(static m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2);

    /// <summary>Loads, tracked, the entities of one CLR type whose properties hold one of the values (<see cref="LoadWhere{TEntity}"/>).</summary>
    private delegate Task<IList> Loader(DbContext context, IEntityType type, IReadOnlyList<IProperty> properties, List<object[]> values, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="navigation"/> of the tracked <paramref name="entry"/>, which holds <paramref name="value"/>,
    /// reads as the database has it: EF Core loaded it (<see cref="NavigationEntry.IsLoaded"/>: an Include, a Load, a
    /// lazy load); or it is a reference that is not null, or one whose foreign key on this entity is null (there is
    /// nothing to load), or an owned one (loaded with its owner); or the entity is new (<see cref="EntityState.Added"/>)
    /// and the navigation points at entities that would reference it, which the database cannot hold yet. A collection
    /// that holds only the entities the context happens to track is not loaded.
    /// </summary>
    /// <remarks>
    /// It reads EF Core's entry directly (an internal API, as ServerTools uses elsewhere): a <see cref="NavigationEntry"/>
    /// runs DetectChanges on every entity a collection holds each time one is made, which over the entities one check
    /// loads cost more than the queries.
    /// </remarks>
    private static bool IsLoaded(InternalEntityEntry entry, INavigationBase navigation, object? value)
    {
        if (entry.IsLoaded(navigation) || (!navigation.IsCollection && value is not null))
        {
            return true;
        }

        return navigation switch
        {
            INavigation { IsOnDependent: true } reference => reference.ForeignKey.Properties.Any(p => entry[p] is null),
            INavigation { ForeignKey.IsOwnership: true } => true,
            _ => entry.EntityState == EntityState.Added,
        };
    }

    /// <summary>
    /// Evaluates <paramref name="entity"/> as <c>CheckRulesAsync</c> does: loads in <paramref name="context"/> what the data
    /// rules of <paramref name="ruleSet"/> read and is not loaded (<see cref="LoadAsync"/>), then runs the rules with the
    /// context as the one that tracks the entity, so a navigation still not loaded fails its rule. The data rules are those
    /// of the database the context connects to, when it is of the type that holds them (a job that goes through the
    /// tenants with contexts of its own and one engine checks each tenant's entities with that tenant's rules). With an engine that runs no
    /// data rules, refuses a context whose table holds some (<see cref="UnreadDataRules.RefuseCheckAsync"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Loading what the rules read would load more entities than <see cref="RuleOptions.MaxEntitiesLoadedPerCheck"/>.</exception>
    public static async Task<RuleEvaluation> EvaluateAsync<T>(DbContext context, IExceptionRuleEngine engine, T entity, string? ruleSet, CancellationToken cancellationToken)
        where T : class
    {
        if (engine is ExceptionRuleEngine { RunsDataRules: false } codeOnly)
        {
            await UnreadDataRules.RefuseCheckAsync(context, codeOnly.DataRuleRefreshInterval, cancellationToken).ConfigureAwait(false);
        }
        else if (engine is ExceptionRuleEngine rules)
        {
            await LoadAsync(context, entity, rules.DataRulesIn(context, entity.GetType(), ruleSet), rules.MaxEntitiesLoadedPerCheck, cancellationToken).ConfigureAwait(false);
        }

        using var tracker = RuleNavigationTracker.Use(new Tracker(() => context));
        return engine is ExceptionRuleEngine own ? own.EvaluateIn(context, entity, ruleSet) : engine.Evaluate(entity, ruleSet);
    }

    /// <summary>
    /// Loads, in <paramref name="context"/>, each navigation that <paramref name="rules"/> read on <paramref name="entity"/>
    /// and that is not loaded (see <see cref="IsLoaded"/>), along the paths they read (<c>order.Partner.Orders</c> loads the
    /// partner, then its orders), one level of the paths at a time: each navigation of a level is loaded for all the entities
    /// of that level that need it with one query (<c>WHERE key = ANY(@keys)</c>; two for a many-to-many one, which loads the
    /// rows of its join table, then the entities they lead to; one per 512 entities for a composite key, compared as
    /// <c>(a = @p1 AND b = @p2) OR ...</c>), so the number of queries depends on the rules, not on the data.
    /// EF Core's fix-up fills the navigations, and each one loaded is marked loaded (<see cref="NavigationEntry.IsLoaded"/>).
    /// An entity the context does not track is left as it is.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The queries would load more than <paramref name="maxEntities"/> entities that the context did not track before (each
    /// counted once, however many queries return it): the message names the rules and the path.
    /// What was loaded until then stays tracked; nothing else is changed.
    /// </exception>
    public static async Task LoadAsync(DbContext context, object entity, IEnumerable<DataRule> rules, int maxEntities, CancellationToken cancellationToken)
    {
        var root = new Reads();
        foreach (var rule in rules)
        {
            if (rule.Expression is { } expression)
            {
                root.Merge(ReadsOf(context.Model, expression), rule.Info.Id);
            }
        }

        if (root.Children.Count > 0)
        {
            // The model's name of the entity's type, not its CLR type's: an EF Core proxy's is BatchOrderProxy.
            var budget = new Budget(context.Model.FindRuntimeEntityType(entity.GetType())?.ClrType.Name ?? entity.GetType().Name, maxEntities);
            await LoadLevelAsync(context, [entity], root, budget.Root, budget, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Loads what <paramref name="reads"/> reads on <paramref name="entities"/> (the entities one node of the paths leads
    /// to), one query per navigation for all of them, then the next level, over the entities those navigations hold.
    /// </summary>
    private static async Task LoadLevelAsync(DbContext context, List<object> entities, Reads reads, string path, Budget budget, CancellationToken cancellationToken)
    {
        var entries = new List<InternalEntityEntry>(entities.Count);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stateManager = context.GetService<IStateManager>();
        foreach (var entity in entities)
        {
            if (!seen.Add(entity))
            {
                continue;
            }

            // An entity this check loaded has no changes to detect. Any other goes through Entry, which runs DetectChanges on
            // it, so that a foreign key set without it is seen (as EF Core's Load sees it).
            var entry = budget.Loaded(entity)
                ? stateManager.TryGetEntry(entity, throwOnNonUniqueness: false)
                : context.Entry(entity).GetInfrastructure();
            if (entry is { EntityState: not EntityState.Detached })
            {
                entries.Add(entry);
            }
        }

        foreach (var (name, next) in reads.Children)
        {
            // The entities of a level may be of several types of one hierarchy: one query per navigation they share.
            var byNavigation = new Dictionary<INavigationBase, List<InternalEntityEntry>>();
            foreach (var entry in entries)
            {
                if (Navigation(entry.EntityType, name) is { } navigation)
                {
                    if (!byNavigation.TryGetValue(navigation, out var owners))
                    {
                        byNavigation.Add(navigation, owners = []);
                    }

                    owners.Add(entry);
                }
            }

            var reached = new List<object>();
            foreach (var (navigation, owners) in byNavigation)
            {
                var missing = owners.Where(entry => !IsLoaded(entry, navigation, entry.GetCurrentValue(navigation))).ToList();
                if (missing.Count > 0)
                {
                    await LoadNavigationAsync(context, navigation, missing, $"{path}.{name}", next, budget, cancellationToken).ConfigureAwait(false);
                }

                if (next.Children.Count == 0)
                {
                    continue;
                }

                foreach (var owner in owners)
                {
                    switch (owner.GetCurrentValue(navigation))
                    {
                        case null:
                            break;
                        case IEnumerable collection when navigation.IsCollection:
                            reached.AddRange(collection.Cast<object>());
                            break;
                        case { } value:
                            reached.Add(value);
                            break;
                    }
                }
            }

            if (reached.Count > 0)
            {
                await LoadLevelAsync(context, reached, next, $"{path}.{name}", budget, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Loads <paramref name="navigation"/> of each of <paramref name="owners"/> (none has it loaded) with one query over
    /// them all, as EF Core's <c>Load</c> loads it for one: a reference on the entity that holds the foreign key by the
    /// foreign keys' current values; a collection, or a reference to the entity that holds the key, by the owners' keys;
    /// a many-to-many one through its join table. Then marks it loaded on each owner whose key values were queried.
    /// </summary>
    private static async Task LoadNavigationAsync(
        DbContext context, INavigationBase navigation, List<InternalEntityEntry> owners, string path, Reads reads, Budget budget, CancellationToken cancellationToken)
    {
        List<InternalEntityEntry> queried;
        switch (navigation)
        {
            case INavigation { IsOnDependent: true } reference:
                // order.Partner: the partners whose keys the orders' foreign keys hold.
                (queried, var keys) = Values(owners, reference.ForeignKey.Properties);
                await LoadWhereAsync(context, reference.ForeignKey.PrincipalEntityType, reference.ForeignKey.PrincipalKey.Properties, keys, path, reads, budget, cancellationToken).ConfigureAwait(false);
                break;
            case INavigation principal:
                // partner.Orders: the orders whose foreign key holds one of the partners' keys.
                (queried, var principalKeys) = Values(owners, principal.ForeignKey.PrincipalKey.Properties);
                await LoadWhereAsync(context, principal.ForeignKey.DeclaringEntityType, principal.ForeignKey.Properties, principalKeys, path, reads, budget, cancellationToken).ConfigureAwait(false);
                break;
            case ISkipNavigation skip:
                // product.Tags: the rows of the join table that name the products, then the tags they name; EF Core fixes up
                // the navigation once the join rows and both ends are tracked.
                (queried, var ownerKeys) = Values(owners, skip.ForeignKey.PrincipalKey.Properties);
                var joins = await LoadWhereAsync(context, skip.JoinEntityType, skip.ForeignKey.Properties, ownerKeys, path, reads, budget, cancellationToken).ConfigureAwait(false);
                var (_, targetKeys) = Values(joins.Cast<object>().Select(join => context.Entry(join).GetInfrastructure()).ToList(), skip.Inverse.ForeignKey.Properties);
                await LoadWhereAsync(context, skip.TargetEntityType, skip.Inverse.ForeignKey.PrincipalKey.Properties, targetKeys, path, reads, budget, cancellationToken).ConfigureAwait(false);
                break;
            default:
                return;
        }

        foreach (var owner in queried)
        {
            owner.SetIsLoaded(navigation);
        }
    }

    /// <summary>
    /// The distinct values of <paramref name="properties"/> on <paramref name="entries"/>, and the entries they were read
    /// from: those whose values are all known (none null, none a temporary key of an entity not saved yet).
    /// </summary>
    private static (List<InternalEntityEntry> Entries, List<object[]> Values) Values(List<InternalEntityEntry> entries, IReadOnlyList<IProperty> properties)
    {
        var read = new List<InternalEntityEntry>(entries.Count);
        var values = new HashSet<object[]>(KeyComparer.Instance);
        foreach (var entry in entries)
        {
            var key = new object[properties.Count];
            var known = true;
            for (var i = 0; i < properties.Count && known; i++)
            {
                key[i] = entry[properties[i]]!;
                known = key[i] is not null && !entry.HasTemporaryValue(properties[i]);
            }

            if (known)
            {
                read.Add(entry);
                _ = values.Add(key);
            }
        }

        return (read, [.. values]);
    }

    /// <summary>
    /// Loads, tracked, the entities of <paramref name="type"/> whose <paramref name="properties"/> hold one of
    /// <paramref name="values"/>, counting those the context did not track against <paramref name="budget"/>. The query
    /// reads at most one row more than the budget has left plus the entities of the type the context tracks (which it may
    /// return again): when it reads that many, more than the budget has left are new, and the check fails.
    /// </summary>
    private static async Task<IList> LoadWhereAsync(
        DbContext context, IEntityType type, IReadOnlyList<IProperty> properties, List<object[]> values, string path, Reads reads, Budget budget, CancellationToken cancellationToken)
    {
        if (values.Count == 0)
        {
            return Array.Empty<object>();
        }

        var tracked = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var entry in context.GetService<IStateManager>().Entries)
        {
            if (type.IsAssignableFrom(entry.EntityType))
            {
                _ = tracked.Add(entry.Entity);
            }
        }

        var limit = budget.Limit == int.MaxValue ? int.MaxValue : (int)Math.Min(int.MaxValue, (long)budget.Remaining + tracked.Count + 1);
        var loader = s_loaders.GetOrAdd(type.ClrType, static clrType => s_loadWhere.MakeGenericMethod(clrType).CreateDelegate<Loader>());
        var loaded = await loader(context, type, properties, values, limit, cancellationToken).ConfigureAwait(false);
        budget.Spend(loaded, tracked, path, reads);
        return loaded;
    }

    private static async Task<IList> LoadWhere<TEntity>(
        DbContext context, IEntityType type, IReadOnlyList<IProperty> properties, List<object[]> values, int limit, CancellationToken cancellationToken)
        where TEntity : class
    {
        var set = type.HasSharedClrType ? context.Set<TEntity>(type.Name) : context.Set<TEntity>();
        var loaded = new List<TEntity>();
        var chunk = properties.Count == 1 ? values.Count : CompositeKeysPerQuery;
        for (var start = 0; start < values.Count && loaded.Count < limit; start += chunk)
        {
            var query = set.AsTracking().Where(WhereIn<TEntity>(properties, values, start, Math.Min(chunk, values.Count - start)));
            if (limit != int.MaxValue)
            {
                // Ordered by the key, as EF Core wants a row limit to be (it warns of a Take without OrderBy).
                query = OrderedByKey(query, type).Take(limit - loaded.Count);
            }

            loaded.AddRange(await query.ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        return loaded;
    }

    private static IQueryable<TEntity> OrderedByKey<TEntity>(IQueryable<TEntity> query, IEntityType type)
    {
        var expression = query.Expression;
        var first = true;
        foreach (var property in type.FindPrimaryKey()?.Properties ?? [])
        {
            var entity = Expression.Parameter(typeof(TEntity), "e");
            var key = Expression.Lambda(KeyPredicates.Read(entity, property), entity);
            expression = Expression.Call(
                typeof(Queryable), first ? nameof(Queryable.OrderBy) : nameof(Queryable.ThenBy), [typeof(TEntity), property.ClrType], expression, Expression.Quote(key));
            first = false;
        }

        return query.Provider.CreateQuery<TEntity>(expression);
    }

    /// <summary>
    /// <c>e =&gt; @values.Contains(EF.Property(e, key))</c> for one property (one array parameter: <c>key = ANY(@values)</c>),
    /// or <c>(EF.Property(e, a) == @a1 &amp;&amp; EF.Property(e, b) == @b1) || ...</c> for several, over the
    /// <paramref name="count"/> values from <paramref name="start"/>. Every value is a parameter, never a literal in the SQL,
    /// and the keys are padded to <see cref="KeyPredicates.Padded"/> terms by repeating the last one: a check of other entities sends
    /// the same SQL text, and EF Core compiles (and caches) at most one query per navigation and padded size.
    /// </summary>
    private static Expression<Func<TEntity, bool>> WhereIn<TEntity>(IReadOnlyList<IProperty> properties, List<object[]> values, int start, int count)
    {
        var entity = Expression.Parameter(typeof(TEntity), "e");
        if (properties.Count == 1)
        {
            var property = properties[0];
            var array = Array.CreateInstance(property.ClrType, count);
            for (var i = 0; i < count; i++)
            {
                array.SetValue(values[start + i][0], i);
            }

            // A field of a constant: EF Core sends the array as one parameter (key = ANY(@values)), not as literals.
            var sent = Expression.Field(Expression.Constant(Activator.CreateInstance(typeof(StrongBox<>).MakeGenericType(array.GetType()), array)), nameof(StrongBox<int>.Value));
            var contains = Expression.Call(s_contains.MakeGenericMethod(property.ClrType), sent, KeyPredicates.Read(entity, property));
            return Expression.Lambda<Func<TEntity, bool>>(contains, entity);
        }

        return Expression.Lambda<Func<TEntity, bool>>(KeyPredicates.AnyOf(entity, properties, values, start, count), entity);
    }


    /// <summary>Key values compared value by value.</summary>
    private sealed class KeyComparer : IEqualityComparer<object[]>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(object[]? x, object[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(object[] obj)
        {
            var hash = default(HashCode);
            foreach (var value in obj)
            {
                hash.Add(value);
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>
    /// How many more entities one check may load (<see cref="RuleOptions.MaxEntitiesLoadedPerCheck"/>): those the context
    /// did not track before the check, each once, however many of its queries return it. And what to say when a query
    /// would load more.
    /// </summary>
    private sealed class Budget(string root, int limit)
    {
        private readonly HashSet<object> _loaded = new(ReferenceEqualityComparer.Instance);

        public string Root { get; } = root;

        public int Limit { get; } = limit;

        public int Remaining { get; private set; } = limit;

        /// <summary>Whether a query of this check brought <paramref name="entity"/> into the context.</summary>
        public bool Loaded(object entity) => _loaded.Contains(entity);

        /// <summary>
        /// Counts the entities of <paramref name="loaded"/> (a query's result) that are not in <paramref name="tracked"/>
        /// (what the context tracked before the query, this check's earlier loads included).
        /// </summary>
        public void Spend(IList loaded, HashSet<object> tracked, string path, Reads reads)
        {
            var added = 0;
            foreach (var entity in loaded)
            {
                if (!tracked.Contains(entity) && _loaded.Add(entity))
                {
                    added++;
                }
            }

            if (added <= Remaining)
            {
                Remaining -= added;
                return;
            }

            var rules = reads.Rules.Order(StringComparer.Ordinal).Select(static id => $"'{id}'").ToList();
            var first = reads.Rules.Min(StringComparer.Ordinal);
            throw new InvalidOperationException(
                $"The rules of this {Root} were not checked: loading what the data rule{(rules.Count == 1 ? "" : "s")} {string.Join(", ", rules)} "
                + $"read{(rules.Count == 1 ? "s" : "")} ({path}) would load more than {Limit} entities, the limit of one check "
                + $"(RuleOptions.MaxEntitiesLoadedPerCheck). Nothing was stored. Check this entity's rules in SQL instead "
                + $"(context.EntitiesViolatingRule<{Root}>(\"{first}\") filtered on its key), make the rule read less, or raise the limit "
                + "in AddServerTools(o => o.Rules.MaxEntitiesLoadedPerCheck = ...) if the data is meant to be this large.");
        }
    }

    /// <summary>The navigation or skip navigation (many-to-many) <paramref name="name"/> of <paramref name="type"/>, or null.</summary>
    private static INavigationBase? Navigation(IEntityType type, string name)
        => type.FindNavigation(name) ?? (INavigationBase?)type.FindSkipNavigation(name);

    /// <summary>The navigations a rule's expression reads, as a tree from its entity (cached per compiled expression and model).</summary>
    private static Reads ReadsOf(IModel model, CompiledRuleExpression expression)
    {
        if (s_reads.TryGetValue(expression, out var known) && ReferenceEquals(known.Model, model))
        {
            return known;
        }

        var reads = new Reads(model);
        new ReadFinder(model, expression.Expression.Parameters[0], reads).Visit(expression.Expression.Body);
        s_reads.AddOrUpdate(expression, reads);
        return reads;
    }

    /// <summary>
    /// The navigations read from one entity, each with those read from the entities it leads to; in the tree of a check,
    /// with the rules that read them.
    /// </summary>
    private sealed class Reads(IModel? model = null)
    {
        public IModel? Model { get; } = model;

        public Dictionary<string, Reads> Children { get; } = new(StringComparer.Ordinal);

        /// <summary>The ids of the rules that read this navigation (empty at the root).</summary>
        public HashSet<string> Rules { get; } = new(StringComparer.Ordinal);

        public Reads Child(string name)
        {
            if (!Children.TryGetValue(name, out var child))
            {
                Children.Add(name, child = new Reads());
            }

            return child;
        }

        /// <summary>Adds the reads of <paramref name="other"/> (not changed), as read by the rule <paramref name="ruleId"/>.</summary>
        public void Merge(Reads other, string ruleId)
        {
            foreach (var (name, child) in other.Children)
            {
                var mine = Child(name);
                _ = mine.Rules.Add(ruleId);
                mine.Merge(child, ruleId);
            }
        }
    }

    /// <summary>
    /// Walks the SQL form of a rule (plain member access; the lambda of <c>Any</c>, <c>All</c>, <c>Count</c>, <c>Sum</c>
    /// reads the elements of the collection it is given) and records each navigation of the model it reads.
    /// </summary>
    private sealed class ReadFinder : ExpressionVisitor
    {
        private readonly IModel _model;
        private readonly Dictionary<ParameterExpression, Reads> _parameters = [];

        public ReadFinder(IModel model, ParameterExpression entity, Reads root)
        {
            _model = model;
            _parameters.Add(entity, root);
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            _ = Resolve(node);
            return base.VisitMember(node);
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Arguments.Count == 2 && node.Arguments[1] is LambdaExpression { Parameters: [var element] } && Resolve(node.Arguments[0]) is { } collection)
            {
                _parameters[element] = collection;
            }

            return base.VisitMethodCall(node);
        }

        /// <summary>The reads of the entity or collection <paramref name="expression"/> stands for, or null when it is none.</summary>
        private Reads? Resolve(Expression expression)
        {
            while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs } conversion)
            {
                expression = conversion.Operand;
            }

            switch (expression)
            {
                case ParameterExpression parameter:
                    return _parameters.GetValueOrDefault(parameter);
                case MemberExpression { Expression: { } source } member when Resolve(source) is { } from:
                    var type = _model.FindEntityType(StripConversions(source).Type) ?? _model.FindEntityType(member.Member.DeclaringType!);
                    return type is not null && Navigation(type, member.Member.Name) is not null ? from.Child(member.Member.Name) : null;
                default:
                    return null;
            }
        }

        private static Expression StripConversions(Expression expression)
        {
            while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs } conversion)
            {
                expression = conversion.Operand;
            }

            return expression;
        }
    }

    /// <summary>
    /// The tracker of an evaluation: the context it asks, resolved on first use (the engine's: the data rules' context
    /// of its DI scope; <c>CheckRulesAsync</c>'s: the one it is given).
    /// </summary>
    internal sealed class Tracker(Func<DbContext?> resolve) : RuleNavigationTracker
    {
        private DbContext? _context;
        private bool _resolved;

        // The last answer, one reference so that an engine used by several threads never reads half of one: a collection
        // read in a lambda (order.Lines.Any(a => order.Lines.Count(...) > 1)) is asked about once per element of the outer one.
        private Answer? _last;

        protected override void Reset() => Volatile.Write(ref _last, null);

        public override NotLoadedNavigation? NotLoaded(object entity, string navigation, object? value)
        {
            if (Volatile.Read(ref _last) is { } last && ReferenceEquals(entity, last.Entity) && string.Equals(navigation, last.Navigation, StringComparison.Ordinal))
            {
                return last.NotLoaded;
            }

            var notLoaded = Ask(entity, navigation, value);
            Volatile.Write(ref _last, new Answer(entity, navigation, notLoaded));
            return notLoaded;
        }

        private NotLoadedNavigation? Ask(object entity, string navigation, object? value)
        {
            if (!_resolved)
            {
                _context = resolve();
                _resolved = true;
            }

            if (_context is null)
            {
                return null;
            }

            // EF Core's entry of a tracked entity, found without the DetectChanges and the detached entry that
            // DbContext.Entry makes for any object.
            InternalEntityEntry? entry;
            IModel model;
            try
            {
                entry = _context.GetService<IStateManager>().TryGetEntry(entity, throwOnNonUniqueness: false);
                model = _context.Model;
            }
            catch (ObjectDisposedException)
            {
                return null;
            }

            if (entry is null || entry.EntityState == EntityState.Detached)
            {
                return Untracked(model, entity, navigation, value);
            }

            if (Navigation(entry.EntityType, navigation) is not { } metadata || EfRuleNavigations.IsLoaded(entry, metadata, value))
            {
                return null;
            }

            return entry.EntityState == EntityState.Added ? NotLoadedNavigation.Added : NotLoadedNavigation.Tracked;
        }

        /// <summary>
        /// Whether <paramref name="navigation"/> of <paramref name="entity"/>, which no context tracks, was never loaded: a null
        /// reference whose foreign key is on the entity (the dependent's side), each property of it a CLR property that holds
        /// a value (not null). A foreign key of <c>0</c> holds a value, as EF Core's <c>Load</c> reads it, so an entity bound
        /// from a body without the key fails the rule rather than pass it. Anything else reads as it is: a null reference
        /// whose foreign key is null (or a shadow property, which a plain object does not hold), one on the principal's side,
        /// a collection.
        /// </summary>
        private static NotLoadedNavigation? Untracked(IModel model, object entity, string navigation, object? value)
        {
            if (value is not null
                || model.FindRuntimeEntityType(entity.GetType())?.FindNavigation(navigation) is not { IsCollection: false, IsOnDependent: true } reference)
            {
                return null;
            }

            foreach (var property in reference.ForeignKey.Properties)
            {
                if (property.IsShadowProperty() || property.GetGetter().GetClrValueUsingContainingEntity(entity) is null)
                {
                    return null;
                }
            }

            return new NotLoadedNavigation(NotLoadedReason.Untracked, string.Join(", ", reference.ForeignKey.Properties.Select(static p => p.Name)));
        }

        private sealed record Answer(object Entity, string Navigation, NotLoadedNavigation? NotLoaded);
    }
}
#pragma warning restore EF1001
