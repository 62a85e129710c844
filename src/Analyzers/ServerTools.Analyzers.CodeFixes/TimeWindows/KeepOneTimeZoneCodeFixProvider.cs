using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.TimeWindows;

namespace ServerTools.Analyzers.CodeFixes.TimeWindows;

/// <summary>
/// Fixes ST4003 with two actions, since only the developer knows which of the two was meant: remove
/// <c>TimeZoneProperty</c> (one time zone for every row) or remove <c>TimeZone</c> (each row's own time zone).
/// The argument goes with its comma; the other stays as it was written.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(KeepOneTimeZoneCodeFixProvider))]
[Shared]
public sealed class KeepOneTimeZoneCodeFixProvider : DiagnosticCodeFixProvider
{
    /// <summary>The equivalence key of the action that keeps TimeZone and removes TimeZoneProperty.</summary>
    public const string KeepTimeZone = "ServerTools.KeepTimeZone";

    /// <summary>The equivalence key of the action that keeps TimeZoneProperty and removes TimeZone.</summary>
    public const string KeepTimeZoneProperty = "ServerTools.KeepTimeZoneProperty";

    /// <summary>Creates the provider.</summary>
    public KeepOneTimeZoneCodeFixProvider()
        : base(DiagnosticDescriptors.TimeZoneGivenTwice)
    {
    }

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is not { ArgumentList: { } arguments })
        {
            return;
        }

        Register(context, diagnostic, root, arguments, TimeWindowsSymbols.TimeZoneProperty, "Keep TimeZone, remove TimeZoneProperty", KeepTimeZone);
        Register(context, diagnostic, root, arguments, TimeWindowsSymbols.TimeZone, "Keep TimeZoneProperty, remove TimeZone", KeepTimeZoneProperty);
    }

    private static void Register(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root, AttributeArgumentListSyntax arguments, string removed, string title, string equivalenceKey)
    {
        foreach (var argument in arguments.Arguments)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == removed)
            {
                RegisterFix(context, diagnostic, title, equivalenceKey, argument, static (root, node) => Remove(root, node));
                return;
            }
        }
    }

    private static SyntaxNode Remove(SyntaxNode root, AttributeArgumentSyntax argument)
    {
        var arguments = (AttributeArgumentListSyntax)argument.Parent!;
        return root.ReplaceNode(arguments, arguments.WithArguments(SeparatedLists.Remove(arguments.Arguments, argument)));
    }
}
