using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1003: a property marked both <c>[AuditIgnore]</c> and <c>[AuditMask]</c>. <c>[AuditIgnore]</c> wins, so the
/// property is not logged; the diagnostic is reported at <c>[AuditMask]</c>, which the code fix removes.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AuditIgnoreAndMaskAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.AuditIgnoreAndAuditMask];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, AuditingSymbols.From);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbols.Value is { AuditIgnore: not null, AuditMask: not null } resolved)
                    {
                        Analyze(symbolContext, resolved);
                    }
                },
                SymbolKind.Property);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, AuditingSymbols symbols)
    {
        var property = (IPropertySymbol)context.Symbol;
        if (AuditingSymbols.Find(property, symbols.AuditIgnore) is not null
            && AuditingSymbols.Find(property, symbols.AuditMask)?.ApplicationSyntaxReference is { } mask)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.AuditIgnoreAndAuditMask,
                mask.GetSyntax(context.CancellationToken).GetLocation(),
                property.Name));
        }
    }
}
