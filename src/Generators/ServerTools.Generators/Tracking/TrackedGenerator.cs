using Microsoft.CodeAnalysis;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.Tracking;

/// <summary>
/// Generates, for every partial class or record marked <c>[Tracked]</c> or with properties marked <c>[Tracked]</c>, a
/// <c>partial void On{Name}Changed</c> hook per tracked property, the typed <c>TrackedFields</c>, and the tracking
/// descriptor, registered with the runtime from a module initializer. Invalid input (a class that is not partial,
/// a generic or file-local class, a struct, no trackable property) is skipped here and reported by the analyzers.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class TrackedGenerator : IIncrementalGenerator
{
    /// <summary>
    /// Names of the tracked pipeline steps, for incrementality tests. Like every <c>ForAttributeWithMetadataName</c>
    /// pipeline, they record no run on a compilation without <c>[Tracked]</c>, and the property step none on one
    /// without <c>[Tracked]</c> on a property.
    /// </summary>
    public static class Steps
    {
        /// <summary>A class marked <c>[Tracked]</c>, parsed; null when the class is skipped.</summary>
        public const string ParseClass = "Tracked.ParseClass";

        /// <summary>
        /// A property marked <c>[Tracked]</c> (or a record's parameter marked <c>[property: Tracked]</c>), parsed to its class;
        /// null unless it stands for a class without <c>[Tracked]</c>.
        /// </summary>
        public const string ParseProperty = "Tracked.ParseProperty";

        /// <summary>The classes that get tracking code, one output each with the name of its file, ordered by metadata name.</summary>
        public const string Entities = "Tracked.Entities";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var entities = MarkedClasses.Select(
            context,
            AttributeNames.Tracked,
            Parser.ParseClass,
            Parser.ParseProperty,
            static entity => entity.Hierarchy,
            "Tracked",
            names: null,
            (Steps.ParseClass, Steps.ParseProperty, Steps.Entities));

        context.RegisterSourceOutput(
            entities,
            static (output, file) => output.AddSource(file.HintName, Emitter.Emit(file.Model)));
    }
}
