using System;
using System.Threading.Tasks;
using ServerTools.Tests.Auditing;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>
/// A many-to-many navigation whose navigation back is <c>[AuditMask]</c> or <c>[AuditIgnore]</c> is hidden from data rules
/// as that one is: a rule on either side would read the same links (<see cref="Patient"/>, <see cref="Diagnosis"/>,
/// <see cref="Therapy"/>); <c>[RuleReadable]</c> beside the attribute opens both sides (<see cref="Allergy"/>).
/// </summary>
public sealed class RuleHiddenInverseTests(RuleHiddenInverseTests.Database database) : IClassFixture<RuleHiddenInverseTests.Database>
{
    public sealed class Database() : SchemaFixture<PatientContext>(options => new(options));

    [Theory]
    [InlineData(nameof(Patient), "p.Diagnoses.Any(d => d.Code == \"F32.1\")", "Diagnoses", "[AuditMask]", "on Patient.Diagnoses")]
    [InlineData(nameof(Diagnosis), "d.Patients.Any(p => p.Name == \"Alice\")", "Patients", "[AuditMask]", "on its inverse navigation Patient.Diagnoses")]
    [InlineData(nameof(Therapy), "t.Patients.Count > 2", "Patients", "[AuditIgnore]", "on its inverse navigation Patient.Therapies")]
    public async Task A_rule_reading_a_many_to_many_navigation_hidden_on_either_side_is_refused(string entityType, string expression, string member, string attribute, string where)
    {
        await using var context = database.Create();
        var definition = new ExceptionRuleDefinition { Id = "link.probe", EntityType = entityType, Expression = expression, Severity = RuleSeverity.Warning, Message = "m" };

        var error = Assert.Throws<RuleExpressionException>(() => context.ValidateDataRule(definition));

        Assert.Equal($"member '{member}' marked {attribute}", error.Construct);
        Assert.Equal(expression.IndexOf(member, StringComparison.Ordinal), error.Position);
        Assert.Contains($"'{member}' is marked {attribute} ({where}), and a data rule cannot read a property marked [AuditIgnore] or [AuditMask]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(Diagnosis), "d.Code == \"F32.1\"")] // the other members of the other side
    [InlineData(nameof(Patient), "p.Allergies.Any(a => a.Name == \"latex\")")] // [RuleReadable] beside the [AuditMask] ...
    [InlineData(nameof(Allergy), "a.Patients.Any(p => p.Name == \"Alice\")")] // ... opens the navigation back too
    public async Task Members_not_hidden_on_either_side_stay_readable(string entityType, string expression)
    {
        await using var context = database.Create();

        context.ValidateDataRule(new ExceptionRuleDefinition { Id = "link.open", EntityType = entityType, Expression = expression, Severity = RuleSeverity.Warning, Message = "m" });
    }
}
