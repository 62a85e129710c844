using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Rules;

namespace ServerTools.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes ST5006 reported at an entry of Tags or RuleSets padded with whitespace, written as a string literal:
/// <c>RuleSets = ["post "]</c> becomes <c>RuleSets = ["post"]</c>, the name the message says to write. Whitespace at
/// either end of a name is never meant (the rule's metadata refuses it), so nothing the developer meant is lost. An entry
/// written as a constant is left alone: the constant may serve elsewhere; correct the constant.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrimTagOrRuleSetCodeFixProvider))]
[Shared]
public sealed class TrimTagOrRuleSetCodeFixProvider()
    : StringLiteralCodeFixProvider(DiagnosticDescriptors.EmptyRuleIdTagOrSet, EmptyRuleIdTagOrSetAnalyzer.Padded, "Write", "ServerTools.TrimTagOrRuleSet");
