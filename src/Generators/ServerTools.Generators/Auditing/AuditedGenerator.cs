using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.Auditing;

/// <summary>
/// Generates the audit descriptor of every <c>[Audited]</c> partial class or record and registers it with the
/// runtime from a module initializer. Invalid input (a class that is not partial, a generic or file-local class) is
/// skipped here and reported by the analyzers.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class AuditedGenerator : IIncrementalGenerator
{
    /// <summary>Names of the tracked pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>The parsed entity, or null when the class is skipped.</summary>
        public const string Parse = "Audited.Parse";

        /// <summary>The entities that get a descriptor, each with the name of its file, in ordinal order of their metadata names.</summary>
        public const string Entities = "Audited.Entities";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var entities = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.Audited,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(Steps.Parse)
            .Where(static entity => entity is not null)
            .Collect()
            .SelectMany(static (all, _) => GeneratedNames.Files(
                all.Select(static entity => entity!).OrderBy(static entity => entity.Hierarchy.MetadataName, StringComparer.Ordinal),
                static entity => entity.Hierarchy,
                "Audited"))
            .WithTrackingName(Steps.Entities);

        context.RegisterSourceOutput(
            entities,
            static (output, file) => output.AddSource(file.HintName, Emitter.Emit(file.Model)));
    }
}
