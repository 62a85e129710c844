using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2005: a member of a tracked class that a member the tracking generator adds would collide with, which breaks the
/// build inside the generated file (CS0111, CS0102, CS0542, or CS0108 for a visible member of a base class) without
/// saying what to do: the nested class <c>TrackedFields</c>, the method <c>RegisterServerToolsTrackedDescriptor()</c>, and
/// for each tracked property <c>X</c> of type <c>T</c> the hook <c>partial void OnXChanged(T, T)</c>, with which an
/// ordinary method of those parameters, or another member of that name, collides (a partial method of that name is
/// ST2002's). Reported at the member when the class declares it, else at the class's name. Classes the generator skips
/// (ST0001, ST0002) get no members, and nothing collides.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrackedMemberCollisionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The nested class of the typed tracked fields (the generator's <c>TrackedGenerator.Parser.FieldsClass</c>).</summary>
    internal const string FieldsClass = "TrackedFields";

    /// <summary>The registration method (the generator's <c>TrackedGenerator.Parser.RegistrationMethod</c>).</summary>
    internal const string RegistrationMethod = "RegisterServerToolsTrackedDescriptor";

    private const string GeneratedCodeAttribute = "System.CodeDom.Compiler.GeneratedCodeAttribute";

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

        if (type.Name == FieldsClass)
        {
            Report(context, type, null, $"is named '{FieldsClass}'", "a nested class", "rename the class");
        }

        foreach (var member in type.GetMembers(FieldsClass))
        {
            if (IsWritten(member))
            {
                Report(context, type, member, $"already declares '{FieldsClass}'", $"the nested class '{FieldsClass}' (its typed tracked fields)", "rename it");
            }
        }

        foreach (var member in type.GetMembers(RegistrationMethod))
        {
            if (IsWritten(member) && member is not IMethodSymbol { Parameters.Length: > 0 })
            {
                Report(context, type, member, $"already declares '{Display(member)}'", "its registration method", "rename it");
            }
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(FieldsClass))
            {
                // A nested class of that name is the base class's generated one, which the generated class hides with 'new'.
                if (member is not ITypeSymbol && IsWritten(member) && InheritedMembers.IsVisible(member, type))
                {
                    Report(context, type, null, $"inherits '{FieldsClass}' from '{current.Name}'", $"the nested class '{FieldsClass}' (its typed tracked fields)", $"rename it in '{current.Name}'");
                }
            }
        }

        foreach (var field in symbols.TrackedFields(type))
        {
            var hook = "On" + field.Name + "Changed";
            foreach (var member in type.GetMembers(hook))
            {
                if (!IsWritten(member) || member is IMethodSymbol { IsPartialDefinition: true } or IMethodSymbol { PartialDefinitionPart: not null })
                {
                    continue;
                }

                var fieldType = field.Type.ToDisplayString(s_typeFormat);
                var generated = $"the change hook 'partial void {hook}({fieldType} oldValue, {fieldType} newValue)'";
                if (member is not IMethodSymbol method)
                {
                    Report(context, type, member, $"already declares '{hook}'", generated, "rename it");
                }
                else if (method is { Arity: 0, Parameters.Length: 2 }
                         && method.Parameters.All(parameter => parameter.RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(parameter.Type, field.Type)))
                {
                    Report(context, type, member, $"already declares '{Display(member)}', which is not partial", generated,
                        $"make it the hook by declaring it 'partial void {hook}({fieldType} oldValue, {fieldType} newValue)' (no access modifier), or rename it");
                }
            }
        }
    }

    /// <summary>True for a member written in source by the user: not implicitly declared, and not generated (<c>[GeneratedCode]</c>).</summary>
    private static bool IsWritten(ISymbol member)
        => !member.IsImplicitlyDeclared && !MetadataNames.HasAttribute(member, GeneratedCodeAttribute);

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
