using Microsoft.CodeAnalysis;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>Removes an item from a comma-separated list (arguments, array elements) the way a developer would.</summary>
internal static class SeparatedLists
{
    /// <summary>
    /// Removes <paramref name="item"/> with the comma after it, or before it when it is the last: then the new last item
    /// takes its trailing trivia, so that <c>{ a, b }</c> keeps the space before the brace.
    /// </summary>
    public static SeparatedSyntaxList<TNode> Remove<TNode>(SeparatedSyntaxList<TNode> list, TNode item)
        where TNode : SyntaxNode
    {
        var index = list.IndexOf(item);
        var removed = list.RemoveAt(index);
        if (index < list.Count - 1 || index == 0)
        {
            return removed;
        }

        var last = removed[index - 1];
        return removed.Replace(last, last.WithTrailingTrivia(last.GetTrailingTrivia().AddRange(item.GetTrailingTrivia())));
    }
}
