using Microsoft.CodeAnalysis;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.Rules;

/// <summary>The analyzers of one rule class: each class marked <c>[ExceptionRule]</c> in source, with the rule types resolved once per compilation.</summary>
public abstract class ExceptionRuleClassAnalyzer : MarkedClassAnalyzer<RulesSymbols>
{
    private protected sealed override RulesSymbols? Resolve(Compilation compilation) => RulesSymbols.From(compilation);

    private protected sealed override AttributeData? FindAttribute(RulesSymbols symbols, INamedTypeSymbol type) => symbols.Find(type);
}
