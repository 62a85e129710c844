using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Common;

/// <summary>
/// Why the generators that add members to a class (<c>[Audited]</c>, <c>[Tracked]</c>, <c>[TimeWindowed]</c>) write
/// nothing for it, <c>partial</c> aside (ST0001): what ST0002 reports, and what ST1005 and ST2001 must not advise.
/// </summary>
internal static class GeneratedClasses
{
    /// <summary>
    /// The obstacles of <paramref name="type"/>, the class first: each type of its chain that is generic, private or
    /// protected (<see cref="ClassReach.Obstacles"/>, the generators' rule), the one that is file-local
    /// (<see cref="FileLocalTypes"/>, reported by ST0003), then the <c>Program</c> of top-level statements when the class
    /// is nested in it (its declaration is no type declaration the generators can reopen).
    /// </summary>
    public static IEnumerable<Obstacle> Obstacles(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var (current, kind) in ClassReach.Obstacles(type))
        {
            yield return new Obstacle(type, current, kind);
        }

        if (FileLocalTypes.Find(type) is { } fileLocal)
        {
            yield return new Obstacle(type, fileLocal, Obstacle.FileLocal);
        }

        for (var current = type.ContainingType; current is not null; current = current.ContainingType)
        {
            if (current.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax(cancellationToken) is CompilationUnitSyntax))
            {
                yield return new Obstacle(type, current, Obstacle.TopLevelProgram);
            }
        }
    }

    /// <summary>The first of <see cref="Obstacles"/>, or null when the generators can write code for <paramref name="type"/>.</summary>
    public static Obstacle? First(INamedTypeSymbol type, CancellationToken cancellationToken)
        => Obstacles(type, cancellationToken).FirstOrDefault();
}

/// <summary>Why no code is generated for <see cref="Class"/>: <see cref="Type"/> (the class or a type that contains it) is <see cref="Kind"/>.</summary>
/// <param name="Class">The class the generators skip.</param>
/// <param name="Type">The class, or the type that contains it, at fault.</param>
/// <param name="Kind"><see cref="ClassReach.Generic"/>, an accessibility (<c>private</c>, ...), <see cref="FileLocal"/> or <see cref="TopLevelProgram"/>.</param>
internal sealed record Obstacle(INamedTypeSymbol Class, INamedTypeSymbol Type, string Kind)
{
    /// <summary>The kind of a class nested in the <c>Program</c> of top-level statements.</summary>
    public const string TopLevelProgram = "program";

    /// <summary>The kind of a file-local class, or a class nested in one (ST0003's).</summary>
    public const string FileLocal = "file-local";

    private bool IsClass => SymbolEqualityComparer.Default.Equals(Class, Type);

    /// <summary>
    /// What is wrong and why it stops the generators, as a clause: <c>it is generic, and the generated code registers one
    /// entity type</c>, <c>it is nested in 'Outer', which is private, and ...</c>.
    /// </summary>
    public string Reason => Kind switch
    {
        TopLevelProgram => $"it is nested in '{Type.Name}', the class of the top-level statements, which ServerTools does not extend",
        ClassReach.Generic => $"{What}, and the generated code registers one entity type",
        FileLocal => $"{What}, and the generated code, in a file of its own, cannot see it",
        _ => $"{What}, and the generated code registers it from namespace level, which cannot see it",
    };

    private string What => IsClass ? $"it is {Kind}" : $"it is nested in '{Type.Name}', which is {Kind}";

    /// <summary>What to do with a class marked <paramref name="attributes"/> (<c>[Audited]</c>) so that code is generated.</summary>
    public string RemedyWhenMarked(string attributes) => Kind switch
    {
        ClassReach.Generic when IsClass => $"move {attributes} to the non-generic entity classes derived from '{Class.Name}'",
        ClassReach.Generic or TopLevelProgram => $"declare '{Class.Name}' outside '{Type.Name}'",
        FileLocal => $"make '{Type.Name}' internal instead of file-local",
        _ => $"make '{Type.Name}' internal or public",
    };

    /// <summary>What to do with a class that is not marked, for code to be generated once it is marked <paramref name="attributes"/>.</summary>
    public string RemedyToMark(string attributes)
        => Kind == ClassReach.Generic && IsClass
            ? $"mark the non-generic entity classes derived from '{Class.Name}' {attributes} (and partial)"
            : $"{RemedyWhenMarked(attributes)} and mark '{Class.Name}' {attributes} (and partial)";

    /// <summary>
    /// Where the obstacle is written: the type parameter list of a generic type, the accessibility modifiers of a hidden
    /// one (its name when it is private by default), the class's name when it is nested in <c>Program</c>; null when that
    /// is not in <paramref name="compilation"/>.
    /// </summary>
    public Location? Where(Compilation compilation, CancellationToken cancellationToken)
    {
        if (Kind == TopLevelProgram)
        {
            return SourceLocations.In(Class, compilation);
        }

        foreach (var reference in Type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration || !compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                continue;
            }

            if (Kind == ClassReach.Generic)
            {
                if (declaration.TypeParameterList is { } typeParameters)
                {
                    return typeParameters.GetLocation();
                }

                continue;
            }

            var modifiers = declaration.Modifiers
                .Where(static modifier => modifier.ValueText is "private" or "protected")
                .ToList();
            if (modifiers.Count > 0)
            {
                return Location.Create(declaration.SyntaxTree, TextSpan.FromBounds(modifiers[0].SpanStart, modifiers[modifiers.Count - 1].Span.End));
            }
        }

        return SourceLocations.In(Type, compilation);
    }
}
