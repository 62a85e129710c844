using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Shared;

namespace ServerTools.Generators.Rules;

/// <summary>
/// Generates the compile-time registry of the assembly's business exception rules: for each entity type that
/// <c>[ExceptionRule]</c> classes check (the <c>T</c> of each <c>IExceptionRule&lt;T&gt;</c> they implement), a
/// <c>CodeRuleSet&lt;T&gt;</c> that describes the rules in evaluation order, creates them with their constructor
/// arguments from DI and calls their <c>Applies</c> directly, and a module initializer that registers the sets with
/// <c>ExceptionRuleRegistry</c>. One file, <see cref="HintName"/>. Invalid rule classes (see
/// <see cref="ExceptionRuleClasses"/>) are skipped here and reported by the analyzers.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ExceptionRuleGenerator : IIncrementalGenerator
{
    /// <summary>The name of the one generated file.</summary>
    public const string HintName = "ServerTools.ExceptionRules.g.cs";

    /// <summary>The name of the file that loads the code rules of referenced assemblies (none when they have none).</summary>
    public const string ReferencedRulesHintName = "ServerTools.ReferencedExceptionRules.g.cs";

    /// <summary>Names of the tracked pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>The parsed rule class, or null when the class is skipped.</summary>
        public const string Parse = "ExceptionRules.Parse";

        /// <summary>The valid rule classes.</summary>
        public const string Rules = "ExceptionRules.Rules";

        /// <summary>The registry: the rule sets of the compilation, one per entity type (no output when there is no valid rule).</summary>
        public const string Registry = "ExceptionRules.Registry";

        /// <summary>
        /// A type of each referenced assembly that holds code rules, by its fully qualified name, for the loader of their
        /// rules; run on every compilation, equal between runs while the references do not change.
        /// </summary>
        public const string Referenced = "ExceptionRules.Referenced";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var rules = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.ExceptionRule,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(Steps.Parse)
            .Where(static rule => rule is not null)
            .Select(static (rule, _) => rule!)
            .WithTrackingName(Steps.Rules);

        // None when the compilation has no valid rule, so no file, and no step recorded for the incrementality tests of
        // the other generators to wait for.
        var registry = rules
            .Collect()
            .SelectMany(static (all, cancellationToken) => all.IsEmpty
                ? ImmutableArray<ExceptionRuleRegistrySpec>.Empty
                : ImmutableArray.Create(Parser.Registry(all, cancellationToken)))
            .WithTrackingName(Steps.Registry);

        context.RegisterSourceOutput(registry, static (output, registry) => output.AddSource(HintName, Emitter.Emit(registry)));

        // The rules of a referenced assembly register when it loads, and an application may never load an assembly that
        // only holds rules: this module initializer loads them, naming one type of each in typeof (no reflection, no scan).
        var referenced = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Parser.ReferencedRuleTypes(compilation, cancellationToken))
            .WithTrackingName(Steps.Referenced);

        context.RegisterSourceOutput(referenced, static (output, types) =>
        {
            if (types.Count > 0)
            {
                output.AddSource(ReferencedRulesHintName, Emitter.EmitReferencedRules(types));
            }
        });
    }
}
