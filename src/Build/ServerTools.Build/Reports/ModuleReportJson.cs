using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ServerTools.Build.Json;
using ServerTools.Build.Lines;

namespace ServerTools.Build.Reports;

/// <summary>Writes and reads <c>module-report.json</c>.</summary>
public static class ModuleReportJson
{
    /// <summary>The report as indented JSON with "\n" line ends and a final newline.</summary>
    public static string Write(ModuleReport report)
    {
        if (report is null)
        {
            throw new ArgumentNullException(nameof(report));
        }

        var writer = new JsonWriter()
            .StartObject()
            .String("schema", ModuleReport.SchemaName)
            .String("module", report.Module)
            .String("project", report.Project)
            .String("targetFramework", report.TargetFramework)
            .String("configuration", report.Configuration)
            .Boolean("complete", report.Complete)
            .StringArray("notes", report.Notes)
            .StartArray("lines");
        foreach (var kind in report.Lines)
        {
            writer.StartObject().String("kind", kind.Kind);
            WriteCount(writer, kind.Count);
            writer.EndObject();
        }

        writer.EndArray().StartObject("generatedLines");
        WriteCount(writer, report.GeneratedLines);
        writer.EndObject()
            .StartObject("sourceGenerated")
            .Number("files", report.SourceGenerated.Files)
            .Number("lines", report.SourceGenerated.Lines)
            .EndObject()
            .StartArray("entities");
        foreach (var entity in report.Entities)
        {
            writer.StartObject()
                .String("type", entity.Type)
                .StringArray("features", entity.Features)
                .StringArray("rules", entity.Rules)
                .StringArray("contexts", entity.Contexts)
                .StringArray("baseTypes", entity.BaseTypes)
                .EndObject();
        }

        writer.EndArray().StartObject("features");
        foreach (var feature in report.Features)
        {
            writer.Number(feature.Key, feature.Value);
        }

        writer.EndObject().StartArray("rules");
        foreach (var rule in report.Rules)
        {
            writer.StartObject()
                .String("id", rule.Id)
                .String("severity", rule.Severity)
                .String("target", rule.Target)
                .StringArray("sets", rule.Sets)
                .String("class", rule.Class)
                .EndObject();
        }

        writer.EndArray().StartArray("diagnostics");
        foreach (var diagnostic in report.Diagnostics)
        {
            writer.StartObject()
                .String("id", diagnostic.Id)
                .String("severity", diagnostic.Severity)
                .Number("count", diagnostic.Count)
                .EndObject();
        }

        writer.EndArray()
            .StartObject("references")
            .StringArray("dotnet", report.References.Dotnet)
            .StringArray("serverTools", report.References.ServerTools);
        WritePackages(writer, "packages", report.References.Packages);
        writer.StringArray("projects", report.References.Projects);
        WritePackages(writer, "dotnetPackages", report.References.DotnetPackages);
        writer.EndObject()
            .EndObject();
        return writer.ToString();
    }

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    /// <exception cref="JsonFormatException">The text is not JSON, or not a module report.</exception>
    public static ModuleReport Read(string text)
    {
        var root = JsonReader.Parse(text);
        if (root.GetString("schema") != ModuleReport.SchemaName)
        {
            throw new JsonFormatException($"Not a module report: the schema is not \"{ModuleReport.SchemaName}\".");
        }

        var references = root.Get("references") ?? JsonValue.Null;
        var sourceGenerated = root.Get("sourceGenerated") ?? JsonValue.Null;
        return new ModuleReport
        {
            Module = root.GetString("module") ?? "",
            Project = root.GetString("project") ?? "",
            TargetFramework = root.GetString("targetFramework") ?? "",
            Configuration = root.GetString("configuration") ?? "",
            Complete = root.Get("complete")?.Text == "true",
            Notes = Strings(root.Get("notes")),
            Lines = Items(root.Get("lines")).Select(static l => new KindLines(l.GetString("kind") ?? "", ReadCount(l))).ToList(),
            GeneratedLines = ReadCount(root.Get("generatedLines") ?? JsonValue.Null),
            SourceGenerated = new SourceGenerated(Integer(sourceGenerated, "files"), Integer(sourceGenerated, "lines")),
            Entities = Items(root.Get("entities"))
                .Select(static e => new EntityEntry(e.GetString("type") ?? "", Strings(e.Get("features")), Strings(e.Get("rules")), Strings(e.Get("contexts")))
                {
                    BaseTypes = Strings(e.Get("baseTypes")),
                })
                .ToList(),
            Features = (root.Get("features") ?? JsonValue.Null).Members
                .Select(static f => new KeyValuePair<string, int>(f.Key, ToInteger(f.Value)))
                .ToList(),
            Rules = Items(root.Get("rules"))
                .Select(static r => new RuleEntry(r.GetString("id") ?? "", r.GetString("severity") ?? "", r.GetString("target") ?? "", Strings(r.Get("sets")), r.GetString("class") ?? ""))
                .ToList(),
            Diagnostics = Items(root.Get("diagnostics"))
                .Select(static d => new DiagnosticEntry(d.GetString("id") ?? "", d.GetString("severity") ?? "", Integer(d, "count")))
                .ToList(),
            References = new ReferenceGroups(
                Strings(references.Get("dotnet")),
                Strings(references.Get("serverTools")),
                ReadPackages(references.Get("packages")),
                Strings(references.Get("projects")))
            {
                DotnetPackages = ReadPackages(references.Get("dotnetPackages")),
            },
        };
    }

    private static void WritePackages(JsonWriter writer, string name, IReadOnlyList<PackageEntry> packages)
    {
        writer.StartArray(name);
        foreach (var package in packages)
        {
            writer.StartObject().String("name", package.Name).String("version", package.Version).EndObject();
        }

        writer.EndArray();
    }

    private static List<PackageEntry> ReadPackages(JsonValue? value) =>
        Items(value).Select(static p => new PackageEntry(p.GetString("name") ?? "", p.GetString("version") ?? "")).ToList();

    private static void WriteCount(JsonWriter writer, LineCount count) => writer
        .Number("files", count.Files)
        .Number("code", count.Code)
        .Number("comment", count.Comment)
        .Number("blank", count.Blank);

    private static LineCount ReadCount(JsonValue value) =>
        new(Integer(value, "files"), Integer(value, "code"), Integer(value, "comment"), Integer(value, "blank"));

    private static IReadOnlyList<JsonValue> Items(JsonValue? value) => value?.Items ?? [];

    private static List<string> Strings(JsonValue? value) =>
        Items(value).Where(static v => v.Kind == JsonKind.String).Select(static v => v.Text!).ToList();

    private static int Integer(JsonValue value, string name) => ToInteger(value.Get(name));

    private static int ToInteger(JsonValue? value) =>
        value is { Kind: JsonKind.Number } && int.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result) ? result : 0;
}
