using System;
using System.Collections.Generic;
using System.Text;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>A line diff (longest common subsequence) printed with <c>-</c>/<c>+</c> marks and two lines of context.</summary>
public static class TextDiff
{
    public static string Unified(string expected, string actual, int context = 2)
    {
        var a = expected.Replace("\r\n", "\n").Split('\n');
        var b = actual.Replace("\r\n", "\n").Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Mark, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', a[x++]));
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add(('+', b[y++]));
            }
            else
            {
                lines.Add(('-', a[x++]));
            }
        }

        var output = new StringBuilder();
        var lastPrinted = -1;
        for (var k = 0; k < lines.Count; k++)
        {
            var near = false;
            for (var d = Math.Max(0, k - context); d <= Math.Min(lines.Count - 1, k + context) && !near; d++)
            {
                near = lines[d].Mark != ' ';
            }

            if (!near)
            {
                continue;
            }

            if (lastPrinted >= 0 && k > lastPrinted + 1)
            {
                output.Append("  ...\n");
            }

            output.Append(lines[k].Mark).Append(' ').Append(lines[k].Text).Append('\n');
            lastPrinted = k;
        }

        return output.ToString();
    }
}
