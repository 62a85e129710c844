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
    /// compilation for the analyzers that compare with them (ST5001, ST5010, ST5011) and for the module analysis, which
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
    /// Registers in <paramref name="start"/> what ST5001 and ST5011 share: each class of the compilation marked
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
