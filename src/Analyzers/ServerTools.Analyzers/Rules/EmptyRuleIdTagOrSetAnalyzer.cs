using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.Rules;

/// <summary>
/// ST5006: a rule's id, or an entry of its <c>Tags</c> or <c>RuleSets</c>, is null, empty or blank; the rule's
/// metadata (<c>ExceptionRuleInfo</c>) refuses it, so the registry skips the rule. Or an entry of <c>Tags</c> or
/// <c>RuleSets</c> starts or ends with whitespace: names are compared as written, so <c>" confirm"</c> is a set that
/// <c>Evaluate(order, "confirm")</c> does not check (data rules are refused the same way when they are saved); the registry
/// skips such a rule too. The id is reported at its value, an entry at its element in the array (at the whole array when
/// the elements are not written one by one). A padded entry's diagnostic carries the property <see cref="Padded"/>, the
/// name to write: its code fix trims the entry, and the one that removes an empty entry does not apply to it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EmptyRuleIdTagOrSetAnalyzer : ExceptionRuleClassAnalyzer
{
    /// <summary>The diagnostic property of an entry padded with whitespace (its value: the name to write).</summary>
    public const string Padded = "Padded";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.EmptyRuleIdTagOrSet];

    /// <inheritdoc />
    private protected override void Analyze(SymbolAnalysisContext context, RulesSymbols symbols, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax)
    {
        if (RulesSymbols.Binds(attribute) && RulesSymbols.IdArgument(syntax) is { } idArgument && Emptiness(attribute.ConstructorArguments[0].Value) is { } empty)
        {
            Report(context, idArgument, "The id", type, empty, "give the rule a stable id, such as \"sale.discount_limit\"");
        }

        Entries(context, type, attribute, syntax, RulesSymbols.Tags, "A tag", "give each tag a name, such as \"pricing\", or remove the empty one", "tags");
        Entries(context, type, attribute, syntax, RulesSymbols.RuleSets, "A rule set", "name each rule set after the action that checks it, such as \"confirm\", or remove the empty one", "rule sets");
    }

    private static void Entries(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AttributeSyntax syntax, string name, string what, string fix, string plural)
    {
        if (RulesSymbols.Named(attribute, name) is not { Kind: TypedConstantKind.Array, IsNull: false } array
            || RulesSymbols.Argument(syntax, name) is not { } argument)
        {
            return;
        }

        var elements = RulesSymbols.Elements(argument.Expression);
        if (elements is not null && elements.Count != array.Values.Length)
        {
            elements = null;
        }

        for (var i = 0; i < array.Values.Length; i++)
        {
            var value = array.Values[i].Value;
            if (Emptiness(value) is { } empty)
            {
                Report(context, elements?[i] ?? argument.Expression, what, type, empty, fix);
            }
            else if (value is string text && text.Trim() is var trimmed && trimmed.Length != text.Length)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.EmptyRuleIdTagOrSet,
                    (elements?[i] ?? argument.Expression).GetLocation(),
                    ImmutableDictionary<string, string?>.Empty.Add(Padded, trimmed),
                    what,
                    type.Name,
                    "padded with whitespace",
                    $"{plural} are compared as written, so write \"{trimmed}\""));
            }
            else
            {
                continue;
            }

            if (elements is null)
            {
                return;
            }
        }
    }

    /// <summary>"null", "empty" or "blank" for a value that is one of these, or null for a usable name.</summary>
    private static string? Emptiness(object? value) => value switch
    {
        null => "null",
        "" => "empty",
        string text when string.IsNullOrWhiteSpace(text) => "blank",
        _ => null,
    };

    private static void Report(SymbolAnalysisContext context, SyntaxNode at, string what, INamedTypeSymbol type, string empty, string fix)
        => context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.EmptyRuleIdTagOrSet, at.GetLocation(), what, type.Name, empty, fix));
}
