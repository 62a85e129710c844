using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>An edit of a compilation between two generator runs.</summary>
public delegate Compilation Edit(Compilation compilation);

/// <summary>Edits that incrementality tests apply.</summary>
public static class Edits
{
    /// <summary>Adds a new file.</summary>
    public static Edit AddFile(string source) => compilation => compilation.AddSyntaxTrees(
        TestCompilation.Parse(source, $"Added{compilation.SyntaxTrees.Count()}.cs"));

    /// <summary>Replaces the first occurrence of <paramref name="find"/> in the file that contains it.</summary>
    public static Edit Replace(string find, string replacement) => compilation =>
    {
        var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.ToString().Contains(find, StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"No file contains '{find}'.");
        var text = tree.GetText();
        var start = text.ToString().IndexOf(find, StringComparison.Ordinal);
        var changed = text.WithChanges(new TextChange(new TextSpan(start, find.Length), replacement));
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(changed));
    };
}

/// <summary>Proves that generators do no needless work after edits that cannot change their output.</summary>
public static class Incrementality
{
    private static readonly IncrementalStepRunReason[] s_quiet = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    /// <summary>
    /// Runs the generators over <paramref name="sources"/>, applies <paramref name="edit"/>, runs them again
    /// with the same driver, and fails unless every output of every named step (and every source output)
    /// of the second run was Cached or Unchanged. It also fails when a named step did not run at all, so
    /// the check can never pass vacuously.
    /// </summary>
    public static void AssertCachedAfter(Edit edit, string[] sources, params IIncrementalGenerator[] generators)
    {
        var all = generators.Length == 0 ? GeneratorHarness.ServerToolsGenerators : generators.ToImmutableArray();
        if (!all.Any(static generator => StepNames(generator.GetType()).Any()))
        {
            throw new XunitException("The generators declare no tracked step names (a nested static class Steps of const strings).");
        }

        var compilation = TestCompilation.Create(sources);
        var driver = GeneratorHarness.CreateDriver([.. all]).RunGenerators(compilation);

        // A generator whose attribute the sources do not use records no steps from its attribute (ForAttributeWithMetadataName
        // filters before its first step), though it may record others (the ExceptionRuleGenerator reads the references of
        // every compilation): only the named steps that ran on the first run must run again.
        var ran = driver.GetRunResult().Results.SelectMany(static result => result.TrackedSteps.Keys).ToHashSet(StringComparer.Ordinal);
        var stepNames = all.SelectMany(static generator => StepNames(generator.GetType()))
            .Where(ran.Contains)
            .ToHashSet(StringComparer.Ordinal);
        if (stepNames.Count == 0)
        {
            throw new XunitException("No generator ran a named step over the sources: the test would prove nothing.");
        }

        driver = driver.RunGenerators(edit(compilation));
        AssertQuiet(driver.GetRunResult(), stepNames);
    }

    /// <summary>Fails unless all outputs of the named steps and all source outputs in <paramref name="result"/> are Cached or Unchanged.</summary>
    public static void AssertQuiet(GeneratorDriverRunResult result, IReadOnlyCollection<string> stepNames)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var generator in result.Results)
        {
            foreach (var (name, steps) in generator.TrackedSteps)
            {
                if (!stepNames.Contains(name))
                {
                    continue;
                }

                seen.Add(name);
                problems.AddRange(Loud(name, steps));
            }

            foreach (var (name, steps) in generator.TrackedOutputSteps)
            {
                problems.AddRange(Loud("output " + name, steps));
            }
        }

        problems.AddRange(stepNames.Where(name => !seen.Contains(name)).Select(static name => $"step '{name}' did not run"));
        if (problems.Count > 0)
        {
            throw new XunitException("The generators were not incremental across the edit:\n  " + string.Join("\n  ", problems));
        }
    }

    /// <summary>The <c>const string</c> fields of a generator's nested <c>Steps</c> class.</summary>
    public static IEnumerable<string> StepNames(Type generatorType) =>
        generatorType.GetNestedType("Steps")?.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(static field => (string)field.GetRawConstantValue()!)
        ?? [];

    private static IEnumerable<string> Loud(string name, ImmutableArray<IncrementalGeneratorRunStep> steps) =>
        from step in steps
        from output in step.Outputs
        where !s_quiet.Contains(output.Reason)
        select $"step '{name}' output {output.Value} was {output.Reason}";
}
