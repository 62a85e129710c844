using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ServerTools.Analyzers.Common;
using ServerTools.Analyzers.Tracking;

namespace ServerTools.Analyzers.Auditing;

/// <summary>
/// ST1001 and ST2004: EF Core's <c>ExecuteUpdate</c>, <c>ExecuteDelete</c> and their async forms on an <c>[Audited]</c>
/// entity (ST1001) or a tracked one (ST2004), or one derived from it, change rows without the change tracker, so no
/// audit log is written, no hook runs and no subscriber hears of it. Reported where they are called, or made a delegate
/// from a method group, at the method's name.
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
        [DiagnosticDescriptors.BulkOperationBypassesAudit, DiagnosticDescriptors.BulkOperationBypassesTracking];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = LazySymbols.Of(start.Compilation, Symbols.From);
            start.RegisterOperationAction(
                operationContext =>
                {
                    if (symbols.Value is { } resolved)
                    {
                        Analyze(operationContext, resolved.Auditing, resolved.Tracking, resolved.BulkMethods);
                    }
                },
                OperationKind.Invocation,
                OperationKind.MethodReference);
        });
    }

    private static void Analyze(OperationAnalysisContext context, AuditingSymbols? auditing, TrackingSymbols? tracking, ImmutableHashSet<IMethodSymbol> bulkMethods)
    {
        // A call, or a method group made a delegate (Func<IQueryable<Partner>, int> purge = EntityFrameworkQueryableExtensions.ExecuteDelete),
        // which deletes as well when the delegate is called, wherever that is.
        var method = context.Operation is IInvocationOperation invocation ? invocation.TargetMethod : ((IMethodReferenceOperation)context.Operation).Method;
        if (!bulkMethods.Contains(method.OriginalDefinition) || method.TypeArguments.FirstOrDefault() is not INamedTypeSymbol entity)
        {
            return;
        }

        if (auditing?.IsAuditedOrDerived(entity) == true)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BulkOperationBypassesAudit, MethodNameLocation(context.Operation), method.Name, entity.Name));
        }

        if (tracking is not null && TrackedBy(tracking, entity, context.CancellationToken) is { } tracked && (!method.Name.StartsWith("ExecuteDelete", System.StringComparison.Ordinal) || DeliversDeletes(tracking, tracked)))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BulkOperationBypassesTracking, MethodNameLocation(context.Operation), method.Name, entity.Name));
        }
    }

    /// <summary>
    /// The class whose tracking <paramref name="entity"/> has: itself or its nearest base class with tracked fields that
    /// the generator writes code for (not a generic one, ...: ST0002), or null.
    /// </summary>
    private static INamedTypeSymbol? TrackedBy(TrackingSymbols tracking, INamedTypeSymbol entity, System.Threading.CancellationToken cancellationToken)
    {
        for (var type = entity; type is not null; type = type.BaseType)
        {
            if (tracking.IsGenerated(type, cancellationToken))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether deletes of <paramref name="tracked"/> reach subscribers: the operations it delivers
    /// (<see cref="TrackingSymbols.Operations"/>: its class attribute's, or those its tracked properties ask for) include
    /// Delete (4). A delete runs no hook, so a bulk delete of a type that delivers only updates (the default) loses nothing.
    /// </summary>
    private static bool DeliversDeletes(TrackingSymbols tracking, INamedTypeSymbol tracked)
        => (tracking.Operations(tracked) & 4) != 0;

    /// <summary>
    /// The method's name in <c>query.ExecuteDelete()</c>, <c>query?.ExecuteDelete()</c> or <c>ExecuteDelete(query)</c>, and
    /// in a method group (<c>EntityFrameworkQueryableExtensions.ExecuteDelete</c>, <c>query.ExecuteDelete</c>).
    /// </summary>
    private static Location MethodNameLocation(IOperation operation)
    {
        var expression = operation.Syntax is InvocationExpressionSyntax invocation ? invocation.Expression : operation.Syntax;
        var name = expression switch
        {
            MemberAccessExpressionSyntax memberAccess => memberAccess.Name,
            MemberBindingExpressionSyntax memberBinding => memberBinding.Name,
            SimpleNameSyntax simpleName => simpleName,
            _ => null,
        };
        return name?.Identifier.GetLocation() ?? operation.Syntax.GetLocation();
    }

    /// <summary>
    /// The auditing and tracking types and EF Core's bulk operations of one compilation, or null when it references neither
    /// auditing nor tracking, or has no bulk operation.
    /// </summary>
    private sealed record Symbols(AuditingSymbols? Auditing, TrackingSymbols? Tracking, ImmutableHashSet<IMethodSymbol> BulkMethods)
    {
        public static Symbols? From(Compilation compilation)
        {
            var auditing = AuditingSymbols.From(compilation);
            var tracking = TrackingSymbols.From(compilation);
            if ((auditing is null && tracking is null) || compilation.GetTypeByMetadataName(QueryableExtensions) is not { } extensions)
            {
                return null;
            }

            var bulkMethods = s_bulkMethodNames
                .SelectMany(name => extensions.GetMembers(name))
                .OfType<IMethodSymbol>()
                .ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            return bulkMethods.IsEmpty ? null : new Symbols(auditing, tracking, bulkMethods);
        }
    }
}
