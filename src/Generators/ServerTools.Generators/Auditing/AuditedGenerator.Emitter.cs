using System.Collections.Generic;
using ServerTools.Generators.Common;

namespace ServerTools.Generators.Auditing;

public sealed partial class AuditedGenerator
{
    /// <summary>Writes the source of one entity's audit descriptor.</summary>
    internal static class Emitter
    {
        public static string Emit(AuditedEntitySpec entity)
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

            var descriptor = "global::ServerTools.Auditing.AuditDescriptor<" + entity.FullyQualifiedName + ">";
            const string field = "global::ServerTools.Auditing.AuditField";
            writer
                .Line("/// <summary>Registers the audit descriptor of this entity with ServerTools when the assembly loads.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
                .Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
                .OpenBlock((entity.HidesBaseRegistration ? "internal static new void " : "internal static void ") + Parser.RegistrationMethod + "()")
                .Line("global::ServerTools.Auditing.AuditDescriptors.Register(new " + descriptor + "(")
                .Line("    " + Literal(hierarchy.MetadataName) + ",")
                .Line("    (global::ServerTools.AuditMode)" + entity.Mode.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",")
                .Line("    (global::ServerTools.AuditOperations)" + entity.Operations.ToString(System.Globalization.CultureInfo.InvariantCulture) + (entity.Fields.Count > 0 ? "," : ")" + Navigations(entity) + ");"));

            for (var i = 0; i < entity.Fields.Count; i++)
            {
                var f = entity.Fields[i];
                var end = i == entity.Fields.Count - 1 ? ")" + Navigations(entity) + ");" : ",";
                writer.Line("    new " + field + "(" + Literal(f.Name) + ", " + (f.IsMasked ? "true" : "false") + ")" + end);
            }

            writer.CloseBlock();
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

        /// <summary>The initializer of the descriptor's navigation lists, when the class has any (nothing otherwise).</summary>
        private static string Navigations(AuditedEntitySpec entity)
        {
            var assignments = new List<string>(2);
            if (entity.IgnoredNavigations.Count > 0)
            {
                assignments.Add("IgnoredNavigations = " + Strings(entity.IgnoredNavigations));
            }

            if (entity.MaskedNavigations.Count > 0)
            {
                assignments.Add("MaskedNavigations = " + Strings(entity.MaskedNavigations));
            }

            return assignments.Count == 0 ? "" : " { " + string.Join(", ", assignments) + " }";
        }

        private static string Strings(EquatableArray<string> values)
        {
            var literals = new List<string>(values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                literals.Add(Literal(values[i]));
            }

            return "new string[] { " + string.Join(", ", literals) + " }";
        }

        /// <summary>A C# string literal. Names here are identifiers, so quoting is enough; escape defensively anyway.</summary>
        private static string Literal(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
