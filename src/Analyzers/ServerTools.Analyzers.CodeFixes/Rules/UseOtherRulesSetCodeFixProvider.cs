using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Rules;

namespace ServerTools.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes ST5013 where the rule set is a string literal and one set that more rules write is near it:
/// <c>RuleSets = ["confrim"]</c> becomes <c>RuleSets = ["confirm"]</c>. A set written as a constant is left alone (the
/// constant may serve elsewhere), and so is a set near two sets, or near the set of one other rule, where which of the
/// two is meant cannot be told.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseOtherRulesSetCodeFixProvider))]
[Shared]
public sealed class UseOtherRulesSetCodeFixProvider()
    : StringLiteralCodeFixProvider(DiagnosticDescriptors.RuleSetTypo, RuleSetTypoAnalyzer.MeantRuleSet, "Use", "ServerTools.UseOtherRulesSet");
