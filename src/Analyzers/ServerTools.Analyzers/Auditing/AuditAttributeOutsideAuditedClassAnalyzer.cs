using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1002: <c>[AuditIgnore]</c> or <c>[AuditMask]</c> on a property of a class that is neither <c>[Audited]</c>
/// nor abstract does nothing. Abstract classes pass: their properties are audited in audited subclasses.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AuditAttributeOutsideAuditedClassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.AuditAttributeOutsideAuditedClass];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (AuditingSymbols.From(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, symbols), SymbolKind.Property);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, AuditingSymbols symbols)
    {
        var property = (IPropertySymbol)context.Symbol;
        var type = property.ContainingType;
        if (type is null || type.IsAbstract || symbols.IsAudited(type))
        {
            return;
        }

        Report(context, property, AuditingSymbols.Find(property, symbols.AuditIgnore), "AuditIgnore");
        Report(context, property, AuditingSymbols.Find(property, symbols.AuditMask), "AuditMask");
    }

    private static void Report(SymbolAnalysisContext context, IPropertySymbol property, AttributeData? attribute, string attributeName)
    {
        if (attribute?.ApplicationSyntaxReference is { } reference)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.AuditAttributeOutsideAuditedClass,
                reference.GetSyntax(context.CancellationToken).GetLocation(),
                attributeName,
                property.Name,
                property.ContainingType.Name));
        }
    }
}
