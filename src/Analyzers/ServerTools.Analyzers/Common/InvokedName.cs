using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Analyzers.Common;

/// <summary>The name of the method a call names, as written: a syntax test, before any binding.</summary>
internal static class InvokedName
{
    /// <summary>The name in <c>x.M()</c>, <c>x?.M()</c>, <c>M()</c> and <c>M&lt;T&gt;()</c>, or null for a call of anything else (<c>f()()</c>).</summary>
    public static string? Of(InvocationExpressionSyntax invocation)
    {
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name,
            MemberBindingExpressionSyntax binding => binding.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };
        return name?.Identifier.ValueText;
    }
}
