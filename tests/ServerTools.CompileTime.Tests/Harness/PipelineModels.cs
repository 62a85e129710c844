using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>Checks that a generator's pipeline models are plain values, so the incremental cache can compare them and keeps no compilation alive.</summary>
public static class PipelineModels
{
    /// <summary>Walks the object graph and fails on anything that is not a plain value, string, record or equatable array.</summary>
    public static void AssertOnlyValues(object? model) => AssertOnlyValues(model, "model", []);

    private static void AssertOnlyValues(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        var type = value.GetType();
        Assert.False(
            value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree or Location,
            $"{path} holds a {type.Name}; pipeline models must not keep Roslyn objects alive.");
        Assert.True(type.Namespace?.StartsWith("ServerTools.Generators", StringComparison.Ordinal) == true,
            $"{path} is a {type.FullName}; pipeline models may only hold strings, primitives and ServerTools.Generators records.");
        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                AssertOnlyValues(item, $"{path}[{i++}]", visited);
            }

            return;
        }

        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertOnlyValues(field.GetValue(value), path + "." + field.Name, visited);
        }
    }
}
