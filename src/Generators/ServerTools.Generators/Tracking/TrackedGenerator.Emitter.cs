using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Generators.Common;

namespace ServerTools.Generators.Tracking;

public sealed partial class TrackedGenerator
{
    /// <summary>Writes the source of one entity's hooks, typed fields and tracking descriptor.</summary>
    internal static class Emitter
    {
        private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";

        public static string Emit(TrackedEntitySpec entity)
        {
            var writer = new SourceWriter().FileHeader();
            var hierarchy = entity.Hierarchy;
            if (hierarchy.Namespace.Length > 0)
            {
                writer.OpenBlock("namespace " + hierarchy.Namespace);
            }

            foreach (var type in hierarchy.Types)
            {
                writer.OpenBlock("partial " + type.Keyword + " " + type.Name);
            }

            var typeName = hierarchy.Types[hierarchy.Types.Count - 1].Name;
            foreach (var field in entity.Fields)
            {
                writer.Line("partial void " + Parser.HookName(field.Name) + "(" + field.TypeName + " oldValue, " + field.TypeName + " newValue);");
            }

            writer
                .Line()
                .Line("/// <summary>The tracked fields of <see cref=\"" + typeName + "\"/>, for typed values from a <see cref=\"global::ServerTools.TrackedChange{T}\"/>.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .OpenBlock("public static " + (entity.HidesBaseFields ? "new " : "") + "class " + Parser.FieldsClass);

            for (var i = 0; i < entity.Fields.Count; i++)
            {
                var field = entity.Fields[i];
                if (i > 0)
                {
                    writer.Line();
                }

                var (format, parse) = Lambdas(field);
                writer
                    .Line("/// <summary>The tracked field <see cref=\"" + field.DeclaringType + "." + Identifier(field.Name) + "\"/>.</summary>")
                    .Line("public static global::ServerTools.Tracking.TrackedField<" + entity.FullyQualifiedName + ", " + field.TypeName + "> " + Identifier(field.Name) + " { get; } = new(")
                    .Line("    " + Literal(field.Name) + ",")
                    .Line("    " + format + ",")
                    .Line("    " + parse + ",")
                    .Line("    " + (field.HasHook ? "static (entity, oldValue, newValue) => entity." + Parser.HookName(field.Name) + "(oldValue, newValue)" : "null") + ");");
            }

            writer
                .CloseBlock()
                .Line()
                .Line("/// <summary>Registers the tracking descriptor of this entity with ServerTools when the assembly loads.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
                .Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
                .Line((entity.HidesBaseRegistration ? "internal static new void " : "internal static void ") + Parser.RegistrationMethod + "()")
                .Line("    => global::ServerTools.Tracking.TrackedDescriptors.Register(new global::ServerTools.Tracking.TrackedDescriptor<" + entity.FullyQualifiedName + ">(")
                .Line("        " + Literal(hierarchy.MetadataName) + ",")
                .Line("        (global::ServerTools.TrackedOperations)" + entity.Operations.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",");

            for (var i = 0; i < entity.Fields.Count; i++)
            {
                writer.Line("        " + Parser.FieldsClass + "." + Identifier(entity.Fields[i].Name) + (i == entity.Fields.Count - 1 ? "));" : ","));
            }

            for (var i = 0; i < hierarchy.Types.Count; i++)
            {
                writer.CloseBlock();
            }

            if (hierarchy.Namespace.Length > 0)
            {
                writer.CloseBlock();
            }

            return writer.ToString();
        }

        /// <summary>
        /// The format and parse lambdas of a field, exact inverses of each other: <c>Func&lt;TValue, string?&gt;</c> and
        /// <c>Func&lt;string, TValue&gt;</c>. A nullable value type formats its value when it has one and parses to it.
        /// </summary>
        private static (string Format, string Parse) Lambdas(TrackedFieldSpec field)
        {
            if (!field.IsNullableValueType)
            {
                return ("static value => " + Format(field, "value"), "static text => " + Parse(field));
            }

            var format = Format(field, "v");
            if (field.Kind == TrackedValueKind.Boolean)
            {
                format = "(" + format + ")";
            }

            return ("static value => value is { } v ? " + format + " : null", "static text => (" + field.TypeName + ")" + Parse(field));
        }

        /// <summary>The expression that writes <paramref name="value"/>, a non-null value of the field's core type, as text.</summary>
        private static string Format(TrackedFieldSpec field, string value) => field.Kind switch
        {
            TrackedValueKind.String => value,
            TrackedValueKind.Boolean => value + " ? \"true\" : \"false\"",
            TrackedValueKind.Char or TrackedValueKind.Enum => value + ".ToString()",
            TrackedValueKind.Number => value + ".ToString(" + Invariant + ")",
            TrackedValueKind.Timestamp => value + ".ToString(\"O\", " + Invariant + ")",
            TrackedValueKind.Date => value + ".ToString(\"yyyy-MM-dd\", " + Invariant + ")",
            TrackedValueKind.Time => value + ".ToString(\"HH:mm:ss.fffffff\", " + Invariant + ")",
            TrackedValueKind.Duration => value + ".ToString(\"c\", " + Invariant + ")",
            TrackedValueKind.Guid => value + ".ToString(\"D\")",
            TrackedValueKind.Bytes => value + " is null ? null : global::System.Convert.ToBase64String(" + value + ")",
            _ => throw new System.ArgumentOutOfRangeException(nameof(field), field.Kind, "Unknown value kind."),
        };

        /// <summary>The expression that reads <c>text</c>, written by <see cref="Format"/>, back as a value of the field's core type.</summary>
        private static string Parse(TrackedFieldSpec field) => field.Kind switch
        {
            TrackedValueKind.String => "text",
            TrackedValueKind.Boolean => "bool.Parse(text)",
            TrackedValueKind.Char => "text[0]",
            TrackedValueKind.Number => field.CoreTypeName + ".Parse(text, " + Invariant + ")",
            TrackedValueKind.Timestamp => field.CoreTypeName + ".Parse(text, " + Invariant + ", global::System.Globalization.DateTimeStyles.RoundtripKind)",
            TrackedValueKind.Date => field.CoreTypeName + ".ParseExact(text, \"yyyy-MM-dd\", " + Invariant + ")",
            TrackedValueKind.Time => field.CoreTypeName + ".ParseExact(text, \"HH:mm:ss.fffffff\", " + Invariant + ")",
            TrackedValueKind.Duration => field.CoreTypeName + ".ParseExact(text, \"c\", " + Invariant + ")",
            TrackedValueKind.Guid => field.CoreTypeName + ".Parse(text)",
            TrackedValueKind.Enum => "global::System.Enum.Parse<" + field.CoreTypeName + ">(text)",
            TrackedValueKind.Bytes => "global::System.Convert.FromBase64String(text)",
            _ => throw new System.ArgumentOutOfRangeException(nameof(field), field.Kind, "Unknown value kind."),
        };

        /// <summary>A property name as an identifier in generated code: a keyword is escaped (<c>@class</c>).</summary>
        private static string Identifier(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>A C# string literal. Names here are identifiers, so quoting is enough; escape defensively anyway.</summary>
        private static string Literal(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
