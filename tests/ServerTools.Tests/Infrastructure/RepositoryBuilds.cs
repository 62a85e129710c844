namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// The test classes that build or pack this repository's own projects: the <c>servertools report</c> runs on the sample
/// and on a layered solution, whose builds compile src/Runtime and the compiler extensions when they are out of date
/// (after an edit, with <c>dotnet test --no-build</c>), and the package test, which packs those outputs. Two of them at
/// once would compile src/Runtime at the same time and fail on a locked or half-written file. xUnit runs the classes of
/// one collection one after another; the collection is not <c>DisableParallelization</c>, so the rest of the suite still
/// runs beside it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RepositoryBuilds
{
    public const string Name = "Builds of the repository's projects";
}
