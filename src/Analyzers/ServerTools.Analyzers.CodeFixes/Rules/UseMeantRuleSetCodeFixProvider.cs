using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Rules;

namespace ServerTools.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes ST5010 where the rule set is a string literal and one rule set of the code rules is the one meant:
/// <c>engine.Enforce(order, "Confrim")</c> becomes <c>engine.Enforce(order, "confirm")</c>. A name written as a constant
/// is left alone (the constant may serve elsewhere), and so is a name two rule sets are equally close to.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseMeantRuleSetCodeFixProvider))]
[Shared]
public sealed class UseMeantRuleSetCodeFixProvider()
    : StringLiteralCodeFixProvider(DiagnosticDescriptors.MisspeltRuleSet, MisspeltRuleSetAnalyzer.MeantRuleSet, "Use", "ServerTools.UseMeantRuleSet");
