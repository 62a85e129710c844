using System.Threading;
using Microsoft.CodeAnalysis;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.TimeWindows;

public sealed partial class TimeWindowedGenerator
{
    /// <summary>Turns a <c>[TimeWindowed]</c> class symbol into a <see cref="TimeWindowedEntitySpec"/>; nothing of Roslyn survives past it.</summary>
    internal static class Parser
    {
        /// <summary>The end of the name of the generated extension class, after <see cref="GeneratedNames.Stem"/>.</summary>
        public const string ExtensionsSuffix = "TimeWindowExtensions";

        /// <summary>The zone of an entity whose attribute names none.</summary>
        private const string DefaultTimeZone = "UTC";

        public static TimeWindowedEntitySpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            // Instance members are added to the class, and WhereOpenAt is emitted at namespace level: CanExtend covers both.
            if (context.TargetSymbol is not INamedTypeSymbol { IsStatic: false, TypeKind: TypeKind.Class } type
                || !Extensibility.IsFirstMarkedDeclaration(context)
                || !Extensibility.CanExtend(type, cancellationToken))
            {
                return null;
            }

            // A class that inherits the members from a [TimeWindowed] base class is reported by ST4005. (One with a member of
            // their names still gets them: the compiler's error names the member, and code that calls IsOpenAt or
            // WhereOpenAt keeps compiling, where skipping the class would add an error at every call.)
            if (TimeWindowMembers.TimeWindowedBase(type) is not null)
            {
                return null;
            }

            var (timeZone, timeZoneProperty) = ReadArguments(context.Attributes[0]);
            if (timeZone is not null && timeZoneProperty is not null)
            {
                return null;
            }

            if (timeZoneProperty is not null && !TimeZoneProperties.IsValid(TimeZoneProperties.Find(type, timeZoneProperty)))
            {
                return null;
            }

            var hierarchy = HierarchyInfo.From(type);
            return new TimeWindowedEntitySpec(
                hierarchy,
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                type.ToDisplayString(),
                GeneratedNames.Stem(type) + ExtensionsSuffix,
                IsPublic(type),
                type.IsSealed,
                type.IsRecord,
                timeZoneProperty,
                timeZoneProperty is null ? timeZone ?? DefaultTimeZone : null);
        }

        /// <summary>The attribute's <c>TimeZone</c> and <c>TimeZoneProperty</c>; null when not given.</summary>
        private static (string? TimeZone, string? TimeZoneProperty) ReadArguments(AttributeData attribute)
        {
            string? timeZone = null;
            string? timeZoneProperty = null;
            foreach (var argument in attribute.NamedArguments)
            {
                switch (argument.Key, argument.Value.Value)
                {
                    case ("TimeZone", string value):
                        timeZone = value;
                        break;
                    case ("TimeZoneProperty", string value):
                        timeZoneProperty = value;
                        break;
                }
            }

            return (timeZone, timeZoneProperty);
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
