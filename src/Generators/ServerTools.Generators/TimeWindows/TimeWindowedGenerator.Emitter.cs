using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Generators.Common;

namespace ServerTools.Generators.TimeWindows;

public sealed partial class TimeWindowedGenerator
{
    /// <summary>Writes the source of one entity's opening-hours members and its <c>WhereOpenAt</c>.</summary>
    internal static class Emitter
    {
        private const string Instant = "global::System.DateTimeOffset";
        private const string Schedule = "global::ServerTools.TimeWindowSchedule";
        private const string List = "global::System.Collections.Generic.List";
        private const string CacheField = "__timeWindowSchedule";
        private const string CacheType = "__TimeWindowScheduleCache";

        public static string Emit(TimeWindowedEntitySpec entity)
        {
            var writer = new SourceWriter().FileHeader().Suppress(entity.Suppressed);
            var hierarchy = entity.Hierarchy;
            if (hierarchy.Namespace.Length > 0)
            {
                writer.OpenBlock("namespace " + hierarchy.Namespace);
            }

            for (var i = 0; i < hierarchy.Types.Count; i++)
            {
                var type = hierarchy.Types[i];
                writer.OpenBlock("partial " + type.Keyword + " " + type.Name + (i == hierarchy.Types.Count - 1 ? " : global::ServerTools.ITimeWindowed" : ""));
            }

            WriteMembers(writer, entity);
            for (var i = 0; i < hierarchy.Types.Count; i++)
            {
                writer.CloseBlock();
            }

            writer.Line();
            WriteExtensions(writer, entity);
            if (hierarchy.Namespace.Length > 0)
            {
                writer.CloseBlock();
            }

            return writer.ToString();
        }

        private static void WriteMembers(SourceWriter writer, TimeWindowedEntitySpec entity)
        {
            var zone = entity.TimeZoneProperty is { } property ? Identifier(property) : Literal(entity.TimeZone!);
            var cache = entity.IsRecord ? CacheField + ".Value" : CacheField;
            writer.Line(GeneratorInfo.GeneratedCodeAttribute);
            if (entity.IsRecord)
            {
                WriteRecordCache(writer);
            }
            else
            {
                writer.Line("private " + Schedule + "? " + CacheField + ";");
            }

            writer
                .Line()
                .Line("/// <summary>The weekly opening windows, in the entity's time zone.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .Line("public " + List + "<global::ServerTools.TimeWindow> TimeWindows { get; set; } = new();")
                .Line()
                .Line("/// <summary>The dated exceptions to the weekly windows (closed dates, special hours), in the entity's time zone.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .Line("public " + List + "<global::ServerTools.SpecialDay> SpecialDays { get; set; } = new();")
                .Line()
                .Line("/// <summary>The schedule of <see cref=\"TimeWindows\"/> and <see cref=\"SpecialDays\"/> in the entity's time zone; compiled once and reused until they change.</summary>")
                .Line("/// <exception cref=\"global::System.TimeZoneNotFoundException\">The time zone id is not a known IANA id.</exception>")
                .Line("/// <exception cref=\"global::System.ArgumentException\">The special days contradict each other, or an element is null.</exception>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .Line("public " + Schedule + " GetTimeWindowSchedule()")
                .Line("    => " + Schedule + ".For(ref " + cache + ", TimeWindows, SpecialDays, " + zone + ", " + Literal(entity.DisplayName) + ");");
            WriteMethod(
                writer,
                entity,
                "IsOpenAt",
                ["/// <summary>True when the entity is open at <paramref name=\"instant\"/>, in the entity's time zone.</summary>",
                 "/// <param name=\"instant\">The instant asked about.</param>"],
                ["public bool IsOpenAt(" + Instant + " instant) => GetTimeWindowSchedule().IsOpenAt(instant);"]);
            WriteMethod(
                writer,
                entity,
                "NextOpening",
                ["/// <summary>The first opening at or after <paramref name=\"instant\"/>, in the entity's time zone; null when there is none.</summary>",
                 "/// <param name=\"instant\">The instant to search from.</param>"],
                ["public " + Instant + "? NextOpening(" + Instant + " instant) => GetTimeWindowSchedule().NextOpening(instant);"]);
            WriteMethod(
                writer,
                entity,
                "NextClosing",
                ["/// <summary>The first closing at or after <paramref name=\"instant\"/>, in the entity's time zone; null when there is none.</summary>",
                 "/// <param name=\"instant\">The instant to search from.</param>"],
                ["public " + Instant + "? NextClosing(" + Instant + " instant) => GetTimeWindowSchedule().NextClosing(instant);"]);
            WriteMethod(
                writer,
                entity,
                "OpenIntervals",
                ["/// <summary>The intervals during which the entity is open between <paramref name=\"from\"/> and <paramref name=\"to\"/>, in the entity's time zone.</summary>",
                 "/// <param name=\"from\">The start of the period.</param>",
                 "/// <param name=\"to\">The end of the period.</param>"],
                ["public global::System.Collections.Generic.IReadOnlyList<global::ServerTools.OpenInterval> OpenIntervals(" + Instant + " from, " + Instant + " to)",
                 "    => GetTimeWindowSchedule().OpenIntervals(from, to);"]);
        }

        /// <summary>
        /// Writes the generated method <paramref name="name"/> after a blank line, its documentation and attribute first,
        /// unless the class has a member that collides with it (ST4004), which then takes its place
        /// (<see cref="TimeWindowedEntitySpec.LeftOut"/>).
        /// </summary>
        private static void WriteMethod(SourceWriter writer, TimeWindowedEntitySpec entity, string name, string[] documentation, string[] declaration)
        {
            foreach (var leftOut in entity.LeftOut)
            {
                if (leftOut == name)
                {
                    return;
                }
            }

            writer.Line();
            foreach (var line in documentation)
            {
                writer.Line(line);
            }

            writer.Line(GeneratorInfo.GeneratedCodeAttribute);
            foreach (var line in declaration)
            {
                writer.Line(line);
            }
        }

        /// <summary>
        /// The cache field of a record: a record's value equality compares all its instance fields, so the schedule is held
        /// in a struct that is equal to any other. Two records equal but for a compiled schedule stay equal, and a record's
        /// hash code does not change when its schedule is compiled.
        /// </summary>
        private static void WriteRecordCache(SourceWriter writer)
            => writer
                .Line("private " + CacheType + " " + CacheField + ";")
                .Line()
                .Line("/// <summary>Holds the compiled schedule outside the record's value equality: equal to any other.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .OpenBlock("private struct " + CacheType + " : global::System.IEquatable<" + CacheType + ">")
                .Line("public " + Schedule + "? Value;")
                .Line()
                .Line("public bool Equals(" + CacheType + " other) => true;")
                .Line()
                .Line("public override bool Equals(object? obj) => obj is " + CacheType + ";")
                .Line()
                .Line("public override int GetHashCode() => 0;")
                .CloseBlock();

        private static void WriteExtensions(SourceWriter writer, TimeWindowedEntitySpec entity)
        {
            // Generic over the class and those derived from it, so that a query of a derived class keeps its type
            // (db.MallKiosks.WhereOpenAt(t) is an IQueryable<MallKiosk>); a sealed class cannot be a constraint.
            var element = entity.IsSealed ? entity.FullyQualifiedName : "TEntity";
            var source = "global::System.Linq.IQueryable<" + element + ">";
            var zone = entity.TimeZoneProperty is { } property ? "entity." + Identifier(property) : Literal(entity.TimeZone!);
            writer
                .Line("/// <summary>Queries over the opening hours of <see cref=\"" + entity.FullyQualifiedName + "\"/>.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .ObsoleteAsError(entity.IsObsoleteError ? entity.DisplayName : null)
                .OpenBlock((entity.IsPublic ? "public" : "internal") + " static class " + entity.ExtensionsClass)
                .Line("/// <summary>The rows open at <paramref name=\"instant\"/>, each in its own time zone; translated to SQL on PostgreSQL.</summary>");
            if (!entity.IsSealed)
            {
                writer.Line("/// <typeparam name=\"TEntity\">The type of the rows: <see cref=\"" + entity.FullyQualifiedName + "\"/> or a class derived from it, which the result keeps.</typeparam>");
            }

            writer
                .Line("/// <param name=\"source\">The entities to filter.</param>")
                .Line("/// <param name=\"instant\">The instant asked about, between the years 0002 and 9998.</param>")
                .Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"source\"/> is null.</exception>")
                .Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"instant\"/> is outside the years 0002 to 9998.</exception>");
            if (entity.IsSealed)
            {
                writer.OpenBlock("public static " + source + " WhereOpenAt(this " + source + " source, " + Instant + " instant)");
            }
            else
            {
                writer
                    .Line("public static " + source + " WhereOpenAt<TEntity>(this " + source + " source, " + Instant + " instant)")
                    .OpenBlock("    where TEntity : " + entity.FullyQualifiedName);
            }

            writer
                .Line("global::System.ArgumentNullException.ThrowIfNull(source);")
                .Line("var clockReadings = global::ServerTools.TimeWindowQuery.ClockReadings(instant);")
                .Line("return global::System.Linq.Queryable.Where(source, entity => global::ServerTools.TimeWindowQuery.IsOpen(entity, " + zone + ", clockReadings));")
                .CloseBlock()
                .CloseBlock();
        }

        private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

        private static string Identifier(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
