using System;
using System.Collections.Generic;
using ServerTools.Build.Json;

namespace ServerTools.Build.Sarif;

/// <summary>The text is not a SARIF log this reader understands; the message says why.</summary>
public sealed class SarifFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SarifFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SarifFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SarifFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>
/// Reads the results of a SARIF log as the C# compiler writes it with <c>-errorlog</c>: version 2.1
/// (<c>ErrorLog=path,version=2.1</c>) or version 1 (the compiler's default).
/// </summary>
public static class SarifReader
{
    /// <summary>Reads every result of every run of <paramref name="text"/>.</summary>
    /// <exception cref="SarifFormatException">The text is not JSON, or not a SARIF log of version 1 or 2.</exception>
    public static IReadOnlyList<SarifResult> Read(string text)
    {
        JsonValue root;
        try
        {
            root = JsonReader.Parse(text);
        }
        catch (JsonFormatException e)
        {
            throw new SarifFormatException(e.Message, e);
        }

        if (root.Kind != JsonKind.Object)
        {
            throw new SarifFormatException("The log is not a JSON object.");
        }

        var version = root.GetString("version");
        var v1 = version is not null && version.StartsWith("1.", StringComparison.Ordinal);
        if (version is null || (!v1 && !version.StartsWith("2.", StringComparison.Ordinal)))
        {
            throw new SarifFormatException($"The log has no SARIF version 1 or 2 (\"version\": {(version is null ? "missing" : "\"" + version + "\"")}).");
        }

        var runs = root.Get("runs");
        if (runs is null || runs.Kind != JsonKind.Array)
        {
            throw new SarifFormatException("The log has no \"runs\" array.");
        }

        var results = new List<SarifResult>();
        foreach (var run in runs.Items)
        {
            var runResults = run.Get("results");
            if (runResults is null || runResults.Kind == JsonKind.Null)
            {
                continue;
            }

            if (runResults.Kind != JsonKind.Array)
            {
                throw new SarifFormatException("A run's \"results\" is not an array.");
            }

            foreach (var result in runResults.Items)
            {
                results.Add(v1 ? ReadV1(result) : ReadV2(result));
            }
        }

        return results;
    }

    private static SarifResult ReadV2(JsonValue result)
    {
        var ruleId = result.GetString("ruleId") ?? result.Get("rule")?.GetString("id") ?? "";
        // SARIF 2.1: a result without a level is a warning.
        var level = result.GetString("level") ?? "warning";
        var suppressed = false;
        var suppressions = result.Get("suppressions");
        if (suppressions is { Kind: JsonKind.Array })
        {
            foreach (var suppression in suppressions.Items)
            {
                var status = suppression.GetString("status");
                suppressed |= status is null || status == "accepted";
            }
        }

        return new SarifResult(ruleId, level, suppressed, CustomProperties(result));
    }

    private static SarifResult ReadV1(JsonValue result)
    {
        var ruleId = result.GetString("ruleId") ?? "";
        var level = result.GetString("level") ?? "warning";
        var suppressed = false;
        var states = result.Get("suppressionStates");
        if (states is { Kind: JsonKind.Array })
        {
            foreach (var state in states.Items)
            {
                suppressed |= state.Kind == JsonKind.String && state.Text!.StartsWith("suppressed", StringComparison.Ordinal);
            }
        }

        return new SarifResult(ruleId, level, suppressed, CustomProperties(result));
    }

    /// <summary><c>properties.customProperties</c>: where both versions of Roslyn's logger put <c>Diagnostic.Properties</c>.</summary>
    private static Dictionary<string, string> CustomProperties(JsonValue result)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var custom = result.Get("properties")?.Get("customProperties");
        if (custom is { Kind: JsonKind.Object })
        {
            foreach (var member in custom.Members)
            {
                properties[member.Key] = member.Value.Kind == JsonKind.Null ? "" : member.Value.Text ?? "";
            }
        }

        return properties;
    }
}
