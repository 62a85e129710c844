using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.EntityFrameworkCore.Metadata;

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

    /// <summary>The rule of <paramref name="definition"/>, or <see langword="null"/> when the model has no entity type of that name.</summary>
    public static DataRule? Compile(IModel model, ExceptionRuleDefinition definition)
    {
        if (string.IsNullOrWhiteSpace(definition.Id) || FindEntityType(model, definition.EntityType) is not { } entityType)
        {
            return null;
        }

        var type = entityType.ClrType;
        ExceptionRuleInfo info;
        try
        {
            info = Describe(definition, type);
        }
        catch (ArgumentException exception)
        {
            return new DataRule(new ExceptionRuleInfo(definition.Id, type, definition.Severity, definition.Sequence, definition.Message, expression: definition.Expression), type, null, exception);
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
    public static CompiledRuleExpression Validate(IModel model, ExceptionRuleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (string.IsNullOrWhiteSpace(definition.Id))
        {
            throw new ArgumentException("A data rule needs an id, such as \"sale.big_order\": set ExceptionRuleDefinition.Id.", nameof(definition));
        }

        if (FindEntityType(model, definition.EntityType) is not { } entityType)
        {
            var names = string.Join(", ", model.GetEntityTypes().Where(static t => !t.IsOwned() && t.ClrType.Namespace?.StartsWith("ServerTools", StringComparison.Ordinal) != true).Select(static t => t.ClrType.Name).Order(StringComparer.Ordinal));
            throw new ArgumentException(
                $"Data rule '{definition.Id}': the model has no entity type '{definition.EntityType}'. Use the full name (such as {model.GetEntityTypes().FirstOrDefault()?.Name}) or the class name of one of: {names}.",
                nameof(definition));
        }

        _ = Describe(definition, entityType.ClrType);
        if (CodeRuleWithId(definition.Id) is { } code)
        {
            throw new ArgumentException(DuplicateId(definition.Id, code), nameof(definition));
        }

        return Expression(model, entityType.ClrType, definition.Expression);
    }

    /// <summary>The entity type named <paramref name="name"/>: by its EF Core name (the full CLR name), else by a class name that only one entity type has.</summary>
    public static IEntityType? FindEntityType(IModel model, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        if (model.FindEntityType(name) is { } exact)
        {
            return exact;
        }

        IEntityType? found = null;
        foreach (var entityType in model.GetEntityTypes())
        {
            if (!entityType.HasSharedClrType && string.Equals(entityType.ClrType.Name, name, StringComparison.Ordinal))
            {
                if (found is not null)
                {
                    return null;
                }

                found = entityType;
            }
        }

        return found;
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

    private static ExceptionRuleInfo Describe(ExceptionRuleDefinition definition, Type type)
    {
        if (!Enum.IsDefined(definition.Severity))
        {
            throw new ArgumentException($"Data rule '{definition.Id}': the severity {(int)definition.Severity} is neither Warning (0) nor Blocking (1).", nameof(definition));
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
