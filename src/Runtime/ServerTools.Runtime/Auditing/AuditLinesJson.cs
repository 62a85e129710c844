using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ServerTools.Auditing;

/// <summary>
/// Writes the lines of one log as the JSON array EF reads back into <see cref="AuditLog.Lines"/>:
/// <c>[{"Field":"Name","OldValue":"a","NewValue":"b"}, ...]</c>, with the property names the model maps, as UTF-8,
/// the form PostgreSQL receives. One instance per batch: its buffer and writer are reused for every log.
/// </summary>
internal sealed class AuditLinesJson(AuditLineJsonNames names)
{
    // The text goes to a json or jsonb column, never into HTML: only what JSON itself requires is escaped.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private Utf8JsonWriter? _writer;

    /// <summary>The JSON of the lines of <paramref name="log"/>; valid until the next call, which reuses the buffer.</summary>
    public ReadOnlyMemory<byte> Write(PendingLog log)
    {
        var writer = Start();
        log.WriteLines(writer, names);
        return End(writer);
    }

    /// <summary>The JSON of <paramref name="lines"/>; valid until the next call, which reuses the buffer.</summary>
    public ReadOnlyMemory<byte> Write(IEnumerable<PendingLine> lines)
    {
        var writer = Start();
        WriteLines(writer, names, lines);
        return End(writer);
    }

    /// <summary>
    /// Writes <paramref name="lines"/> as objects of the array <paramref name="writer"/> is in. A null value is left
    /// out rather than written as <c>null</c>: EF reads a missing property as null, and SQL's <c>-&gt;&gt;</c> and
    /// <c>json_to_recordset</c> give NULL for both, so the text is shorter for the database to check and store.
    /// </summary>
    public static void WriteLines(Utf8JsonWriter writer, AuditLineJsonNames names, IEnumerable<PendingLine> lines)
    {
        foreach (var line in lines)
        {
            writer.WriteStartObject();
            writer.WriteString(names.Field, line.Field);
            if (line.OldValue is not null)
            {
                writer.WriteString(names.OldValue, line.OldValue);
            }

            if (line.NewValue is not null)
            {
                writer.WriteString(names.NewValue, line.NewValue);
            }

            writer.WriteEndObject();
        }
    }

    private Utf8JsonWriter Start()
    {
        _buffer.ResetWrittenCount();
        var writer = _writer ??= new Utf8JsonWriter(_buffer, s_options);
        writer.Reset(_buffer);
        writer.WriteStartArray();
        return writer;
    }

    private ReadOnlyMemory<byte> End(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.Flush();
        return _buffer.WrittenMemory;
    }
}
