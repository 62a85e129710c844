using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5010: a constant rule set given to a method that takes one (<c>Evaluate</c>, <c>Enforce</c>, <c>RulesFor</c>,
/// <c>CheckRulesAsync</c>, <c>IgnoreRuleWarningsAsync</c>, <c>EntitiesViolatingRuleSet</c>, <c>ExceptionRuleInfo.IsIn</c>)
/// that no code rule uses, while one they use differs from it only in case or by a typo: <c>Enforce(order, "Confrim")</c>
/// beside <c>RuleSets = ["confirm"]</c>. Sets are compared ordinally, and a set no rule uses is no error at run time (data
/// rules may add it), so the blocking rules of the set meant would not run. The code rules are those of the compilation
/// and of the assemblies it references that reference ServerTools (read only when a name is not one of the
/// compilation's). A name close to none is not reported. Reported at the argument as the call is analysed (the rule sets
/// are read once per compilation, at the first call with a constant set); the diagnostic carries the name meant
/// (<see cref="MeantRuleSet"/>) when there is one.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MisspeltRuleSetAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property with the one rule set the name is taken to mean, for the code fix.</summary>
    public const string MeantRuleSet = "MeantRuleSet";

    /// <summary>The name of the parameter that takes a rule set, in every method of ServerTools that takes one.</summary>
    private const string RuleSetParameter = "ruleSet";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.MisspeltRuleSet];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, Symbols.From);

            // Read once per compilation, at the first call with a constant set: the code rules of the project and of
            // the assemblies it references (those only when a name is not one of the project's). A rule the registry
            // skips (ST5006, ST5008) is never run, so its sets are no set a name can be.
            var sourceRules = new Lazy<List<CodeRule>>(
                () => [.. CodeRules.InSource(start.Compilation, symbols.Value!.Rules, start.CancellationToken).Where(static rule => ExceptionRuleClasses.WhyInvalid(rule.Attribute) is null)],
                LazyThreadSafetyMode.ExecutionAndPublication);
            var sourceSets = new Lazy<HashSet<string>>(
                () => new(sourceRules.Value.SelectMany(static rule => CodeRules.RuleSets(rule.Attribute)).OfType<string>(), StringComparer.Ordinal),
                LazyThreadSafetyMode.ExecutionAndPublication);
            var allSets = new Lazy<KnownSets>(
                () => KnownSets.Of(RuleSetUse.Of(sourceRules.Value.Concat(CodeRules.Referenced(start.Compilation, symbols.Value!.Rules, start.CancellationToken)))),
                LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSyntaxNodeAction(
                nodeContext =>
                {
                    if (MayTakeRuleSet((InvocationExpressionSyntax)nodeContext.Node)
                        && symbols.Value is { } resolved
                        && nodeContext.SemanticModel.GetOperation(nodeContext.Node, nodeContext.CancellationToken) is IInvocationOperation invocation
                        && CallOf(invocation, resolved) is { } call)
                    {
                        Report(nodeContext, call, sourceSets, allSets);
                    }
                },
                SyntaxKind.InvocationExpression);
        });
    }

    /// <summary>Whether the call is named like a method that takes a rule set: a syntax test, before any binding.</summary>
    private static bool MayTakeRuleSet(InvocationExpressionSyntax invocation)
        => InvokedName.Of(invocation) is "Evaluate" or "Enforce" or "RulesFor" or "EvaluateRulesAsync" or "CheckRulesAsync"
            or "IgnoreRuleWarningsAsync" or "EntitiesViolatingRuleSet" or "IsIn";

    /// <summary>The constant rule set <paramref name="invocation"/> gives a ServerTools method, or null.</summary>
    private static Call? CallOf(IInvocationOperation invocation, Symbols symbols)
    {
        var method = invocation.TargetMethod;
        if (!symbols.TakesRuleSet(method))
        {
            return null;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument is { ArgumentKind: ArgumentKind.Explicit, Parameter.Name: RuleSetParameter }
                && argument.Value.ConstantValue is { HasValue: true, Value: string name })
            {
                return new Call(name, method.Name, argument.Value.Syntax.GetLocation());
            }
        }

        return null;
    }

    private static void Report(SyntaxNodeAnalysisContext context, Call call, Lazy<HashSet<string>> sourceSets, Lazy<KnownSets> allSets)
    {
        if (sourceSets.Value.Contains(call.RuleSet) || allSets.Value.Use.Contains(call.RuleSet)
            || Meant(call.RuleSet, allSets.Value.Suggestible) is not { Count: > 0 } meant)
        {
            return;
        }

        var properties = meant.Count == 1
            ? ImmutableDictionary<string, string?>.Empty.Add(MeantRuleSet, meant[0])
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.MisspeltRuleSet,
            call.Location,
            properties,
            call.RuleSet,
            call.Method,
            string.Join(" or ", meant.Select(static set => $"'{set}'"))));
    }

    /// <summary>
    /// The sets <paramref name="name"/> may mean: those equal to it but for case; else those nearest to it and a typo away
    /// (<see cref="RuleSetUse.TypoAway"/>). In ordinal order.
    /// </summary>
    private static List<string> Meant(string name, IReadOnlyList<string> known)
    {
        var sameButCase = known.Where(set => string.Equals(set, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (sameButCase.Count > 0)
        {
            sameButCase.Sort(StringComparer.Ordinal);
            return sameButCase;
        }

        return RuleSetUse.TypoAway(name, known);
    }

    /// <summary>
    /// The rule sets of the code rules, and those a name may be taken to mean: all but the misspellings of a set that
    /// more rules write, which ST5013 reports (<see cref="RuleSetUse.IsTypoOfMoreUsed"/>), so a call is not pointed to them.
    /// </summary>
    private sealed record KnownSets(RuleSetUse Use, IReadOnlyList<string> Suggestible)
    {
        public static KnownSets Of(RuleSetUse use) => new(use, [.. use.Sets.Where(set => !use.IsTypoOfMoreUsed(set))]);
    }

    /// <summary>A constant rule set given to a method: the name, the method's name, and where the argument is written.</summary>
    private sealed record Call(string RuleSet, string Method, Location Location);

    /// <summary>The rule types and the types whose methods take a rule set, of one compilation.</summary>
    private sealed class Symbols(RulesSymbols rules, INamedTypeSymbol engine, ImmutableArray<INamedTypeSymbol> declaringTypes)
    {
        /// <summary>The types besides the engine whose methods take a rule set, by metadata name.</summary>
        private static readonly string[] s_declaringTypes = ["ServerTools.ExceptionRuleDbContextExtensions", "ServerTools.ExceptionRuleInfo"];

        public RulesSymbols Rules { get; } = rules;

        public static Symbols? From(Compilation compilation)
        {
            if (RulesSymbols.From(compilation) is not { } rules
                || compilation.GetTypeByMetadataName("ServerTools.IExceptionRuleEngine") is not { } engine)
            {
                return null;
            }

            var declaring = s_declaringTypes
                .Select(compilation.GetTypeByMetadataName)
                .OfType<INamedTypeSymbol>()
                .Prepend(engine)
                .ToImmutableArray();
            return new Symbols(rules, engine, declaring);
        }

        /// <summary>Whether <paramref name="method"/> is ServerTools' (or an implementation of the engine's), so its <c>ruleSet</c> is a rule set.</summary>
        public bool TakesRuleSet(IMethodSymbol method)
            => declaringTypes.Contains(method.ContainingType, SymbolEqualityComparer.Default)
               || method.ContainingType.AllInterfaces.Contains(engine, SymbolEqualityComparer.Default);
    }
}
