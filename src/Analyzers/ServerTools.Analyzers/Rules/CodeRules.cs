using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// The code rules (classes marked <c>[ExceptionRule]</c>) a compilation declares, and those of the assemblies it references
/// that reference ServerTools: all of them share one registry at run time, so ids and rule sets are compared across them.
/// </summary>
internal static class CodeRules
{
    /// <summary>The code rules <paramref name="compilation"/> declares in source.</summary>
    public static List<CodeRule> InSource(Compilation compilation, RulesSymbols symbols, CancellationToken cancellationToken)
    {
        var rules = new List<CodeRule>();
        Add(compilation.Assembly.GlobalNamespace, symbols.Find, rules, cancellationToken);
        return rules;
    }

    /// <summary>
    /// The code rules of the assemblies <paramref name="compilation"/> references that have the generated rule registry (so
    /// reference ServerTools and register at least one valid rule at run time; see <see cref="ReferencedRuleAssemblies"/>), read once per
    /// compilation for the analyzers that compare with them (ST5001, ST5010, ST5011, ST5013) and for the module analysis, which
    /// lists them with the entities they check (ST9002). Do not change the list.
    /// </summary>
    public static IReadOnlyList<CodeRule> Referenced(Compilation compilation, RulesSymbols symbols, CancellationToken cancellationToken)
        => s_referenced.GetValue(compilation, key => ReadReferenced(key, symbols, cancellationToken));

    private static readonly ConditionalWeakTable<Compilation, List<CodeRule>> s_referenced = new();

    private static List<CodeRule> ReadReferenced(Compilation compilation, RulesSymbols symbols, CancellationToken cancellationToken)
        => ReferencedRuleAssemblies.Of(compilation, symbols.ExceptionRule.ContainingAssembly.Name, cancellationToken)
            .SelectMany(static assembly => assembly.Rules)
            .Select(static rule => new CodeRule(rule.Type, rule.Attribute))
            .ToList();

    /// <summary>
    /// Registers in <paramref name="start"/> what ST5001, ST5011 and ST5013 share: each class of the compilation marked
    /// <c>[ExceptionRule]</c> goes to <paramref name="select"/> as the class is analysed (its attribute is bound by then, so
    /// nothing walks the compilation's types), and what it keeps goes to <paramref name="report"/> once the whole
    /// compilation is seen; <paramref name="report"/> is not called when nothing was kept.
    /// </summary>
    public static void GatherThenReport<T>(
        CompilationStartAnalysisContext start,
        Lazy<RulesSymbols?> symbols,
        Func<INamedTypeSymbol, AttributeData, AttributeSyntax, T?> select,
        Action<CompilationAnalysisContext, IReadOnlyCollection<T>> report)
        where T : class
    {
        var kept = new ConcurrentBag<T>();
        start.RegisterSymbolAction(
            context =>
            {
                if (context.Symbol is INamedTypeSymbol type
                    && symbols.Value?.Find(type) is { } attribute
                    && attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax syntax
                    && select(type, attribute, syntax) is { } item)
                {
                    kept.Add(item);
                }
            },
            SymbolKind.NamedType);
        start.RegisterCompilationEndAction(end =>
        {
            if (!kept.IsEmpty)
            {
                report(end, kept);
            }
        });
    }

    /// <summary>The names of the rule's <c>RuleSets</c>, those given as strings, in the order written (null for another value).</summary>
    public static IEnumerable<string?> RuleSets(AttributeData attribute)
        => RulesSymbols.Named(attribute, RulesSymbols.RuleSets) is { Kind: TypedConstantKind.Array, IsNull: false } array
            ? array.Values.Select(static value => value.Value as string)
            : [];

    /// <summary>The rule's name for messages: its full name, and the assembly it is in when that is not <paramref name="compilation"/>.</summary>
    public static string Describe(INamedTypeSymbol type, Compilation compilation)
        => SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly)
            ? $"'{type.ToDisplayString()}'"
            : $"'{type.ToDisplayString()}' (in {type.ContainingAssembly.Name})";

    /// <summary>Adds every type in <paramref name="container"/>, nested ones too, whose rule attribute <paramref name="find"/> finds.</summary>
    private static void Add(INamespaceOrTypeSymbol container, Func<INamedTypeSymbol, AttributeData?> find, List<CodeRule> rules, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                Add(ns, find, rules, cancellationToken);
            }
            else if (member is INamedTypeSymbol type)
            {
                if (find(type) is { } attribute)
                {
                    rules.Add(new CodeRule(type, attribute));
                }

                Add(type, find, rules, cancellationToken);
            }
        }
    }
}

/// <summary>A class marked <c>[ExceptionRule]</c>, with the attribute.</summary>
internal sealed record CodeRule(INamedTypeSymbol Type, AttributeData Attribute);

/// <summary>
/// A rule of the compilation that lists rule sets: its class, its attribute and the attribute's <c>RuleSets</c> argument,
/// as ST5011 and ST5013 gather them (<see cref="CodeRules.GatherThenReport"/>).
/// </summary>
internal sealed record RuleWithSets(INamedTypeSymbol Type, AttributeData Attribute, AttributeArgumentSyntax Argument)
{
    /// <summary>
    /// The rule, when the registry takes it (<see cref="ExceptionRuleClasses.WhyInvalid"/>: not one that ST5006 or ST5008
    /// refuses, which is never run, so its sets are no one's), it lists a rule set that is not blank and names its
    /// <c>RuleSets</c> argument; else null.
    /// </summary>
    public static RuleWithSets? Select(INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
        => ExceptionRuleClasses.WhyInvalid(attribute) is null
           && CodeRules.RuleSets(attribute).Any(static set => !string.IsNullOrWhiteSpace(set))
           && RulesSymbols.Argument(syntax, RulesSymbols.RuleSets) is { } argument
            ? new RuleWithSets(type, attribute, argument)
            : null;

    /// <summary>The rule as <see cref="CodeRules.Referenced"/> gives those of other assemblies.</summary>
    public CodeRule CodeRule => new(Type, Attribute);

    /// <summary>
    /// Gives <paramref name="check"/> each set of the rule that is not blank, with the place to report it: its entry as
    /// written, or, when the entries cannot be matched one to one with the sets (a constant array, a spread), the whole
    /// argument, and then only until <paramref name="check"/> says it reported (returns true), so it is reported there once.
    /// </summary>
    public void CheckEachSet(Func<string, Location, bool> check)
    {
        var sets = CodeRules.RuleSets(Attribute).ToList();
        var elements = RulesSymbols.Elements(Argument.Expression) is { } written && written.Count == sets.Count ? written : null;
        for (var i = 0; i < sets.Count; i++)
        {
            if (sets[i] is { } set && !string.IsNullOrWhiteSpace(set)
                && check(set, (elements?[i] ?? Argument.Expression).GetLocation())
                && elements is null)
            {
                return;
            }
        }
    }
}
