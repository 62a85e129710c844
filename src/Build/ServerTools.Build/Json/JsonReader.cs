using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ServerTools.Build.Json;

/// <summary>The text is not valid JSON; the message says where.</summary>
public sealed class JsonFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JsonFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JsonFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public JsonFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>A strict JSON (RFC 8259) parser into <see cref="JsonValue"/>.</summary>
internal sealed class JsonReader
{
    private const int MaxDepth = 256;

    private readonly string _text;
    private int _position;

    private JsonReader(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/>, which must hold exactly one JSON value (a leading BOM is allowed).</summary>
    /// <exception cref="JsonFormatException">The text is not valid JSON.</exception>
    public static JsonValue Parse(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var reader = new JsonReader(text);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            reader._position = 1;
        }

        var value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._position != text.Length)
        {
            throw reader.Error("unexpected text after the JSON value");
        }

        return value;
    }

    private JsonValue ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("nested too deeply");
        }

        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error("unexpected end of the text");
        }

        switch (_text[_position])
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                return JsonValue.String(ReadString());
            case 't':
                Expect("true");
                return JsonValue.Boolean(true);
            case 'f':
                Expect("false");
                return JsonValue.Boolean(false);
            case 'n':
                Expect("null");
                return JsonValue.Null;
            default:
                return ReadNumber();
        }
    }

    private JsonValue ReadObject(int depth)
    {
        _position++;
        var members = new List<KeyValuePair<string, JsonValue>>();
        SkipWhitespace();
        if (Peek() == '}')
        {
            _position++;
            return JsonValue.Object(members);
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("expected a member name in quotes");
            }

            var name = ReadString();
            SkipWhitespace();
            if (Peek() != ':')
            {
                throw Error("expected ':' after a member name");
            }

            _position++;
            members.Add(new KeyValuePair<string, JsonValue>(name, ReadValue(depth + 1)));
            SkipWhitespace();
            var next = Peek();
            _position++;
            if (next == '}')
            {
                return JsonValue.Object(members);
            }

            if (next != ',')
            {
                _position--;
                throw Error("expected ',' or '}' in an object");
            }
        }
    }

    private JsonValue ReadArray(int depth)
    {
        _position++;
        var items = new List<JsonValue>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _position++;
            return JsonValue.Array(items);
        }

        while (true)
        {
            items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            var next = Peek();
            _position++;
            if (next == ']')
            {
                return JsonValue.Array(items);
            }

            if (next != ',')
            {
                _position--;
                throw Error("expected ',' or ']' in an array");
            }
        }
    }

    private string ReadString()
    {
        _position++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("unterminated string");
            }

            var c = _text[_position++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c < ' ')
            {
                _position--;
                throw Error("control character in a string (must be escaped)");
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (_position >= _text.Length)
            {
                throw Error("unterminated string");
            }

            var escape = _text[_position++];
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("invalid \\u escape");
                    }

                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    _position--;
                    throw Error($"invalid escape '\\{escape}'");
            }
        }
    }

    private JsonValue ReadNumber()
    {
        var start = _position;
        if (Peek() == '-')
        {
            _position++;
        }

        if (!ReadDigits())
        {
            throw Error("expected a value");
        }

        if (Peek() == '.')
        {
            _position++;
            if (!ReadDigits())
            {
                throw Error("expected digits after '.'");
            }
        }

        if (Peek() is 'e' or 'E')
        {
            _position++;
            if (Peek() is '+' or '-')
            {
                _position++;
            }

            if (!ReadDigits())
            {
                throw Error("expected digits in the exponent");
            }
        }

        return JsonValue.Number(_text.Substring(start, _position - start));
    }

    private bool ReadDigits()
    {
        var start = _position;
        while (_position < _text.Length && _text[_position] is >= '0' and <= '9')
        {
            _position++;
        }

        return _position > start;
    }

    private void Expect(string literal)
    {
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
        {
            throw Error("expected a value");
        }

        _position += literal.Length;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    private JsonFormatException Error(string problem)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < _position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new JsonFormatException(string.Format(CultureInfo.InvariantCulture, "Invalid JSON at line {0}, column {1}: {2}.", line, column, problem));
    }
}
