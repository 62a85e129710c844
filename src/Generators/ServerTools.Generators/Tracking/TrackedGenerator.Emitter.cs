using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Generators.Common;

namespace ServerTools.Generators.Tracking;

public sealed partial class TrackedGenerator
{
    /// <summary>Writes the source of one entity's hooks, typed fields and tracking descriptor.</summary>
    internal static class Emitter
    {
        private const string Formats = "global::ServerTools.Tracking.TrackedValueFormats.";

        public static string Emit(TrackedEntitySpec entity)
        {
            var writer = new SourceWriter().FileHeader().Suppress(entity.Suppressed);
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
                if (field.HookCollides || (entity.HooksOnly && !field.HasHook))
                {
                    continue;
                }

                WriteTyped(writer, field, "partial void " + Parser.HookName(field.Name) + "(" + field.TypeName + " oldValue, " + field.TypeName + " newValue);");
            }

            if (!entity.HooksOnly)
            {
                WriteMembers(writer, entity, typeName);
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

        /// <summary>Writes the typed fields class and the registration method of <paramref name="entity"/>.</summary>
        private static void WriteMembers(SourceWriter writer, TrackedEntitySpec entity, string typeName)
        {
            var hierarchy = entity.Hierarchy;
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

                WriteTyped(
                    writer,
                    field,
                    "/// <summary>The tracked field <see cref=\"" + field.DeclaringType + "." + Identifier(field.Name) + "\"/>.</summary>",
                    "public static global::ServerTools.Tracking.TrackedField<" + entity.FullyQualifiedName + ", " + field.TypeName + "> " + Identifier(field.Name) + " { get; } = new("
                    + Literal(field.Name) + ", "
                    + Format(field)
                    + (field.HasHook ? ", static (entity, oldValue, newValue) => entity." + Parser.HookName(field.Name) + "(oldValue, newValue));" : ");"));
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
        }

        /// <summary>
        /// Writes <paramref name="lines"/>, a declaration that names the field's type, in a disabled nullable context when the
        /// type is oblivious (<see cref="TrackedFieldSpec.IsOblivious"/>), and then enables it again for the rest of the file.
        /// </summary>
        private static void WriteTyped(SourceWriter writer, TrackedFieldSpec field, params string[] lines)
        {
            if (field.IsOblivious)
            {
                writer.Line("#nullable disable");
            }

            foreach (var line in lines)
            {
                writer.Line(line);
            }

            if (field.IsOblivious)
            {
                writer.Line("#nullable enable");
            }
        }

        /// <summary>The field's <c>TrackedValueFormat&lt;TValue&gt;</c>: a shared one of the runtime, none declared here.</summary>
        private static string Format(TrackedFieldSpec field)
        {
            var format = field.IsNullableValueType ? Formats + "Nullable(" + Formats + field.Format + ")" : Formats + field.Format;
            return field.IsMasked ? Formats + "Masked(" + format + ")" : format;
        }

        /// <summary>A property name as an identifier in generated code: a keyword is escaped (<c>@class</c>).</summary>
        private static string Identifier(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>A C# string literal. Names here are identifiers, so quoting is enough; escape defensively anyway.</summary>
        private static string Literal(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
