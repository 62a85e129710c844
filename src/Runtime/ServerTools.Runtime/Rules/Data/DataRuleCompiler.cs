using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Data;

/// <summary>
/// Turns <see cref="ExceptionRuleDefinition"/> rows into runnable rules: finds the entity type they name in the
/// context's model, checks the definition, and compiles the expression against the model (only mapped properties and
/// navigations are allowed, so every rule also runs in SQL). Compiled expressions are cached by model, type and text,
/// so a definition is compiled again only when its expression changes.
/// </summary>
internal static class DataRuleCompiler
{
    private const int CacheLimit = 10_000;

    private static readonly ConcurrentDictionary<(IModel Model, Type Type, string Text), Lazy<CompiledRuleExpression>> s_compiled = new();

    /// <summary>
    /// The rule of <paramref name="definition"/>, ready to run or failing with what keeps it from running. A rule whose
    /// entity type does not resolve fails on the entities of every type it could have meant: the entity types of its
    /// class name when several have it, else every entity type of the application's. A rule with a blank id (written by
    /// SQL) fails under the id <see cref="BlankId"/> shows, saying to set one.
    /// </summary>
    /// <param name="model">The model of the context whose table holds the definition.</param>
    /// <param name="definition">The definition, as read from the table.</param>
    /// <param name="storedSeverity">The text of the row's Severity when it is not a <see cref="RuleSeverity"/> (see <see cref="DataRuleRows"/>).</param>
    public static DataRule Compile(IModel model, ExceptionRuleDefinition definition, string? storedSeverity = null)
    {
        var blank = string.IsNullOrWhiteSpace(definition.Id);
        if (FindEntityType(model, definition.EntityType, out var sameName) is not { } entityType)
        {
            var targets = (sameName.Count > 0 ? sameName : ApplicationEntityTypes(model)).Select(static t => t.ClrType).ToArray();
            var unresolved = new ArgumentException(blank ? BlankIdError(model, definition) : UnresolvedEntityType(model, definition, sameName));
            var described = blank ? null : TryDescribe(model, definition, typeof(object), storedSeverity);
            return new DataRule(described ?? Fallback(definition, typeof(object)), typeof(object), null, unresolved, targets);
        }

        if (blank)
        {
            return new DataRule(Fallback(definition, entityType.ClrType), entityType.ClrType, null, new ArgumentException(BlankIdError(model, definition)));
        }

        var type = entityType.ClrType;
        ExceptionRuleInfo info;
        try
        {
            info = Describe(model, definition, type, storedSeverity);

            // As SaveChanges checks them: a rule set " confirm" or "Confirm" (beside a code rule's "confirm") written by SQL
            // would never be asked for, so the rule fails in every rule set rather than be skipped in silence. A tag with
            // whitespace does not keep a rule from running: the engine runs it (SaveChanges refuses it all the same).
            CheckRuleSets(definition);
        }
        catch (ArgumentException exception)
        {
            return new DataRule(Fallback(definition, type), type, null, exception);
        }

        if (CodeRuleWithId(definition.Id) is { } code)
        {
            return new DataRule(info, type, null, new InvalidOperationException(DuplicateId(definition.Id, code)));
        }

        try
        {
            return new DataRule(info, type, Expression(model, type, definition.Expression), null);
        }
        catch (Exception exception) when (exception is RuleExpressionException or ArgumentException)
        {
            return new DataRule(info, type, null, exception);
        }
    }

    /// <summary>
    /// Checks <paramref name="definition"/> as the engine will run it, and throws what keeps it from running.
    /// </summary>
    /// <exception cref="ArgumentException">The id, entity type, severity, a rule set or a tag is wrong; the message says which and how to fix it.</exception>
    /// <exception cref="RuleExpressionException">The expression is not allowed; the message names the construct and its position.</exception>
    public static CompiledRuleExpression Validate(IModel model, ExceptionRuleDefinition definition, string? storedSeverity = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (string.IsNullOrWhiteSpace(definition.Id))
        {
            throw new ArgumentException("A data rule needs an id, such as \"sale.big_order\": set ExceptionRuleDefinition.Id.", nameof(definition));
        }

        if (FindEntityType(model, definition.EntityType, out var sameName) is not { } entityType)
        {
            throw new ArgumentException(UnresolvedEntityType(model, definition, sameName), nameof(definition));
        }

        _ = Describe(model, definition, entityType.ClrType, storedSeverity);
        CheckNames(definition);
        if (CodeRuleWithId(definition.Id) is { } code)
        {
            throw new ArgumentException(DuplicateId(definition.Id, code), nameof(definition));
        }

        return Expression(model, entityType.ClrType, definition.Expression);
    }

    /// <summary>
    /// The entity type named <paramref name="name"/>: by its EF Core name (the full CLR name), else by a class name that
    /// only one entity type has. When several have it, <see langword="null"/>, and <paramref name="sameName"/> lists them.
    /// </summary>
    public static IEntityType? FindEntityType(IModel model, string? name, out IReadOnlyList<IEntityType> sameName)
    {
        sameName = [];
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        if (model.FindEntityType(name) is { } exact)
        {
            return exact;
        }

        List<IEntityType>? found = null;
        foreach (var entityType in model.GetEntityTypes())
        {
            if (!entityType.HasSharedClrType && string.Equals(entityType.ClrType.Name, name, StringComparison.Ordinal))
            {
                (found ??= []).Add(entityType);
            }
        }

        if (found is [var only])
        {
            return only;
        }

        sameName = found ?? [];
        return null;
    }

    /// <summary>The compiled expression of <paramref name="text"/> over <paramref name="type"/>, from the cache when it was compiled before.</summary>
    public static CompiledRuleExpression Expression(IModel model, Type type, string? text)
    {
        text ??= "";
        if (s_compiled.Count > CacheLimit)
        {
            s_compiled.Clear();
        }

        var compiled = s_compiled.GetOrAdd(
            (model, type, text),
            static key => new Lazy<CompiledRuleExpression>(() => RuleExpression.Compile(key.Type, key.Text, EfRuleSchema.For(key.Model))));
        try
        {
            return compiled.Value;
        }
        catch (RuleExpressionException)
        {
            // A rejected expression is not cached: it is usually being fixed.
            s_compiled.TryRemove((model, type, text), out _);
            throw;
        }
    }

    /// <summary>
    /// Why <paramref name="definition"/>'s entity type does not resolve, and what to write instead: the full names of the
    /// entity types that share its class name, or the names of the application's entity types.
    /// </summary>
    private static string UnresolvedEntityType(IModel model, ExceptionRuleDefinition definition, IReadOnlyList<IEntityType> sameName)
    {
        if (sameName.Count > 1)
        {
            return $"Data rule '{definition.Id}': the entity type '{definition.EntityType}' is ambiguous: {sameName.Count} entity types of the model have that class name "
                + $"({string.Join(", ", sameName.Select(static t => t.Name).Order(StringComparer.Ordinal))}). Set EntityType to the full name of the one the rule checks.";
        }

        var types = ApplicationEntityTypes(model);
        var names = Names(types);
        var what = string.IsNullOrWhiteSpace(definition.EntityType)
            ? $"Data rule '{definition.Id}' names no entity type."
            : $"Data rule '{definition.Id}': the model has no entity type '{definition.EntityType}' (was its class renamed or removed?)."
                + (RuleNames.Suggest(definition.EntityType, names) is { } suggestion ? $" Did you mean '{suggestion}'?" : "");
        return types.Count == 0
            ? $"{what} The model has no entity types a rule can check."
            : $"{what} Set EntityType to the full name (such as {types[0].Name}) or the class name of one of: {string.Join(", ", names)}.";
    }

    /// <summary>The entity types of the application's (not ServerTools' own tables, not owned types), by class name, then full name.</summary>
    private static List<IEntityType> ApplicationEntityTypes(IModel model)
        => model.GetEntityTypes()
            .Where(static t => !t.IsOwned() && !t.HasSharedClrType && t.ClrType.Assembly != typeof(ExceptionRuleDefinition).Assembly)
            .OrderBy(static t => t.ClrType.Name, StringComparer.Ordinal)
            .ThenBy(static t => t.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The names a rule may use for <paramref name="types"/>: the class name, or the full name where two types share a class name.</summary>
    private static List<string> Names(List<IEntityType> types)
    {
        var repeated = types.GroupBy(static t => t.ClrType.Name, StringComparer.Ordinal).Where(static g => g.Count() > 1).Select(static g => g.Key).ToHashSet(StringComparer.Ordinal);
        return types.Select(t => repeated.Contains(t.ClrType.Name) ? t.Name : t.ClrType.Name).ToList();
    }

    /// <summary>
    /// The id a rule whose stored id is blank is reported under: <c>(blank)</c> for an empty id, else the code points of its
    /// whitespace, such as <c>(blank: U+0020)</c>, so that two such rows are told apart.
    /// </summary>
    public static string BlankId(string? id)
        => string.IsNullOrEmpty(id)
            ? "(blank)"
            : $"(blank: {string.Join(' ', id.EnumerateRunes().Select(static rune => $"U+{rune.Value:X4}"))})";

    /// <summary>Why a stored rule with a blank id cannot run, and how to fix its row.</summary>
    private static string BlankIdError(IModel model, ExceptionRuleDefinition definition)
    {
        var table = ServerToolsTables.TableOf<ExceptionRuleDefinition>(model);
        return $"Data rule {BlankId(definition.Id)}: its row in the table {table} has an Id that is empty or whitespace (written past SaveChanges, which "
            + "refuses it), so its violations could not be told apart from other rules'. Set its Id to a name such as 'sale.big_order' "
            + $"(UPDATE {table} SET \"Id\" = 'sale.big_order' WHERE \"Id\" ~ '^\\s*$'), or set it inactive or delete the row.";
    }

    private static ExceptionRuleInfo? TryDescribe(IModel model, ExceptionRuleDefinition definition, Type type, string? storedSeverity)
    {
        try
        {
            return Describe(model, definition, type, storedSeverity);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The metadata of a definition that <see cref="Describe"/> refuses: its id, sequence and message, in every rule set
    /// (it fails wherever it could run), and blocking when its severity is not one.
    /// </summary>
    private static ExceptionRuleInfo Fallback(ExceptionRuleDefinition definition, Type type)
        => new(
            string.IsNullOrWhiteSpace(definition.Id) ? BlankId(definition.Id) : definition.Id,
            type,
            Enum.IsDefined(definition.Severity) ? definition.Severity : RuleSeverity.Blocking,
            definition.Sequence,
            definition.Message,
            expression: definition.Expression ?? "");

    private static ExceptionRuleInfo Describe(IModel model, ExceptionRuleDefinition definition, Type type, string? storedSeverity)
    {
        if (storedSeverity is not null)
        {
            var table = ServerToolsTables.TableOf<ExceptionRuleDefinition>(model);
            throw new ArgumentException(
                $"Data rule '{definition.Id}': its row in the table {table} has the Severity '{storedSeverity}', which is neither 'Warning' nor 'Blocking'. Set it to one of them.",
                nameof(definition));
        }

        if (!Enum.IsDefined(definition.Severity))
        {
            throw new ArgumentException(
                definition.Severity == RuleSeverityConverter.Undefined
                    ? $"Data rule '{definition.Id}': its Severity is neither Warning nor Blocking (its row held another text, which reads as {(int)definition.Severity}). Set it to RuleSeverity.Warning or RuleSeverity.Blocking."
                    : $"Data rule '{definition.Id}': the severity {(int)definition.Severity} is neither Warning (0) nor Blocking (1).",
                nameof(definition));
        }

        return new ExceptionRuleInfo(
            definition.Id,
            type,
            definition.Severity,
            definition.Sequence,
            definition.Message,
            definition.Name,
            definition.Description,
            definition.Tags,
            definition.RuleSets,
            expression: definition.Expression ?? "");
    }

    /// <summary>
    /// Refuses a rule set or tag that starts or ends with whitespace, and a rule set that differs only in case from one of
    /// the code rules': rule sets are compared as written (ordinal), so such a rule would never run for the action it was
    /// meant for (<c>" confirm"</c> or <c>"Confirm"</c> is not checked by <c>Evaluate(order, "confirm")</c>).
    /// </summary>
    private static void CheckNames(ExceptionRuleDefinition definition)
    {
        CheckRuleSets(definition);
        foreach (var tag in definition.Tags)
        {
            if (tag.Trim().Length != tag.Length)
            {
                throw new ArgumentException(
                    $"Data rule '{definition.Id}': the tag \"{tag}\" starts or ends with whitespace; tags are compared as written. Write \"{tag.Trim()}\".",
                    nameof(definition));
            }
        }
    }

    /// <summary>The rule-set part of <see cref="CheckNames"/>: what would keep an evaluation from ever asking for the rule.</summary>
    private static void CheckRuleSets(ExceptionRuleDefinition definition)
    {
        const string Compared = "Rule sets are compared as written (ordinal, case-sensitive)";
        foreach (var set in definition.RuleSets)
        {
            var trimmed = set.Trim();
            if (trimmed.Length != set.Length)
            {
                throw new ArgumentException(
                    $"Data rule '{definition.Id}': the rule set \"{set}\" starts or ends with whitespace. {Compared}, so Evaluate(entity, \"{trimmed}\") would not check the rule. Write \"{trimmed}\".",
                    nameof(definition));
            }

            if (KnownRuleSet(set) is { } known && !string.Equals(known, set, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Data rule '{definition.Id}': the rule set \"{set}\" differs only in case from the rule set \"{known}\" of the application's code rules. {Compared}, so Evaluate(entity, \"{known}\") would not check the rule. Write \"{known}\".",
                    nameof(definition));
            }
        }
    }

    /// <summary>The rule set of a code rule that equals <paramref name="set"/> ignoring case: the one written so when there is one.</summary>
    private static string? KnownRuleSet(string set)
    {
        string? found = null;
        foreach (var rules in ExceptionRuleRegistry.Sets)
        {
            foreach (var rule in rules.Rules)
            {
                foreach (var known in rule.RuleSets)
                {
                    if (string.Equals(known, set, StringComparison.Ordinal))
                    {
                        return known;
                    }

                    if (string.Equals(known, set, StringComparison.OrdinalIgnoreCase))
                    {
                        found ??= known;
                    }
                }
            }
        }

        return found;
    }

    private static ExceptionRuleInfo? CodeRuleWithId(string id)
    {
        foreach (var set in ExceptionRuleRegistry.Sets)
        {
            foreach (var rule in set.Rules)
            {
                if (string.Equals(rule.Id, id, StringComparison.Ordinal))
                {
                    return rule;
                }
            }
        }

        return null;
    }

    private static string DuplicateId(string id, ExceptionRuleInfo code)
        => $"Data rule '{id}' has the id of the code rule {code.RuleType?.FullName}. Rule ids must be unique; give the data rule another id.";
}
