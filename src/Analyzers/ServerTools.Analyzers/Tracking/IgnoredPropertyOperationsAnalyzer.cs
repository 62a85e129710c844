using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Common;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Tracking;

/// <summary>
/// ST2007: <c>[Tracked(Operations = X)]</c> on a property of a class marked <c>[Tracked]</c> whose own Operations are not X.
/// The class's attribute decides what the entity delivers (<see cref="TrackedProperties.UnionOfFields"/> leaves such a
/// property's Operations out, as the generator does), so the property's is ignored. Reported at the <c>Operations = ...</c>
/// argument; the same Operations as the class's, or none, is not reported. A property of a class not marked
/// <c>[Tracked]</c> is not reported: there its Operations count, for its class and for the classes derived from it that
/// mark properties of their own and are not marked <c>[Tracked]</c> either (a <c>[Tracked]</c> derived class's own
/// Operations apply, as for its own properties).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class IgnoredPropertyOperationsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.PropertyOperationsIgnored];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start => LazySymbols.RegisterSymbolAction(start, TrackingSymbols.From, Analyze, SymbolKind.Property));
    }

    private static void Analyze(SymbolAnalysisContext context, TrackingSymbols symbols)
    {
        var property = (IPropertySymbol)context.Symbol;
        if (symbols.Find(property) is not { } propertyAttribute
            || propertyAttribute.NamedArguments.FirstOrDefault(static argument => argument.Key == "Operations").Value is not { Value: int asked, Type: INamedTypeSymbol enumType }
            || property.ContainingType is not { TypeKind: TypeKind.Class } type
            || symbols.Find(type) is not { } classAttribute)
        {
            return;
        }

        var applied = TrackedProperties.OperationsOf(classAttribute);
        if (asked == applied
            || propertyAttribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax { ArgumentList: { } arguments }
            || arguments.Arguments.FirstOrDefault(static argument => argument.NameEquals?.Name.Identifier.ValueText == "Operations") is not { } argument)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.PropertyOperationsIgnored,
            argument.GetLocation(),
            property.Name,
            type.Name,
            Describe(enumType, applied),
            Describe(enumType, asked)));
    }

    /// <summary>
    /// <paramref name="value"/> as code names it: the member of <paramref name="enumType"/> of that value
    /// (<c>TrackedOperations.All</c>), else its single-flag members joined with <c>|</c>, else the number cast.
    /// </summary>
    private static string Describe(INamedTypeSymbol enumType, int value)
    {
        var members = enumType.GetMembers().OfType<IFieldSymbol>().Where(static field => field.HasConstantValue && field.ConstantValue is int).ToList();
        if (members.FirstOrDefault(field => (int)field.ConstantValue! == value) is { } exact)
        {
            return enumType.Name + "." + exact.Name;
        }

        var names = new List<string>();
        var rest = value;
        foreach (var field in members)
        {
            var flag = (int)field.ConstantValue!;
            if (flag != 0 && (flag & (flag - 1)) == 0 && (rest & flag) == flag)
            {
                names.Add(enumType.Name + "." + field.Name);
                rest &= ~flag;
            }
        }

        return rest == 0 ? string.Join(" | ", names) : "(" + enumType.Name + ")" + value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
