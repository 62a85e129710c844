using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using ServerTools.Auditing;

namespace ServerTools.Tracking;

/// <summary>
/// Reads the messages a dispatcher locked (<see cref="OutboxSql.ClaimHeads"/>), one row at a time. What a
/// row holds is read by ServerTools, not materialized by EF Core, so that one row whose content this version cannot read
/// (an <c>Operation</c> it does not know, <c>Fields</c> that are not an array of field changes) is set aside with the
/// reason, while the rows around it are delivered.
/// </summary>
internal static class OutboxReader
{
    /// <summary>An operation name longer than this is cut in the reason: the column may hold anything written by hand.</summary>
    private const int MaxShownOperation = 40;

    /// <summary>
    /// The message of the reader's current row, or, when its content cannot be read, the reason: a text that names the
    /// column and what is wrong with it, and never a field's value. The columns that identify the message (id, entity
    /// type and key, attempts, sequence) are always read.
    /// </summary>
    public static (OutboxMessage Message, string? Unreadable) Read(DbDataReader reader, AuditLineJsonNames names)
    {
        var message = new OutboxMessage
        {
            Id = reader.GetGuid(0),
            EntityType = reader.GetString(1),
            EntityKey = reader.GetString(2),
            UserId = reader.IsDBNull(5) ? null : reader.GetString(5),
            UserName = reader.IsDBNull(6) ? null : reader.GetString(6),
            TenantId = reader.IsDBNull(7) ? null : reader.GetString(7),
            Timestamp = reader.GetFieldValue<DateTimeOffset>(8),
            State = OutboxState.Pending,
            Attempts = reader.GetInt32(9),
            NextAttemptAt = reader.GetFieldValue<DateTimeOffset>(10),
            Sequence = reader.GetInt64(11),
            HandledBy = reader.IsDBNull(12) ? null : [.. reader.GetFieldValue<string[]>(12)],
        };

        if (Operation(reader.GetString(3)) is not { } operation)
        {
            var shown = reader.GetString(3);
            shown = shown.Length > MaxShownOperation ? shown[..MaxShownOperation] + "..." : shown;
            return (message, $"its Operation '{shown}' is none of Create, Update and Delete (a row written by a newer version of ServerTools, or by hand)");
        }

        message.Operation = operation;
        if (reader.IsDBNull(4))
        {
            return (message, "its Fields column is null, where a JSON array of field changes belongs");
        }

        var unreadable = Fields(reader.GetString(4), names, message.Fields);
        return (message, unreadable);
    }

    private static TrackedOperation? Operation(string text) => text switch
    {
        nameof(TrackedOperation.Create) => TrackedOperation.Create,
        nameof(TrackedOperation.Update) => TrackedOperation.Update,
        nameof(TrackedOperation.Delete) => TrackedOperation.Delete,
        _ => null,
    };

    /// <summary>
    /// Reads <paramref name="json"/>, an array of objects with the field's name and its old and new value as strings or
    /// nulls under the model's JSON names, into <paramref name="fields"/>. Other properties are skipped. Returns why it
    /// cannot be read, in terms of JSON kinds and positions only, or null.
    /// </summary>
    private static string? Fields(string json, AuditLineJsonNames names, List<TrackedFieldChange> fields)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return $"its Fields column holds a JSON {Kind(reader.TokenType)} where an array of field changes belongs";
            }

            for (var item = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; item++)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return $"item {item} of its Fields is a JSON {Kind(reader.TokenType)} where an object belongs";
                }

                string? field = null, oldValue = null, newValue = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var target = reader.ValueTextEquals(names.Field.EncodedUtf8Bytes) ? 0
                        : reader.ValueTextEquals(names.OldValue.EncodedUtf8Bytes) ? 1
                        : reader.ValueTextEquals(names.NewValue.EncodedUtf8Bytes) ? 2
                        : -1;
                    var property = target switch { 0 => names.Field.Value, 1 => names.OldValue.Value, 2 => names.NewValue.Value, _ => null };
                    reader.Read();
                    if (target < 0)
                    {
                        reader.Skip();
                        continue;
                    }

                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                    {
                        return $"the '{property}' of item {item} of its Fields is a JSON {Kind(reader.TokenType)} where a string or null belongs";
                    }

                    var value = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    if (target == 0)
                    {
                        field = value;
                    }
                    else if (target == 1)
                    {
                        oldValue = value;
                    }
                    else
                    {
                        newValue = value;
                    }
                }

                if (field is null)
                {
                    return $"item {item} of its Fields has no '{names.Field.Value}' (the field's name; the model maps the JSON names " +
                           $"'{names.Field.Value}', '{names.OldValue.Value}' and '{names.NewValue.Value}')";
                }

                fields.Add(new TrackedFieldChange(field, oldValue, newValue));
            }

            return null;
        }
        catch (JsonException)
        {
            return "its Fields column is not valid JSON";
        }
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => "value",
    };
}
