using System.Collections.Generic;

namespace ServerTools.Build.Json;

/// <summary>The kind of a <see cref="JsonValue"/>.</summary>
internal enum JsonKind
{
    /// <summary><c>null</c>.</summary>
    Null,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A number, kept as its text.</summary>
    Number,

    /// <summary>A string.</summary>
    String,

    /// <summary>An array.</summary>
    Array,

    /// <summary>An object; its members keep their order.</summary>
    Object,
}

/// <summary>
/// A parsed JSON value: the small document model <see cref="JsonReader"/> produces. netstandard2.0 has no
/// System.Text.Json without extra assemblies, which MSBuild may fail to load next to its own copies.
/// </summary>
internal sealed class JsonValue
{
    private static readonly IReadOnlyList<JsonValue> s_noItems = [];
    private static readonly IReadOnlyList<KeyValuePair<string, JsonValue>> s_noMembers = [];

    private JsonValue(JsonKind kind, string? text, IReadOnlyList<JsonValue>? items, IReadOnlyList<KeyValuePair<string, JsonValue>>? members)
    {
        Kind = kind;
        Text = text;
        Items = items ?? s_noItems;
        Members = members ?? s_noMembers;
    }

    /// <summary>The <c>null</c> value.</summary>
    public static JsonValue Null { get; } = new(JsonKind.Null, null, null, null);

    /// <summary>The kind of value.</summary>
    public JsonKind Kind { get; }

    /// <summary>The string's value, the number's text, or "true"/"false"; <see langword="null"/> otherwise.</summary>
    public string? Text { get; }

    /// <summary>The items of an array (empty for other kinds).</summary>
    public IReadOnlyList<JsonValue> Items { get; }

    /// <summary>The members of an object in document order (empty for other kinds).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonValue>> Members { get; }

    /// <summary>Creates a string value.</summary>
    public static JsonValue String(string value) => new(JsonKind.String, value, null, null);

    /// <summary>Creates a number value from its JSON text.</summary>
    public static JsonValue Number(string text) => new(JsonKind.Number, text, null, null);

    /// <summary>Creates a boolean value.</summary>
    public static JsonValue Boolean(bool value) => new(JsonKind.Boolean, value ? "true" : "false", null, null);

    /// <summary>Creates an array.</summary>
    public static JsonValue Array(IReadOnlyList<JsonValue> items) => new(JsonKind.Array, null, items, null);

    /// <summary>Creates an object.</summary>
    public static JsonValue Object(IReadOnlyList<KeyValuePair<string, JsonValue>> members) => new(JsonKind.Object, null, null, members);

    /// <summary>The value of the member <paramref name="name"/> of an object (the last one when repeated), or <see langword="null"/>.</summary>
    public JsonValue? Get(string name)
    {
        JsonValue? found = null;
        foreach (var member in Members)
        {
            if (string.Equals(member.Key, name, System.StringComparison.Ordinal))
            {
                found = member.Value;
            }
        }

        return found;
    }

    /// <summary>The string value of the member <paramref name="name"/>, or <see langword="null"/> when it is missing or not a string.</summary>
    public string? GetString(string name)
    {
        var value = Get(name);
        return value is { Kind: JsonKind.String } ? value.Text : null;
    }
}
