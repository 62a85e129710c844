using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2S01: suppresses CA1822 ("Member does not access instance data and can be marked as static") on the implementation of
/// a change hook that the tracking generator declares (<c>partial void OnStateChanged(OrderState oldValue, OrderState
/// newValue) { }</c>): the generated declaration is an instance method, so following CA1822 gives CS0763. Only an
/// implementation whose definition is the hook of a tracked property of its class is matched; CA1822 on any other method
/// stays. The hooks are the only partial methods ServerTools declares for users to implement.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ChangeHookStaticSuppressor : DiagnosticSuppressor
{
    /// <inheritdoc />
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = [SuppressionDescriptors.ChangeHookCanBeStatic];

    /// <inheritdoc />
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        var symbols = TrackingSymbols.From(context.Compilation);
        if (symbols is null)
        {
            return;
        }

        foreach (var diagnostic in context.ReportedDiagnostics)
        {
            if (diagnostic.Location.SourceTree is { } tree
                && tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } declaration
                && context.GetSemanticModel(tree).GetDeclaredSymbol(declaration, context.CancellationToken) is IMethodSymbol { PartialDefinitionPart: { } definition } method
                && IsGeneratedHook(definition, method.ContainingType, symbols))
            {
                context.ReportSuppression(Suppression.Create(SuppressionDescriptors.ChangeHookCanBeStatic, diagnostic));
            }
        }
    }

    /// <summary>
    /// True when <paramref name="definition"/> is the hook the generator declares for a tracked property <c>X</c> of
    /// <paramref name="type"/>: <c>void OnXChanged(T, T)</c> with <c>T</c> the property's type.
    /// </summary>
    private static bool IsGeneratedHook(IMethodSymbol definition, INamedTypeSymbol type, TrackingSymbols symbols)
        => definition is { ReturnsVoid: true, IsStatic: false, Arity: 0, Parameters.Length: 2 }
           && symbols.TrackedFields(type).Any(field =>
               definition.Name == "On" + field.Name + "Changed"
               && definition.Parameters.All(parameter => SymbolEqualityComparer.Default.Equals(parameter.Type, field.Type)));
}
