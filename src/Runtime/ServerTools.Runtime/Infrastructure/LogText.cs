using System.Linq;

namespace ServerTools.Infrastructure;

/// <summary>Text ServerTools did not write (read from a row, quoted from a database error) as logs and messages show it.</summary>
internal static class LogText
{
    /// <summary>
    /// <paramref name="text"/> with its control characters as <c>?</c>: a row written around ServerTools (an outbox row's
    /// entity type, a time zone id that PostgreSQL's error quotes) could hold them to forge lines of a plain-text log.
    /// </summary>
    public static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
