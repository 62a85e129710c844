using System;
using System.Globalization;
using System.Text;

namespace ServerTools.Build.Json;

/// <summary>
/// Writes indented JSON (two spaces, "\n" line ends) to a string. Strings are escaped as RFC 8259 asks; other
/// characters, non-ASCII included, are written as they are (the file is UTF-8).
/// </summary>
internal sealed class JsonWriter
{
    private readonly StringBuilder _builder = new();
    private int _depth;
    private bool _first = true;

    /// <summary>Starts an object, as a member when <paramref name="name"/> is given.</summary>
    public JsonWriter StartObject(string? name = null) => Start(name, '{');

    /// <summary>Ends the current object.</summary>
    public JsonWriter EndObject() => End('}');

    /// <summary>Starts an array, as a member when <paramref name="name"/> is given.</summary>
    public JsonWriter StartArray(string? name = null) => Start(name, '[');

    /// <summary>Ends the current array.</summary>
    public JsonWriter EndArray() => End(']');

    /// <summary>Writes a string (or <c>null</c>), as a member when <paramref name="name"/> is given.</summary>
    public JsonWriter String(string? name, string? value)
    {
        Prefix(name);
        if (value is null)
        {
            _builder.Append("null");
        }
        else
        {
            WriteEscaped(_builder, value);
        }

        return this;
    }

    /// <summary>Writes an integer, as a member when <paramref name="name"/> is given.</summary>
    public JsonWriter Number(string? name, long value)
    {
        Prefix(name);
        _builder.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Writes a boolean, as a member when <paramref name="name"/> is given.</summary>
    public JsonWriter Boolean(string? name, bool value)
    {
        Prefix(name);
        _builder.Append(value ? "true" : "false");
        return this;
    }

    /// <summary>An array of strings on one line, as a member when <paramref name="name"/> is given.</summary>
    public JsonWriter StringArray(string? name, System.Collections.Generic.IEnumerable<string> values)
    {
        Prefix(name);
        _builder.Append('[');
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                _builder.Append(", ");
            }

            WriteEscaped(_builder, value);
            first = false;
        }

        _builder.Append(']');
        return this;
    }

    /// <summary>The JSON written so far, with a final newline.</summary>
    public override string ToString() => _builder.ToString() + "\n";

    /// <summary>Appends <paramref name="value"/> as a JSON string literal.</summary>
    public static void WriteEscaped(StringBuilder builder, string value)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    var pairedSurrogate = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
                    if (pairedSurrogate)
                    {
                        builder.Append(c).Append(value[++i]);
                    }
                    else if (c < ' ' || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
                    {
                        // Control characters must be escaped; a lone surrogate has no UTF-8 form, and U+2028/9 break JavaScript.
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private JsonWriter Start(string? name, char bracket)
    {
        Prefix(name);
        _builder.Append(bracket);
        _depth++;
        _first = true;
        return this;
    }

    private JsonWriter End(char bracket)
    {
        _depth--;
        if (!_first)
        {
            NewLine();
        }

        _builder.Append(bracket);
        _first = false;
        return this;
    }

    private void Prefix(string? name)
    {
        if (_depth > 0)
        {
            if (!_first)
            {
                _builder.Append(',');
            }

            NewLine();
        }

        _first = false;
        if (name is not null)
        {
            WriteEscaped(_builder, name);
            _builder.Append(": ");
        }
    }

    private void NewLine() => _builder.Append('\n').Append(' ', _depth * 2);
}
