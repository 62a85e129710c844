using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ServerTools.Rules;

/// <summary>
/// Maps the tables of business rules: <see cref="ExceptionRuleDefinition"/> (the data rules, edited at run time) to
/// <c>servertools_rule_definitions</c>, and <see cref="StoredRuleViolation"/> (the violations entities currently have)
/// to <c>servertools_rule_violations</c>, with one row per entity and rule. Added below explicit strength, like the
/// audit log, so the application's own configuration wins.
/// </summary>
internal sealed class RulesModelConvention : IModelInitializedConvention, IModelFinalizingConvention
{
    public const string DefinitionsTable = "servertools_rule_definitions";
    public const string ViolationsTable = "servertools_rule_violations";

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var definitions = modelBuilder.Entity(typeof(ExceptionRuleDefinition), fromDataAnnotation: true) ?? throw Refused(nameof(ExceptionRuleDefinition));
        definitions.ToTable(DefinitionsTable);
        definitions.PrimaryKey([nameof(ExceptionRuleDefinition.Id)]);
        definitions.Property(typeof(string), nameof(ExceptionRuleDefinition.Id))?.HasMaxLength(200);
        definitions.Property(typeof(string), nameof(ExceptionRuleDefinition.EntityType))?.IsRequired(true);
        definitions.Property(typeof(string), nameof(ExceptionRuleDefinition.Expression))?.IsRequired(true);
        // Read exactly, and without throwing: a row written by SQL with another text must not make every EF query of the
        // table throw (an admin screen that lists the rules is how the row gets fixed). See RuleSeverityConverter.
        definitions.Property(typeof(RuleSeverity), nameof(ExceptionRuleDefinition.Severity))?.HasConversion(new RuleSeverityConverter());

        // The concurrency token is the xmin system column, which every PostgreSQL row has: no column is added, and the
        // AddColumn of xmin in a migration generates no SQL (Npgsql skips system columns).
        var version = definitions.Property(typeof(uint), nameof(ExceptionRuleDefinition.Version));
        version?.HasColumnName("xmin");
        version?.HasColumnType("xid");
        version?.IsConcurrencyToken(true);
        version?.ValueGenerated(ValueGenerated.OnAddOrUpdate);

        var violations = modelBuilder.Entity(typeof(StoredRuleViolation), fromDataAnnotation: true) ?? throw Refused(nameof(StoredRuleViolation));
        violations.ToTable(ViolationsTable);
        violations.PrimaryKey([nameof(StoredRuleViolation.Id)]);
        violations.Property(typeof(string), nameof(StoredRuleViolation.EntityType))?.IsRequired(true);
        violations.Property(typeof(string), nameof(StoredRuleViolation.EntityKey))?.IsRequired(true);
        violations.Property(typeof(string), nameof(StoredRuleViolation.RuleId))?.IsRequired(true);
        violations.Property(typeof(string), nameof(StoredRuleViolation.Message))?.IsRequired(true);
        // As for the definitions: a row written by SQL with another text reads as no member of RuleSeverity rather than
        // making every EF query of the table throw (an admin screen that lists the violations), and SaveChanges refuses to
        // write such a value (StoredViolationWrites).
        violations.Property(typeof(RuleSeverity), nameof(StoredRuleViolation.Severity))?.HasConversion(new RuleSeverityConverter());
        violations.Ignore(nameof(StoredRuleViolation.IsIgnored), fromDataAnnotation: true);

        // An entity's violations are read by (type, key); each rule at most once per entity.
        violations.HasIndex([nameof(StoredRuleViolation.EntityKey), nameof(StoredRuleViolation.EntityType), nameof(StoredRuleViolation.RuleId)])?.IsUnique(true);

        // Reports by rule ("which orders break sale.discount_limit").
        violations.HasIndex([nameof(StoredRuleViolation.RuleId)]);
    }

    /// <summary>The rule tables do not belong to the model of EF's migrations history table (see the audit log's convention).</summary>
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(HistoryRow)) is null)
        {
            return;
        }

        foreach (var type in new[] { typeof(ExceptionRuleDefinition), typeof(StoredRuleViolation) })
        {
            if (model.FindEntityType(type) is { } entityType)
            {
                modelBuilder.HasNoEntityType(entityType, fromDataAnnotation: true);
            }
        }
    }

    private static InvalidOperationException Refused(string name) => new(
        $"ServerTools could not add '{name}' to the model: the application's configuration excludes it. Remove the Ignore() of that type.");
}
