using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.ChangeTracking.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.Rules.Data;

/// <summary>
/// Whether a navigation of a tracked entity reads as the database has it, by EF Core's change tracker: what the
/// engine's <see cref="RuleNavigationTracker"/> asks while it runs data rules, and what <see cref="LoadAsync"/> loads
/// before <c>CheckRulesAsync</c> runs them.
/// </summary>
internal static class EfRuleNavigations
{
    private static readonly ConditionalWeakTable<CompiledRuleExpression, Reads> s_reads = new();

    /// <summary>
    /// Whether <paramref name="navigation"/> of the tracked <paramref name="entry"/>, which holds <paramref name="value"/>,
    /// reads as the database has it: EF Core loaded it (<see cref="NavigationEntry.IsLoaded"/>: an Include, a Load, a
    /// lazy load); or it is a reference that is not null, or one whose foreign key on this entity is null (there is
    /// nothing to load), or an owned one (loaded with its owner); or the entity is new (<see cref="EntityState.Added"/>)
    /// and the navigation points at entities that would reference it, which the database cannot hold yet. A collection
    /// that holds only the entities the context happens to track is not loaded.
    /// </summary>
    public static bool IsLoaded(EntityEntry entry, INavigationBase navigation, object? value)
    {
        if (entry.Navigation(navigation.Name).IsLoaded || (!navigation.IsCollection && value is not null))
        {
            return true;
        }

        return navigation switch
        {
            INavigation { IsOnDependent: true } reference => reference.ForeignKey.Properties.Any(p => entry.Property(p.Name).CurrentValue is null),
            INavigation { ForeignKey.IsOwnership: true } => true,
            _ => entry.State == EntityState.Added,
        };
    }

    /// <summary>
    /// Evaluates <paramref name="entity"/> as <c>CheckRulesAsync</c> does: loads in <paramref name="context"/> what the data
    /// rules of <paramref name="ruleSet"/> read and is not loaded (<see cref="LoadAsync"/>), then runs the rules with the
    /// context as the one that tracks the entity, so a navigation still not loaded fails its rule. With an engine that runs no
    /// data rules, refuses a context whose table holds some (<see cref="UnreadDataRules.RefuseCheckAsync"/>).
    /// </summary>
    public static async Task<RuleEvaluation> EvaluateAsync<T>(DbContext context, IExceptionRuleEngine engine, T entity, string? ruleSet, CancellationToken cancellationToken)
        where T : class
    {
        if (engine is ExceptionRuleEngine { RunsDataRules: false } codeOnly)
        {
            await UnreadDataRules.RefuseCheckAsync(context, codeOnly.DataRuleRefreshInterval, cancellationToken).ConfigureAwait(false);
        }
        else if (engine is ExceptionRuleEngine rules)
        {
            await LoadAsync(context, entity, rules.DataRulesFor(entity.GetType(), ruleSet), cancellationToken).ConfigureAwait(false);
        }

        using var tracker = RuleNavigationTracker.Use(new Tracker(() => context));
        return engine.Evaluate(entity, ruleSet);
    }

    /// <summary>
    /// Loads, in <paramref name="context"/>, each navigation that <paramref name="rules"/> read on <paramref name="entity"/>
    /// and that is not loaded (see <see cref="IsLoaded"/>), along the paths they read (<c>order.Partner.Orders</c> loads the
    /// partner, then its orders): one query per navigation and entity it is read on. An entity the context does not track
    /// is left as it is.
    /// </summary>
    public static async Task LoadAsync(DbContext context, object entity, IEnumerable<DataRule> rules, CancellationToken cancellationToken)
    {
        var root = new Reads();
        foreach (var rule in rules)
        {
            if (rule.Expression is { } expression)
            {
                root.Merge(ReadsOf(context.Model, expression));
            }
        }

        if (root.Children.Count > 0)
        {
            await LoadReadsAsync(context, entity, root, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task LoadReadsAsync(DbContext context, object entity, Reads reads, CancellationToken cancellationToken)
    {
        var entry = context.Entry(entity);
        if (entry.State == EntityState.Detached)
        {
            return;
        }

        foreach (var (name, next) in reads.Children)
        {
            if (Navigation(entry.Metadata, name) is not { } navigation)
            {
                continue;
            }

            var navigationEntry = entry.Navigation(name);
            if (!IsLoaded(entry, navigation, navigationEntry.CurrentValue))
            {
                await navigationEntry.LoadAsync(cancellationToken).ConfigureAwait(false);
            }

            if (next.Children.Count == 0 || navigationEntry.CurrentValue is not { } value)
            {
                continue;
            }

            if (navigation.IsCollection)
            {
                foreach (var item in ((IEnumerable)value).Cast<object>().ToList())
                {
                    await LoadReadsAsync(context, item, next, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await LoadReadsAsync(context, value, next, cancellationToken).ConfigureAwait(false);
            }
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

    /// <summary>The navigations read from one entity, each with those read from the entities it leads to.</summary>
    private sealed class Reads(IModel? model = null)
    {
        public IModel? Model { get; } = model;

        public Dictionary<string, Reads> Children { get; } = new(StringComparer.Ordinal);

        public Reads Child(string name)
        {
            if (!Children.TryGetValue(name, out var child))
            {
                Children.Add(name, child = new Reads());
            }

            return child;
        }

        public void Merge(Reads other)
        {
            foreach (var (name, child) in other.Children)
            {
                Child(name).Merge(child);
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

        public override bool IsLoaded(object entity, string navigation, object? value)
        {
            if (Volatile.Read(ref _last) is { } last && ReferenceEquals(entity, last.Entity) && string.Equals(navigation, last.Navigation, StringComparison.Ordinal))
            {
                return last.Loaded;
            }

            var loaded = Ask(entity, navigation, value);
            Volatile.Write(ref _last, new Answer(entity, navigation, loaded));
            return loaded;
        }

        private bool Ask(object entity, string navigation, object? value)
        {
            if (!_resolved)
            {
                _context = resolve();
                _resolved = true;
            }

            if (_context is null)
            {
                return true;
            }

            // EF Core's entry of a tracked entity, found without the DetectChanges and the detached entry that
            // DbContext.Entry makes for any object: an internal API, as ServerTools uses elsewhere (EntryValues).
#pragma warning disable EF1001
            InternalEntityEntry? entry;
            try
            {
                entry = _context.GetService<IStateManager>().TryGetEntry(entity, throwOnNonUniqueness: false);
            }
            catch (ObjectDisposedException)
            {
                return true;
            }

            return entry is null
                || entry.EntityState == EntityState.Detached
                || Navigation(entry.EntityType, navigation) is not { } metadata
                || EfRuleNavigations.IsLoaded(entry.ToEntityEntry(), metadata, value);
#pragma warning restore EF1001
        }

        private sealed record Answer(object Entity, string Navigation, bool Loaded);
    }
}
