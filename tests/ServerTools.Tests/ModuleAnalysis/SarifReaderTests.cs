using System.Linq;
using ServerTools.Build.Reports;
using ServerTools.Build.Sarif;

namespace ServerTools.Tests.ModuleAnalysis;

/// <summary>
/// The compiler's error log, version 2.1 and 1, as Roslyn writes them (the layouts below are copied from real
/// logs: ruleIndex, warningLevel and the rule metadata around the parts the report reads).
/// </summary>
public sealed class SarifReaderTests
{
    private const string V21 = """
        {
          "$schema": "http://json.schemastore.org/sarif-2.1.0",
          "version": "2.1.0",
          "runs": [
            {
              "results": [
                {
                  "ruleId": "ST9001",
                  "ruleIndex": 3,
                  "level": "note",
                  "message": { "text": "Module 'Shop': 2 entities" },
                  "properties": {
                    "warningLevel": 1,
                    "customProperties": { "generatedFiles": "3", "generatedLines": "120", "module": "Shop" }
                  }
                },
                {
                  "ruleId": "ST9002",
                  "level": "note",
                  "message": { "text": "Entity 'Shop.Order'" },
                  "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "file:///src/Order.cs" }, "region": { "startLine": 4 } } } ],
                  "properties": { "customProperties": { "baseTypes": "Shop.IDocument\nShop.Document", "contexts": "Shop.Db", "features": "Audited\nTracked", "rules": "order.z\norder.a", "type": "Shop.Order" } }
                },
                {
                  "ruleId": "ST9002",
                  "level": "note",
                  "message": { "text": "Entity 'Shop.Customer'" },
                  "properties": { "customProperties": { "contexts": "Shop.Db\nShop.ReportingDb", "features": "", "rules": "", "type": "Shop.Customer" } }
                },
                {
                  "ruleId": "ST9003",
                  "level": "note",
                  "message": { "text": "Rule" },
                  "properties": { "customProperties": { "class": "Shop.Rules.Limit", "id": "order.a", "sets": "confirm\nship", "severity": "Blocking", "target": "Shop.Order" } }
                },
                { "ruleId": "ST0001", "level": "error", "message": { "text": "must be partial" } },
                { "ruleId": "ST0001", "level": "error", "message": { "text": "must be partial" } },
                { "ruleId": "ST2002", "level": "warning", "message": { "text": "w" }, "properties": { "warningLevel": 1 } },
                { "ruleId": "ST2002", "level": "warning", "message": { "text": "w" }, "suppressions": [ { "kind": "inSource" } ] },
                { "ruleId": "ST2003", "message": { "text": "no level: a warning in SARIF 2.1" } },
                { "ruleId": "CS0168", "level": "warning", "message": { "text": "not ours" } }
              ],
              "tool": { "driver": { "name": "Microsoft (R) Visual C# Compiler", "rules": [ { "id": "ST9001" } ] } },
              "columnKind": "utf16CodeUnits"
            }
          ]
        }
        """;

    private const string V1 = """
        {
          "$schema": "http://json.schemastore.org/sarif-1.0.0",
          "version": "1.0.0",
          "runs": [
            {
              "tool": { "name": "Microsoft (R) Visual C# Compiler", "version": "4.14.0" },
              "results": [
                {
                  "ruleId": "ST9001",
                  "level": "note",
                  "message": "Module 'Shop'",
                  "properties": { "warningLevel": 1, "customProperties": { "generatedFiles": "1", "generatedLines": "7" } }
                },
                {
                  "ruleId": "ST9002",
                  "level": "note",
                  "message": "Entity",
                  "locations": [ { "resultFile": { "uri": "file:///src/Order.cs", "region": { "startLine": 4 } } } ],
                  "properties": { "customProperties": { "type": "Shop.Order", "features": "FuzzySearchable", "rules": "", "contexts": "Shop.Db" } }
                },
                { "ruleId": "ST1001", "level": "warning", "message": "m", "properties": { "warningLevel": 1 } },
                { "ruleId": "ST1001", "level": "warning", "message": "m", "suppressionStates": [ "suppressedInSource" ] }
              ],
              "rules": { "ST9001": { "id": "ST9001" } }
            }
          ]
        }
        """;

    [Fact]
    public void Version_2_1_results_carry_the_diagnostic_properties_in_customProperties()
    {
        var results = SarifReader.Read(V21);

        Assert.Equal(10, results.Count);
        var entity = results[1];
        Assert.Equal("ST9002", entity.RuleId);
        Assert.Equal("note", entity.Level);
        Assert.Equal("Shop.Order", entity.Properties["type"]);
        Assert.Equal("Audited\nTracked", entity.Properties["features"]);
        Assert.Empty(results[4].Properties);
        Assert.True(results[7].Suppressed);
        Assert.Equal("warning", results[8].Level);
    }

    [Fact]
    public void Version_1_results_are_read_with_their_suppression_states()
    {
        var results = SarifReader.Read(V1);

        Assert.Equal(["ST9001", "ST9002", "ST1001", "ST1001"], results.Select(static r => r.RuleId));
        Assert.Equal("FuzzySearchable", results[1].Properties["features"]);
        Assert.False(results[2].Suppressed);
        Assert.True(results[3].Suppressed);
    }

    [Fact]
    public void Findings_hold_entities_rules_and_the_other_ServerTools_diagnostics_grouped_without_suppressed_ones()
    {
        var findings = ModuleFindings.From(SarifReader.Read(V21));

        Assert.True(findings.HasSummary);
        Assert.Equal(["Shop"], findings.SummaryModules);
        Assert.False(findings.IsOfOtherModule("Shop"));
        Assert.True(findings.IsOfOtherModule("Billing"));
        Assert.False(findings.IsOfOtherModule(""));
        Assert.Equal(new SourceGenerated(3, 120), findings.SourceGenerated);
        Assert.Equal(["Shop.Customer", "Shop.Order"], findings.Entities.Select(static e => e.Type));
        var order = findings.Entities[1];
        Assert.Equal(["Audited", "Tracked"], order.Features);
        Assert.Equal(["order.a", "order.z"], order.Rules);
        Assert.Equal(["Shop.Db"], order.Contexts);
        Assert.Equal(["Shop.Document", "Shop.IDocument"], order.BaseTypes);
        Assert.Empty(findings.Entities[0].Features);
        Assert.Empty(findings.Entities[0].BaseTypes);
        Assert.Equal(["Shop.Db", "Shop.ReportingDb"], findings.Entities[0].Contexts);

        var rule = Assert.Single(findings.Rules);
        Assert.Equal(new RuleEntry("order.a", "Blocking", "Shop.Order", rule.Sets, "Shop.Rules.Limit"), rule);
        Assert.Equal(["confirm", "ship"], rule.Sets);

        Assert.Equal(
            [new DiagnosticEntry("ST0001", "error", 2), new DiagnosticEntry("ST2002", "warning", 1), new DiagnosticEntry("ST2003", "warning", 1)],
            findings.Diagnostics);

        var features = ModuleFindings.CountFeatures(findings.Entities).ToDictionary(static f => f.Key, static f => f.Value);
        Assert.Equal(1, features[FeatureNames.Audited]);
        Assert.Equal(1, features[FeatureNames.Tracked]);
        Assert.Equal(0, features[FeatureNames.FuzzySearchable]);
        Assert.Equal(1, features[FeatureNames.ExceptionRules]);
    }

    [Fact]
    public void A_rule_class_that_checks_two_types_is_listed_for_each_and_counted_once()
    {
        const string Log = """
            { "version": "2.1.0", "runs": [ { "results": [
              { "ruleId": "ST9001", "level": "note", "properties": { "customProperties": { "module": "Shop" } } },
              { "ruleId": "ST9003", "level": "note", "properties": { "customProperties": { "class": "Shop.NameRequired", "id": "party.name", "sets": "", "severity": "Blocking", "target": "Shop.Supplier" } } },
              { "ruleId": "ST9003", "level": "note", "properties": { "customProperties": { "class": "Shop.NameRequired", "id": "party.name", "sets": "", "severity": "Blocking", "target": "Shop.Partner" } } },
              { "ruleId": "ST9003", "level": "note", "properties": { "customProperties": { "class": "Shop.Large", "id": "sale.large", "sets": "invoice\nconfirm", "severity": "Warning", "target": "Shop.Order" } } }
            ] } ] }
            """;

        var findings = ModuleFindings.From(SarifReader.Read(Log), "Shop");
        var report = new ModuleReport { Module = "Shop", Complete = true, Rules = findings.Rules };

        Assert.Equal(
            [("party.name", "Shop.Partner"), ("party.name", "Shop.Supplier"), ("sale.large", "Shop.Order")],
            findings.Rules.Select(static r => (r.Id, r.Target)));
        // "Everything is ordered": the sets too, whatever order the attribute gives them in.
        Assert.Equal(["confirm", "invoice"], findings.Rules[2].Sets);
        Assert.Equal((2, 1), report.RuleCounts());
        Assert.Contains("2 exception rules (1 blocking, 1 warning)", ModuleReportMarkdown.Summary(report), System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_log_gives_the_same_findings()
    {
        var findings = ModuleFindings.From(SarifReader.Read(V1));

        Assert.True(findings.HasSummary);
        Assert.Equal(new SourceGenerated(1, 7), findings.SourceGenerated);
        Assert.Equal(["FuzzySearchable"], Assert.Single(findings.Entities).Features);
        Assert.Equal([new DiagnosticEntry("ST1001", "warning", 1)], findings.Diagnostics);
    }

    [Fact]
    public void A_log_without_the_summary_has_no_entities_known()
    {
        var findings = ModuleFindings.From(SarifReader.Read("""{ "version": "2.1.0", "runs": [ { "results": [] } ] }"""));

        Assert.False(findings.HasSummary);
        Assert.Empty(findings.SummaryModules);
        Assert.False(findings.IsOfOtherModule("Shop"));
        Assert.Empty(findings.Diagnostics);
    }

    [Theory]
    [InlineData("{ \"version\": \"2.1.0\", \"runs\": [ { \"results\": [ ", "Invalid JSON at line 1")]
    [InlineData("{ \"runs\": [] }", "no SARIF version")]
    [InlineData("{ \"version\": \"3.0\", \"runs\": [] }", "\"3.0\"")]
    [InlineData("{ \"version\": \"2.1.0\" }", "no \"runs\" array")]
    [InlineData("[1, 2]", "not a JSON object")]
    public void A_corrupt_log_is_refused_with_the_reason(string text, string reason)
    {
        var error = Assert.Throws<SarifFormatException>(() => SarifReader.Read(text));
        Assert.Contains(reason, error.Message, System.StringComparison.Ordinal);
    }
}
