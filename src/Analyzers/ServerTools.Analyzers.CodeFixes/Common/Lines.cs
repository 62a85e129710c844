using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>Where lines begin, for fixes that add or remove an attribute list and keep the layout.</summary>
internal static class Lines
{
    /// <summary>True when <paramref name="token"/> is the first token on its line (or in the file).</summary>
    public static bool StartsLine(SyntaxToken token)
    {
        var previous = token.GetPreviousToken();
        return previous.IsKind(SyntaxKind.None)
               || previous.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia)
               || token.LeadingTrivia.Any(SyntaxKind.EndOfLineTrivia);
    }
}
