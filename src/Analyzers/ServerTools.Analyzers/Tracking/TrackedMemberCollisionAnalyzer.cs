using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2005: a member of a tracked class that a member the tracking generator adds would collide with, which would break
/// the build inside the generated file (CS0111, CS0102, CS0542, CS0756, or CS0108 for a visible member of a base class)
/// without saying what to do: the nested class <c>TrackedFields</c>, the method
/// <c>RegisterServerToolsTrackedDescriptor()</c>, and for each tracked property <c>X</c> of type <c>T</c> the hook
/// <c>partial void OnXChanged(T, T)</c>. The rule is <see cref="TrackedMembers"/>, the one the generator leaves those
/// members out by. Reported at the member when the class declares it, else at the class's name. Classes the generator
/// skips (ST0001, ST0002) get no members, and nothing collides.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrackedMemberCollisionAnalyzer : DiagnosticAnalyzer
{
    private const string FieldsClassText = "the nested class '" + TrackedMembers.FieldsClass + "' (its typed tracked fields)";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.TrackedMemberCollision];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start => LazySymbols.RegisterSymbolAction(start, TrackingSymbols.From, Analyze, SymbolKind.NamedType));
    }

    private static void Analyze(SymbolAnalysisContext context, TrackingSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !symbols.IsGenerated(type, context.CancellationToken))
        {
            return;
        }

        foreach (var member in TrackedMembers.WholeCollisions(type))
        {
            if (SymbolEqualityComparer.Default.Equals(member, type))
            {
                Report(context, type, null, $"is named '{TrackedMembers.FieldsClass}'", "a nested class", "rename the class");
            }
            else if (!SymbolEqualityComparer.Default.Equals(member.ContainingType, type))
            {
                var from = member.ContainingType.Name;
                Report(context, type, null, $"inherits '{TrackedMembers.FieldsClass}' from '{from}'", FieldsClassText, $"rename it in '{from}'");
            }
            else if (member.Name == TrackedMembers.FieldsClass)
            {
                Report(context, type, member, $"already declares '{TrackedMembers.FieldsClass}'", FieldsClassText, "rename it");
            }
            else
            {
                Report(context, type, member, $"already declares '{Display(member)}'", "its registration method", "rename it");
            }
        }

        foreach (var field in symbols.TrackedFields(type))
        {
            foreach (var member in TrackedMembers.HookCollisions(type, field, context.CancellationToken))
            {
                var hook = TrackedMembers.HookName(field.Name);
                var fieldType = field.Type.ToDisplayString(s_typeFormat);
                var declaration = $"partial void {hook}({fieldType} oldValue, {fieldType} newValue)";
                var generated = $"the change hook '{declaration}'";
                if (member is not IMethodSymbol method)
                {
                    Report(context, type, member, $"already declares '{hook}'", generated, "rename it");
                }
                else if (method.IsPartialDefinition)
                {
                    Report(context, type, member, $"declares the partial method '{Display(member)}' itself", generated,
                        "remove your declaration without a body (tracking declares the hook), and keep the one with the body");
                }
                else
                {
                    Report(context, type, member, $"already declares '{Display(member)}', which is not partial", generated,
                        $"make it the hook by declaring it '{declaration}' (no access modifier), or rename it");
                }
            }
        }
    }

    private static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, ISymbol? member, string what, string generated, string remedy)
    {
        var location = (member is not null && SymbolEqualityComparer.Default.Equals(member.ContainingType, type) ? SourceLocations.In(member, context.Compilation) : null)
                       ?? SourceLocations.In(type, context.Compilation);
        if (location is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TrackedMemberCollision, location, type.Name, what, generated, remedy));
        }
    }

    /// <summary>The member's name, with the parameter types of a method: <c>OnStateChanged(OrderState, OrderState)</c>.</summary>
    private static string Display(ISymbol member)
        => member is IMethodSymbol method
            ? member.Name + "(" + string.Join(", ", method.Parameters.Select(static p => p.Type.ToDisplayString(s_typeFormat))) + ")"
            : member.Name;
}
