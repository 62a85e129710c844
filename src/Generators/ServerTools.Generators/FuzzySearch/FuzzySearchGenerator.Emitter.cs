using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.FuzzySearch;

public sealed partial class FuzzySearchGenerator
{
    /// <summary>Writes the source of one entity's search extensions and field registration.</summary>
    internal static class Emitter
    {
        private const string Query = "global::System.Linq.IQueryable";

        /// <summary>The generated class's <c>FuzzySearchQuery&lt;T&gt;</c>, which every method runs.</summary>
        private const string QueryField = "s_query";

        public static string Emit(FuzzySearchEntitySpec entity)
        {
            var writer = new SourceWriter().FileHeader().Suppress(entity.Suppressed);
            if (entity.Hierarchy.Namespace.Length > 0)
            {
                writer.OpenBlock("namespace " + entity.Hierarchy.Namespace);
            }

            var type = entity.FullyQualifiedName;
            var source = Query + "<" + type + ">";
            var hit = "global::ServerTools.FuzzySearchHit<" + type + ">";
            var names = entity.Fields.Select(static field => field.Name).ToList();
            var fieldList = names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[names.Count - 1];

            writer
                .Line("/// <summary>Typo-tolerant search over <see cref=\"" + type + "\"/> by " + fieldList + ", with pg_trgm on PostgreSQL and <see cref=\"global::ServerTools.Trigram\"/> in memory.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .ObsoleteAsError(entity.ObsoleteError)
                .OpenBlock((entity.IsPublic ? "public" : "internal") + " static class " + entity.ExtensionsClass);

            // One query object per entity type, built once: the methods share its fields' expressions instead of writing their own.
            writer
                .Line("private static readonly global::ServerTools.FuzzySearchQuery<" + type + "> " + QueryField + " = global::ServerTools.FuzzySearchQuery.For(");
            if (entity.TieBreaker is not null)
            {
                writer.Line("    static entity => entity." + Identifier(entity.TieBreaker) + ",");
            }

            for (var i = 0; i < entity.Fields.Count; i++)
            {
                var field = entity.Fields[i];
                writer.Line("    new global::ServerTools.FuzzySearchField<" + type + ">(static entity => entity." + Identifier(field.Name) + ", " + MatchAndWeight(field) + ")"
                            + (i == entity.Fields.Count - 1 ? ");" : ","));
            }

            writer
                .Line()
                .Line("/// <summary>")
                .Line("/// The entities whose " + fieldList + " matches <paramref name=\"term\"/> at <paramref name=\"threshold\"/> or better, best first.")
                .Line("/// A blank term, or one without letters or digits, finds nothing.")
                .Line("/// </summary>")
                .Line("/// <param name=\"source\">The entities to search.</param>")
                .Line("/// <param name=\"term\">What the user typed.</param>")
                .Line("/// <param name=\"threshold\">The least score of a match, greater than 0 and at most 1.</param>")
                .Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"term\"/> is null.</exception>")
                .Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"threshold\"/> is not greater than 0 and at most 1.</exception>")
                .Line("public static " + source + " FuzzySearch(this " + source + " source, string term, double threshold = 0.3)")
                .Line("    => " + QueryField + ".Search(source, term, threshold);")
                .Line()
                .Line("/// <summary>As <see cref=\"FuzzySearch\"/>, with each entity's score: the best of its fields' scores, each times the field's weight.</summary>")
                .Line("/// <inheritdoc cref=\"FuzzySearch\"/>")
                .Line("public static " + Query + "<" + hit + "> FuzzySearchScored(this " + source + " source, string term, double threshold = 0.3)")
                .Line("    => " + QueryField + ".Scored(source, term, threshold);");

            for (var i = 0; i < entity.Fields.Count; i++)
            {
                var field = entity.Fields[i];
                writer
                    .Line()
                    .Line("/// <summary>")
                    .Line("/// The entities whose " + field.Name + " matches <paramref name=\"term\"/> at <paramref name=\"threshold\"/> or better (" + Describe(field.Mode) + "), best first.")
                    .Line("/// </summary>")
                    .Line("/// <inheritdoc cref=\"FuzzySearch\"/>")
                    .Line("public static " + source + " FuzzySearchBy" + field.Name + "(this " + source + " source, string term, double threshold = " + DefaultThreshold(field.Mode) + ")")
                    .Line("    => " + QueryField + ".SearchBy(source, " + i.ToString(CultureInfo.InvariantCulture) + ", term, threshold);");
            }

            writer
                .Line()
                .Line("/// <summary>Registers the searchable fields of this entity with ServerTools when the assembly loads, so <c>UseServerTools()</c> indexes them.</summary>")
                .Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
                .Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
                .Line("internal static void RegisterServerToolsFuzzySearch()")
                .Line("    => global::ServerTools.FuzzySearchDescriptors.Register(")
                .Line("        typeof(" + type + "),");
            for (var i = 0; i < entity.Fields.Count; i++)
            {
                var field = entity.Fields[i];
                writer.Line("        new global::ServerTools.FuzzySearchField(\"" + field.Name + "\", " + MatchAndWeight(field) + ")"
                            + (i == entity.Fields.Count - 1 ? ");" : ","));
            }

            writer.CloseBlock();
            if (entity.Hierarchy.Namespace.Length > 0)
            {
                writer.CloseBlock();
            }

            return writer.ToString();
        }

        /// <summary>pg_trgm's default threshold of a comparison: what its operator uses when nothing else is set.</summary>
        private static string DefaultThreshold(int mode) => mode switch
        {
            FuzzySearchFields.WordSimilarity => "0.6",
            FuzzySearchFields.StrictWordSimilarity => "0.5",
            _ => "0.3",
        };

        private static string Describe(int mode) => mode switch
        {
            FuzzySearchFields.WordSimilarity => "word similarity: the term inside the text",
            FuzzySearchFields.StrictWordSimilarity => "strict word similarity: the term inside the text, on word boundaries",
            _ => "similarity of the whole value",
        };

        /// <summary>A field's comparison and weight, as both of its descriptions (the query's and the registration's) pass them.</summary>
        private static string MatchAndWeight(FuzzySearchFieldSpec field)
            => "global::ServerTools.TrigramMatch." + ModeName(field.Mode) + ", " + Number(field.Weight);

        private static string ModeName(int mode) => mode switch
        {
            FuzzySearchFields.WordSimilarity => "WordSimilarity",
            FuzzySearchFields.StrictWordSimilarity => "StrictWordSimilarity",
            _ => "Similarity",
        };

        private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

        private static string Identifier(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
