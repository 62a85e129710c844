using Microsoft.CodeAnalysis;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.FuzzySearch;

/// <summary>
/// Generates, for every class marked <c>[FuzzySearchable]</c> or with properties marked <c>[FuzzySearchable]</c>, a static
/// class of queryable extensions (<c>FuzzySearch</c>, <c>FuzzySearchScored</c>, <c>FuzzySearchBy{Field}</c>) built from
/// <c>TrigramFunctions</c>, and registers the searchable fields with the runtime from a module initializer so that
/// <c>UseServerTools()</c> indexes them. Invalid input (a misspelt or non-string field, a generic or private class) is
/// skipped here and reported by the analyzers (ST3001-ST3006; ST0003 for a file-local class or a struct).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class FuzzySearchGenerator : IIncrementalGenerator
{
    /// <summary>Names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>A class marked <c>[FuzzySearchable]</c>, parsed; null when the class is skipped.</summary>
        public const string ParseClass = "FuzzySearch.ParseClass";

        /// <summary>
        /// A property marked <c>[FuzzySearchable]</c> (or a record's parameter marked <c>[property: FuzzySearchable]</c>), parsed
        /// to its class; null unless it stands for a class without the attribute.
        /// </summary>
        public const string ParseProperty = "FuzzySearch.ParseProperty";

        /// <summary>
        /// The searchable classes, one output each with the name of its file and of its extension class (unique in its
        /// namespace), ordered by metadata name.
        /// </summary>
        public const string Entities = "FuzzySearch.Entities";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var entities = MarkedClasses.Select(
            context,
            AttributeNames.FuzzySearchable,
            Parser.ParseClass,
            Parser.ParseProperty,
            static entity => entity.Hierarchy,
            "FuzzySearch",
            static models => GeneratedNames.UniqueClassNames(
                models,
                static entity => entity.Hierarchy,
                static entity => entity.ExtensionsClass,
                static (entity, name) => entity with { ExtensionsClass = name },
                Parser.ExtensionsSuffix),
            (Steps.ParseClass, Steps.ParseProperty, Steps.Entities));

        context.RegisterSourceOutput(
            entities,
            static (output, file) => output.AddSource(file.HintName, Emitter.Emit(file.Model)));
    }
}
