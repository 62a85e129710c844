using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.FuzzySearch;

public sealed partial class FuzzySearchGenerator
{
    /// <summary>Turns a searchable class symbol into a <see cref="FuzzySearchEntitySpec"/>; nothing of Roslyn survives past it.</summary>
    internal static class Parser
    {
        /// <summary>The end of the name of the generated extension class, after <see cref="GeneratedNames.Stem"/>.</summary>
        public const string ExtensionsSuffix = "FuzzySearchExtensions";

        /// <summary>The spec of a class marked <c>[FuzzySearchable]</c>.</summary>
        public static FuzzySearchEntitySpec? ParseClass(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => context.TargetSymbol is INamedTypeSymbol type ? Create(type, cancellationToken) : null;

        /// <summary>
        /// The spec of the class that contains a property marked <c>[FuzzySearchable]</c>, when the class has no attribute
        /// of its own (<see cref="ParseClass"/> covers it then) and the property is its first marked one, so that a class
        /// with several marked properties yields one spec.
        /// </summary>
        public static FuzzySearchEntitySpec? ParseProperty(IPropertySymbol property, CancellationToken cancellationToken)
            => property.ContainingType is { } type
               && FuzzySearchFields.Find(type) is null
               && SymbolEqualityComparer.Default.Equals(type.GetMembers().OfType<IPropertySymbol>().FirstOrDefault(static p => FuzzySearchFields.Find(p) is not null), property)
                ? Create(type, cancellationToken)
                : null;

        private static FuzzySearchEntitySpec? Create(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            // The extensions are emitted at namespace level; ST3006 reports a class they cannot name (ST0003 a file-local one or a struct).
            // The module report counts the searchable entities by the same rules (FuzzySearchFields.HasSearch).
            if (!FuzzySearchFields.CanGenerate(type))
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();

            // The extensions name the class and its properties from outside it: a class obsolete as an error makes them an
            // obsolete class of their own (an obsolete context), else a property obsolete as an error is left out
            // (FuzzyFieldProblem.ObsoleteError, and a key FuzzySearchFields.TieBreaker drops; ST3008 reports both).
            var isObsoleteError = ObsoleteSymbols.IsError(type);
            var suppressed = new SuppressedDiagnostics().Add(type);
            var valid = FuzzySearchFields.Valid(type).ToList();
            if (valid.Count == 0)
            {
                return null;
            }

            foreach (var field in valid)
            {
                suppressed.Add(field.Property);
            }

            var tieBreaker = FuzzySearchFields.TieBreaker(type);
            suppressed.Add(tieBreaker);
            return new FuzzySearchEntitySpec(
                HierarchyInfo.From(type),
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                GeneratedNames.Stem(type) + ExtensionsSuffix,
                IsPublic(type),
                tieBreaker?.Name,
                valid.Select(static field => new FuzzySearchFieldSpec(field.Property!.Name, field.Mode, field.Weight)).ToEquatableArray(),
                isObsoleteError ? type.ToDisplayString() : null,
                suppressed.ToEquatableArray());
        }

        private static bool IsPublic(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaredAccessibility != Accessibility.Public)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
