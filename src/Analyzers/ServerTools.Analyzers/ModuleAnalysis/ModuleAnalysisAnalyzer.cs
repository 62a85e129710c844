using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.ModuleAnalysis;

/// <summary>
/// ST9001, ST9002, ST9003: what the project (module) holds, as informational diagnostics once the whole compilation is seen:
/// a summary, one diagnostic per entity type and one per exception rule and type it checks. An entity lists the rules that
/// check it from the project and from the projects it references (they share one rule registry at run time); the rule
/// diagnostics and the summary's rule counts are the project's own rules only. Their properties carry the data
/// (see the property name constants), which the build's module report reads from the compiler's error log (SARIF), since
/// an analyzer writes no files. Generated code is not analyzed (an entity class with a generated part is, through its
/// own declaration); only <c>ApplyConfiguration</c> calls are bound, found by name first, so the cost stays small. An entity
/// or rule declared in generated code gets no diagnostic of its own (it still counts in the summary); the analyzer
/// decides that itself (<see cref="GeneratedCode"/>) rather than leave it to the driver, whose check searches every
/// token of each file a diagnostic is reported in.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModuleAnalysisAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The separator of the entries of a list property, such as the features of an entity.</summary>
    public const string ListSeparator = "\n";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.ModuleSummary, DiagnosticDescriptors.ModuleEntity, DiagnosticDescriptors.ModuleExceptionRule];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // Generated code is not analyzed; diagnostics in it are left out by Report (GeneratedCode), not by the driver.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var census = new ModuleCensus(start.Compilation, FrameworkAssemblies.From(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions));
            start.RegisterSymbolAction(symbolContext => census.Add((INamedTypeSymbol)symbolContext.Symbol), SymbolKind.NamedType);
            start.RegisterSyntaxNodeAction(
                nodeContext =>
                {
                    if (AppliesConfiguration((InvocationExpressionSyntax)nodeContext.Node)
                        && census.Symbols is { ModelBuilder: not null, DbContext: not null, Configuration: not null }
                        && nodeContext.SemanticModel.GetOperation(nodeContext.Node, nodeContext.CancellationToken) is IInvocationOperation invocation)
                    {
                        census.Add(invocation, nodeContext.ContainingSymbol!, nodeContext.Compilation);
                    }
                },
                SyntaxKind.InvocationExpression);
            start.RegisterCompilationEndAction(end => Report(end, census));
        });
    }

    /// <summary>Whether the call is named <c>ApplyConfiguration</c> or <c>ApplyConfigurationsFromAssembly</c>: a syntax test, before any binding.</summary>
    private static bool AppliesConfiguration(InvocationExpressionSyntax invocation)
        => InvokedName.Of(invocation) is "ApplyConfiguration" or "ApplyConfigurationsFromAssembly";

    private static void Report(CompilationAnalysisContext context, ModuleCensus census)
    {
        var rules = census.Rules();
        var entities = census.Entities(rules, context.CancellationToken);
        foreach (var entity in entities)
        {
            if (GeneratedCode.Contains(entity.Location, entity.Symbol, context.Compilation, context.CancellationToken))
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ModuleEntity,
                entity.Location,
                ImmutableDictionary.CreateRange(new Dictionary<string, string?>
                {
                    ["type"] = entity.Type,
                    ["features"] = Join(entity.Features),
                    ["rules"] = Join(entity.Rules),
                    ["contexts"] = Join(entity.Contexts),
                    ["baseTypes"] = Join(entity.BaseTypes),
                }),
                entity.Type,
                entity.Contexts.Count == 0 ? "no DbContext of this project" : Quoted(entity.Contexts),
                entity.Features.Count == 0 ? "no ServerTools feature" : string.Join(", ", entity.Features),
                entity.Rules.Count switch
                {
                    0 => "no exception rule",
                    1 => "checked by exception rule " + Quoted(entity.Rules),
                    _ => "checked by exception rules " + Quoted(entity.Rules),
                }));
        }

        foreach (var rule in rules)
        {
            if (GeneratedCode.Contains(rule.Location, rule.Class, context.Compilation, context.CancellationToken))
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ModuleExceptionRule,
                rule.Location,
                ImmutableDictionary.CreateRange(new Dictionary<string, string?>
                {
                    ["id"] = rule.Id,
                    ["severity"] = rule.Severity,
                    ["target"] = rule.TargetName,
                    ["sets"] = Join(rule.Sets),
                    ["class"] = rule.ClassName,
                }),
                rule.Id,
                rule.ClassName,
                rule.TargetName,
                rule.Severity.ToLowerInvariant(),
                rule.Sets.Count switch
                {
                    0 => "in every evaluation",
                    1 => "in rule set " + Quoted(rule.Sets),
                    _ => "in rule sets " + Quoted(rule.Sets),
                }));
        }

        ReportSummary(context, entities, rules);
    }

    private static void ReportSummary(CompilationAnalysisContext context, IReadOnlyList<EntityFacts> entities, IReadOnlyList<RuleFacts> rules)
    {
        int With(string feature) => entities.Count(entity => entity.Features.Contains(feature));
        var ruleClasses = rules.GroupBy(static rule => rule.ClassName, StringComparer.Ordinal).Select(static group => group.First()).ToList();
        var blocking = ruleClasses.Count(static rule => rule.Severity == "Blocking");
        var (generatedFiles, generatedLines) = GeneratedTrees.Count(context.Compilation, context.CancellationToken);
        var module = context.Compilation.AssemblyName ?? "";
        var counts = new (string Name, int Value)[]
        {
            ("entities", entities.Count),
            ("audited", With(Feature.Audited)),
            ("tracked", With(Feature.Tracked)),
            ("fuzzySearchable", With(Feature.FuzzySearchable)),
            ("timeWindowed", With(Feature.TimeWindowed)),
            ("withRules", entities.Count(static entity => entity.Rules.Count > 0)),
            ("rules", ruleClasses.Count),
            ("blockingRules", blocking),
            ("warningRules", ruleClasses.Count - blocking),
            ("generatedFiles", generatedFiles),
            ("generatedLines", generatedLines),
        };
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties.Add("module", module);
        foreach (var (name, value) in counts)
        {
            properties.Add(name, value.ToString(CultureInfo.InvariantCulture));
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.ModuleSummary,
            Location.None,
            properties.ToImmutable(),
            module,
            Count(entities.Count, "entity", "entities"),
            counts[1].Value,
            counts[2].Value,
            counts[3].Value,
            counts[4].Value,
            Count(ruleClasses.Count, "exception rule", "exception rules"),
            blocking,
            Count(ruleClasses.Count - blocking, "warning", "warnings")));
    }

    private static string Join(IEnumerable<string> values) => string.Join(ListSeparator, values);

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(static value => "'" + value + "'"));

    private static string Count(int count, string one, string many)
        => count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}
