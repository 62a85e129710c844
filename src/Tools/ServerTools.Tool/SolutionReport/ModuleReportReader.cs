using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ServerTools.Tool.SolutionReport;

/// <summary>Reads <c>module-report.json</c> files (schema <see cref="Schema"/>) into <see cref="ModuleReport"/>s.</summary>
public static class ModuleReportReader
{
    /// <summary>The schema this reader understands.</summary>
    public const string Schema = "servertools-module-report/1";

    // Reflection-based on purpose: the source-generated serializer sets every init-only property, so a property a
    // report leaves out would be null instead of its default (an older or newer writer may leave some out).
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
    };

    /// <summary>
    /// Reads every report found in <paramref name="paths"/>: a JSON file, or a folder whose <c>*.json</c> files
    /// (top level only) are all reports. Each file is read once; the result is ordered by module, then project.
    /// </summary>
    /// <exception cref="ReportInputException">A path is missing, or a file is not a report of <see cref="Schema"/>.</exception>
    public static IReadOnlyList<ModuleReport> ReadAll(IEnumerable<string> paths)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                files.UnionWith(Directory.EnumerateFiles(full, "*.json", SearchOption.TopDirectoryOnly));
            }
            else if (File.Exists(full))
            {
                files.Add(full);
            }
            else
            {
                throw new ReportInputException($"'{path}' does not exist. Give a module-report.json file or a folder that holds such files.");
            }
        }

        return Order(files.Select(Read));
    }

    /// <summary>Orders reports as every output lists them: by module, then by project path (ordinal).</summary>
    public static IReadOnlyList<ModuleReport> Order(IEnumerable<ModuleReport> reports) =>
        [.. reports.OrderBy(static report => report.Module, StringComparer.Ordinal).ThenBy(static report => report.Project, StringComparer.Ordinal)];

    /// <summary>Reads one report file.</summary>
    /// <exception cref="ReportInputException">The file cannot be read, is not JSON, or is not a report of <see cref="Schema"/>.</exception>
    public static ModuleReport Read(string file)
    {
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ReportInputException($"'{file}' cannot be read: {exception.Message}", exception);
        }

        return Parse(json, file);
    }

    /// <summary>Parses the text of a report; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="ReportInputException">The text is not JSON, or not a report of <see cref="Schema"/>.</exception>
    public static ModuleReport Parse(string json, string source)
    {
        try
        {
            using (var document = JsonDocument.Parse(json))
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("schema", out var schema)
                    || schema.ValueKind != JsonValueKind.String)
                {
                    throw new ReportInputException(
                        $"'{source}' has no \"schema\" property, so it is not a ServerTools module report. " +
                        $"Give the module-report.json files that the ServerTools build writes (schema \"{Schema}\").");
                }

                if (schema.GetString() != Schema)
                {
                    throw new ReportInputException(
                        $"'{source}' has schema \"{schema.GetString()}\", but this tool reads \"{Schema}\". " +
                        "Use the servertools tool of the same version as the ServerTools package that wrote the report.");
                }
            }

            var report = JsonSerializer.Deserialize<ModuleReport>(json, s_options)!;
            return string.IsNullOrWhiteSpace(report.Module)
                ? throw new ReportInputException($"'{source}' has an empty \"module\": every report names its module.")
                : report;
        }
        catch (JsonException exception)
        {
            throw new ReportInputException($"'{source}' is not a valid module report: {exception.Message}", exception);
        }
    }
}

