using System.Collections.Generic;

namespace ServerTools.Build.References;

/// <summary>A resolved reference (an <c>@(ReferencePath)</c> item): its path and the metadata the grouping reads.</summary>
/// <param name="Path">The assembly's path.</param>
/// <param name="Metadata">Its metadata: FrameworkReferenceName, NuGetPackageId, NuGetPackageVersion, ReferenceSourceTarget.</param>
public sealed record ReferenceItem(string Path, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The metadata value, or empty.</summary>
    public string Get(string name) => Metadata.TryGetValue(name, out var value) ? value ?? "" : "";
}
