using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1001: EF Core's <c>ExecuteUpdate</c>, <c>ExecuteDelete</c> and their async forms on an <c>[Audited]</c>
/// entity (or one derived from it) change rows without the change tracker, so no audit log is written.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BulkOperationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Where EF Core 10 declares the bulk operations (Microsoft.EntityFrameworkCore.dll; EF 7 to 9 had them in the relational assembly).</summary>
    private const string QueryableExtensions = "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions";

    private static readonly ImmutableArray<string> s_bulkMethodNames =
        ["ExecuteUpdate", "ExecuteUpdateAsync", "ExecuteDelete", "ExecuteDeleteAsync"];

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.BulkOperationBypassesAudit];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = AuditingSymbols.From(start.Compilation);
            var extensions = start.Compilation.GetTypeByMetadataName(QueryableExtensions);
            if (symbols is null || extensions is null)
            {
                return;
            }

            var bulkMethods = s_bulkMethodNames
                .SelectMany(name => extensions.GetMembers(name))
                .OfType<IMethodSymbol>()
                .ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            if (bulkMethods.IsEmpty)
            {
                return;
            }

            start.RegisterOperationAction(operationContext => Analyze(operationContext, symbols, bulkMethods), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, AuditingSymbols symbols, ImmutableHashSet<IMethodSymbol> bulkMethods)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (!bulkMethods.Contains(method.OriginalDefinition)
            || method.TypeArguments.FirstOrDefault() is not INamedTypeSymbol entity
            || !symbols.IsAuditedOrDerived(entity))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.BulkOperationBypassesAudit,
            MethodNameLocation(invocation),
            method.Name,
            entity.Name));
    }

    /// <summary>The method's name in <c>query.ExecuteDelete()</c>, <c>query?.ExecuteDelete()</c> or <c>ExecuteDelete(query)</c>.</summary>
    private static Location MethodNameLocation(IInvocationOperation invocation)
    {
        var name = (invocation.Syntax as InvocationExpressionSyntax)?.Expression switch
        {
            MemberAccessExpressionSyntax memberAccess => memberAccess.Name,
            MemberBindingExpressionSyntax memberBinding => memberBinding.Name,
            SimpleNameSyntax simpleName => simpleName,
            _ => null,
        };
        return name?.Identifier.GetLocation() ?? invocation.Syntax.GetLocation();
    }
}
