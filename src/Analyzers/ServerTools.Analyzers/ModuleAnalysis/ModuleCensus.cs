using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ServerTools.Analyzers.Common;
using ServerTools.Analyzers.Rules;
using ServerTools.Shared;

namespace ServerTools.Analyzers.ModuleAnalysis;

/// <summary>
/// What the module analysis collects while the compiler sees the types of one compilation (concurrently), and the entities
/// and rules it makes of them once the whole compilation is seen.
/// </summary>
internal sealed class ModuleCensus
{
    private readonly Lazy<ModuleSymbols> _symbols;
    private readonly Compilation _compilation;
    private readonly ConcurrentBag<INamedTypeSymbol> _contexts = [];
    private readonly ConcurrentBag<Configured> _configurations = [];
    private readonly ConcurrentBag<Rule> _rules = [];
    private readonly ConcurrentBag<Applied> _applied = [];
    private readonly HashSet<string> _frameworkAssemblies;

    /// <summary>A census of <paramref name="compilation"/>, whose .NET shared frameworks' assemblies are <paramref name="frameworkAssemblies"/> (<see cref="FrameworkAssemblies"/>).</summary>
    public ModuleCensus(Compilation compilation, HashSet<string> frameworkAssemblies)
    {
        _symbols = LazySymbols.Of(compilation, ModuleSymbols.From);
        _compilation = compilation;
        _frameworkAssemblies = frameworkAssemblies;
    }

    /// <summary>The types the census looks for, resolved on first need (<see cref="LazySymbols"/>).</summary>
    public ModuleSymbols Symbols => _symbols.Value;

    /// <summary>Notes <paramref name="type"/> if it is a DbContext, an entity configuration or an exception rule.</summary>
    public void Add(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class)
        {
            return;
        }

        if (Symbols.DbContext is not null && Symbols.IsContext(type))
        {
            _contexts.Add(type);
        }

        if (Symbols.Configuration is { } configuration)
        {
            foreach (var implemented in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, configuration)
                    && ModuleSymbols.Entity(implemented.TypeArguments[0]) is { } entity)
                {
                    _configurations.Add(new Configured(type, entity));
                }
            }
        }

        if (Symbols.Rules is { } rules && rules.Find(type) is { } attribute)
        {
            var targets = Targets(type, rules);

            // The classes the generated registry registers (ExceptionRuleGenerator.Parser); the analyzers report the others.
            if (targets.Count > 0
                && ExceptionRuleClasses.WhyInvalid(attribute) is null
                && ExceptionRuleClasses.CreationConstructor(type) is not null)
            {
                _rules.Add(new Rule(type, attribute, targets));
            }
        }
    }

    /// <summary>The types a rule class checks that the registry can check rules over (<see cref="ExceptionRuleClasses.WhyNotTarget"/>).</summary>
    private static List<INamedTypeSymbol> Targets(INamedTypeSymbol type, RulesSymbols rules)
        => ExceptionRuleClasses.RuleTargets(type, rules.RuleInterface)
            .Where(static target => ExceptionRuleClasses.WhyNotTarget(target) is null)
            .OfType<INamedTypeSymbol>()
            .ToList();

    /// <summary>
    /// Notes which entity configurations a DbContext applies, from a call in its code to
    /// <c>modelBuilder.ApplyConfiguration(configuration)</c> (the configuration's entity) or
    /// <c>modelBuilder.ApplyConfigurationsFromAssembly(assembly)</c> (every configuration of the compilation, unless the
    /// assembly is written <c>typeof(X).Assembly</c> for a type X of another assembly).
    /// </summary>
    public void Add(IInvocationOperation invocation, ISymbol owner, Compilation compilation)
    {
        var method = invocation.TargetMethod;
        if (method.Name is not ("ApplyConfiguration" or "ApplyConfigurationsFromAssembly")
            || !SymbolEqualityComparer.Default.Equals(method.ContainingType, Symbols.ModelBuilder)
            || Context(owner) is not { } context)
        {
            return;
        }

        if (method.Name == "ApplyConfigurationsFromAssembly")
        {
            if (FromThisAssembly(invocation, compilation))
            {
                _applied.Add(new Applied(context, null));
            }
        }
        else if (method.Parameters.Length == 1
                 && method.Parameters[0].Type is INamedTypeSymbol parameter
                 && SymbolEqualityComparer.Default.Equals(parameter.OriginalDefinition, Symbols.Configuration)
                 && ModuleSymbols.Entity(parameter.TypeArguments[0]) is { } entity)
        {
            _applied.Add(new Applied(context, entity));
        }
    }

    /// <summary>The module's entities, ordered by name, each with its features, rules and contexts.</summary>
    public IReadOnlyList<EntityFacts> Entities(IReadOnlyList<RuleFacts> rules, CancellationToken cancellationToken)
    {
        var contexts = new Dictionary<INamedTypeSymbol, SortedSet<string>>(SymbolEqualityComparer.Default);
        void Map(INamedTypeSymbol entity, string? context)
        {
            if (!contexts.TryGetValue(entity, out var names))
            {
                contexts.Add(entity, names = new SortedSet<string>(StringComparer.Ordinal));
            }

            if (context is not null)
            {
                names.Add(context);
            }
        }

        // A generic context class (AppContextBase<TSelf>) is a template of contexts, not one: its entities are listed with
        // the contexts derived from it, which reach its DbSet properties through their base classes.
        foreach (var context in _contexts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = IsListed(context) ? ModuleSymbols.Name(context) : null;
            for (var current = context; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is IPropertySymbol { IsStatic: false, IsIndexer: false } property
                        && Symbols.IsDbSet(property.Type)
                        && ModuleSymbols.Entity(((INamedTypeSymbol)property.Type).TypeArguments[0]) is { } entity)
                    {
                        Map(entity, name);
                    }
                }
            }
        }

        foreach (var configured in _configurations)
        {
            Map(configured.Entity, null);
        }

        foreach (var applied in _applied)
        {
            foreach (var name in ConcreteNames(applied.Context))
            {
                if (applied.Entity is not null)
                {
                    Map(applied.Entity, name);
                }
                else
                {
                    foreach (var configured in _configurations)
                    {
                        Map(configured.Entity, name);
                    }
                }
            }
        }

        // The rule ids by the type they check, once, rather than every rule for every entity: the module's own rules and,
        // when it maps entities, those of the referenced projects (they share the registry at run time).
        var idsByTarget = new Dictionary<ITypeSymbol, List<string>>(SymbolEqualityComparer.Default);
        void AddRule(ITypeSymbol target, string id)
        {
            if (!idsByTarget.TryGetValue(target, out var ids))
            {
                idsByTarget.Add(target, ids = []);
            }

            ids.Add(id);
        }

        foreach (var rule in rules)
        {
            AddRule(rule.Target, rule.Id);
        }

        if (contexts.Count > 0 && Symbols.Rules is { } rulesSymbols)
        {
            foreach (var (target, id) in ReferencedRules(rulesSymbols, cancellationToken))
            {
                AddRule(target, id);
            }
        }

        return contexts
            .Select(pair => Facts(pair.Key, pair.Value, idsByTarget, cancellationToken))
            .OrderBy(static entity => entity.Type, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The rules of the assemblies the compilation references that reference ServerTools (<see cref="CodeRules.Referenced"/>,
    /// read once per compilation and shared with ST5001, ST5010 and ST5011), by id and each type they check: those whose
    /// attribute and targets the registry of their own assembly accepts. Whether the class can be created is not asked
    /// again: a referenced assembly's internal constructors are not imported from metadata, and a rule that cannot be
    /// created is an error (ST5005) in the build of its own project.
    /// </summary>
    private IEnumerable<(INamedTypeSymbol Target, string Id)> ReferencedRules(RulesSymbols rules, CancellationToken cancellationToken)
    {
        foreach (var rule in CodeRules.Referenced(_compilation, rules, cancellationToken))
        {
            if (ExceptionRuleClasses.WhyInvalid(rule.Attribute) is null && rule.Attribute.ConstructorArguments[0].Value is string id)
            {
                foreach (var target in Targets(rule.Type, rules))
                {
                    yield return (target, id);
                }
            }
        }
    }

    /// <summary>
    /// A context class listed by name: not a generic one (its name would be that of a template, such as
    /// <c>AppContextBase&lt;TSelf&gt;</c>). An abstract base context is listed: it declares the DbSet properties.
    /// </summary>
    private static bool IsListed(INamedTypeSymbol context) => !context.IsGenericType;

    /// <summary>
    /// The names of the contexts whose model <paramref name="context"/>'s code builds: its own, or, for a generic base
    /// context, those of the module's listed contexts derived from it (a null name when there is none, so that its
    /// entities are listed all the same).
    /// </summary>
    private List<string?> ConcreteNames(INamedTypeSymbol context)
    {
        if (IsListed(context))
        {
            return [ModuleSymbols.Name(context)];
        }

        var derived = _contexts
            .Where(candidate => IsListed(candidate) && DerivesFrom(candidate, context.OriginalDefinition))
            .Select(static candidate => (string?)ModuleSymbols.Name(candidate))
            .ToList();
        return derived.Count > 0 ? derived : [null];
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseDefinition)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The module's exception rules, one per rule class and type it checks, ordered by class, then type.</summary>
    public IReadOnlyList<RuleFacts> Rules()
    {
        var facts = new List<RuleFacts>();
        foreach (var rule in _rules.GroupBy(static rule => rule.Type, SymbolEqualityComparer.Default).Select(static group => group.First()))
        {
            var attribute = rule.Attribute;
            var id = (string)attribute.ConstructorArguments[0].Value!;
            var severity = "Warning";
            var sets = Array.Empty<string>();
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "Severity" && argument.Value.Type is INamedTypeSymbol severityType)
                {
                    severity = ExceptionRuleClasses.MemberName(severityType, argument.Value.Value) ?? severity;
                }
                else if (argument.Key == "RuleSets" && !argument.Value.IsNull)
                {
                    sets = argument.Value.Values.Select(static set => (string)set.Value!).ToArray();
                }
            }

            foreach (var target in rule.Targets)
            {
                facts.Add(new RuleFacts(id, severity, target, ModuleSymbols.Name(target), sets, rule.Type, ModuleSymbols.Name(rule.Type), SourceLocation(rule.Type)));
            }
        }

        return facts
            .OrderBy(static rule => rule.ClassName, StringComparer.Ordinal)
            .ThenBy(static rule => rule.TargetName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Where a type is declared: its first declaration in a file of the compilation (the project's own files come before
    /// generated ones), or none. A type of a referenced project has source locations too in the IDE, which gives the
    /// reference as a project, but a diagnostic may only be reported in the compilation being analyzed.
    /// </summary>
    private Location SourceLocation(INamedTypeSymbol type) => SourceLocations.In(type, _compilation) ?? Location.None;

    private static bool FromThisAssembly(IInvocationOperation invocation, Compilation compilation)
    {
        var argument = invocation.Arguments.FirstOrDefault(static argument => argument.Parameter?.Ordinal == 0)?.Value;
        while (argument is IConversionOperation conversion)
        {
            argument = conversion.Operand;
        }

        return argument is not IPropertyReferenceOperation { Property.Name: "Assembly", Instance: ITypeOfOperation typeOf }
               || SymbolEqualityComparer.Default.Equals(typeOf.TypeOperand.ContainingAssembly, compilation.Assembly);
    }

    /// <summary>The DbContext whose code <paramref name="owner"/> is (a member of it or of a type nested in it), or null.</summary>
    private INamedTypeSymbol? Context(ISymbol owner)
    {
        for (var type = owner as INamedTypeSymbol ?? owner.ContainingType; type is not null; type = type.ContainingType)
        {
            if (Symbols.IsContext(type))
            {
                return type;
            }
        }

        return null;
    }

    private EntityFacts Facts(INamedTypeSymbol entity, SortedSet<string> contexts, Dictionary<ITypeSymbol, List<string>> idsByTarget, CancellationToken cancellationToken)
    {
        var features = new List<string>(4);
        if (IsAudited(entity))
        {
            features.Add(Feature.Audited);
        }

        if (IsTracked(entity, cancellationToken))
        {
            features.Add(Feature.Tracked);
        }

        // Only when a search is generated: not for a class that ST3005 or ST3006 says gets none.
        if (Symbols.FuzzySearchable is not null && FuzzySearchFields.HasSearch(entity))
        {
            features.Add(Feature.FuzzySearchable);
        }

        if (ModuleSymbols.Has(entity, Symbols.TimeWindowed))
        {
            features.Add(Feature.TimeWindowed);
        }

        // The rules that check the entity, its base classes or its interfaces: distinct ids in ordinal order.
        var ruleIds = new SortedSet<string>(StringComparer.Ordinal);
        for (var current = entity; current is not null; current = current.BaseType)
        {
            AddIds(current);
        }

        foreach (var implemented in entity.AllInterfaces)
        {
            AddIds(implemented);
        }

        void AddIds(ITypeSymbol type)
        {
            if (idsByTarget.TryGetValue(type, out var ids))
            {
                ruleIds.UnionWith(ids);
            }
        }

        return new EntityFacts(entity, ModuleSymbols.Name(entity), features, [.. ruleIds], [.. contexts], BaseTypes(entity), SourceLocation(entity));
    }

    /// <summary>
    /// The names of the entity's base classes (not <c>object</c>) and of its interfaces, ordinal order: the types a rule may
    /// check it as, for <c>servertools report</c> to match the rules of projects this one does not reference. Left out: an
    /// interface of a .NET shared framework made of the entity or of one of its base classes (<see cref="OfItself"/>), such
    /// as the <c>IEquatable&lt;T&gt;</c> of every record.
    /// </summary>
    private List<string> BaseTypes(INamedTypeSymbol entity)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (var current = entity.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            names.Add(ModuleSymbols.Name(current));
        }

        foreach (var implemented in entity.AllInterfaces)
        {
            if (!OfItself(implemented, entity))
            {
                names.Add(ModuleSymbols.Name(implemented));
            }
        }

        return [.. names];
    }

    /// <summary>
    /// Whether <paramref name="implemented"/> is a generic interface of a .NET shared framework (<see cref="FrameworkAssemblies"/>)
    /// with the entity or one of its base classes among its type arguments: <c>IEquatable&lt;SaleOrder&gt;</c>,
    /// <c>IComparable&lt;SaleOrder&gt;</c>. A rule may check such a type, but every entity that is one is a <c>SaleOrder</c>,
    /// so a rule means that class (or a base class, which is listed). Other interfaces of the framework, such as
    /// <c>IValidatableObject</c>, stay: a rule over every entity that implements one is a rule the report must match.
    /// </summary>
    private bool OfItself(INamedTypeSymbol implemented, INamedTypeSymbol entity)
    {
        if (!implemented.IsGenericType || implemented.ContainingAssembly is not { } assembly || !_frameworkAssemblies.Contains(assembly.Name))
        {
            return false;
        }

        foreach (var argument in implemented.TypeArguments)
        {
            for (var current = entity; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(argument, current))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>[Audited] on the class or a base class: an entity derived from an audited class is audited as that class.</summary>
    private bool IsAudited(INamedTypeSymbol entity)
    {
        for (var current = entity; current is not null; current = current.BaseType)
        {
            if (ModuleSymbols.Has(current, Symbols.Audited))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The generator writes tracking code for the class or a base class (a derived entity is tracked as its base class): it
    /// is [Tracked] or declares a [Tracked] property, tracks a property the generator keeps
    /// (<see cref="TrackedProperties.AnyKept"/>: not one whose type is obsolete as an error), and nothing stops the
    /// generator (<see cref="GeneratedClasses"/>: not a generic class, ...), as the tracking analyzers decide.
    /// </summary>
    private bool IsTracked(INamedTypeSymbol entity, CancellationToken cancellationToken)
    {
        for (var current = entity; current is not null; current = current.BaseType)
        {
            var marked = ModuleSymbols.Has(current, Symbols.Tracked);
            if ((marked || HasMarkedProperty(current, Symbols.Tracked))
                && TrackedProperties.AnyKept(current, wholeClass: marked)
                && GeneratedClasses.First(current, cancellationToken) is null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A property the class declares carries <paramref name="attribute"/> ([Tracked] and [FuzzySearchable] mark the class this way too).</summary>
    private static bool HasMarkedProperty(INamedTypeSymbol type, INamedTypeSymbol? attribute)
        => attribute is not null && type.GetMembers().Any(member => member is IPropertySymbol && ModuleSymbols.Has(member, attribute));

    private sealed record Configured(INamedTypeSymbol Configuration, INamedTypeSymbol Entity);

    private sealed record Rule(INamedTypeSymbol Type, AttributeData Attribute, IReadOnlyList<INamedTypeSymbol> Targets);

    /// <summary>A DbContext applies the configuration of <paramref name="Entity"/>, or of every entity when it is null.</summary>
    private sealed record Applied(INamedTypeSymbol Context, INamedTypeSymbol? Entity);
}

/// <summary>The names of the ServerTools features in the module report, in the order it lists them.</summary>
internal static class Feature
{
    public const string Audited = "Audited";
    public const string Tracked = "Tracked";
    public const string FuzzySearchable = "FuzzySearchable";
    public const string TimeWindowed = "TimeWindowed";
}

/// <summary>
/// An entity of the module: its name, features (in <see cref="Feature"/> order), rule ids, contexts, and base classes and
/// interfaces (ordinal order).
/// </summary>
internal sealed record EntityFacts(
    INamedTypeSymbol Symbol,
    string Type,
    IReadOnlyList<string> Features,
    IReadOnlyList<string> Rules,
    IReadOnlyList<string> Contexts,
    IReadOnlyList<string> BaseTypes,
    Location Location);

/// <summary>An exception rule of the module, for one type it checks.</summary>
internal sealed record RuleFacts(
    string Id,
    string Severity,
    INamedTypeSymbol Target,
    string TargetName,
    IReadOnlyList<string> Sets,
    INamedTypeSymbol Class,
    string ClassName,
    Location Location);
