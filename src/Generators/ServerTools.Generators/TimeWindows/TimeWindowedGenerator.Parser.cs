using System;
using System.Collections.Generic;
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

            // A class that inherits the members from a [TimeWindowed] base class is reported by ST4005.
            if (TimeWindowMembers.TimeWindowedBase(type) is not null)
            {
                return null;
            }

            // A member that collides with a generated one (ST4004, an error) is not met by a second, generated one, which
            // would give CS0102, CS0111 or CS0108 in the generated file and, on a command-line build, keep the analyzers
            // from running: a method nothing generated calls is left out alone, so that code calling it, or WhereOpenAt,
            // keeps compiling; a collision with a member the rest uses leaves out the class's code, as ST0001 does.
            var leftOut = new List<string>();
            foreach (var member in TimeWindowMembers.Collisions(type))
            {
                if (!TimeWindowMembers.CanLeaveOut(member.Name))
                {
                    return null;
                }

                if (!leftOut.Contains(member.Name))
                {
                    leftOut.Add(member.Name);
                }
            }

            leftOut.Sort(StringComparer.Ordinal);

            var (timeZone, timeZoneProperty) = ReadArguments(context.Attributes[0]);
            if (timeZone is not null && timeZoneProperty is not null)
            {
                return null;
            }

            var zoneProperty = timeZoneProperty is null ? null : TimeZoneProperties.Find(type, timeZoneProperty);
            if (timeZoneProperty is not null && !TimeZoneProperties.IsValid(zoneProperty))
            {
                return null;
            }

            // WhereOpenAt names the class and reads the zone property from outside the class: a class obsolete as an error
            // makes the extensions an obsolete class of their own (an obsolete context); else a zone property obsolete as an
            // error cannot be read there (CS0619), so the class gets no code (ST4007 says so).
            if (zoneProperty is not null && ObsoleteSymbols.IsErrorBeside(type, zoneProperty))
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
                timeZoneProperty is null ? timeZone ?? DefaultTimeZone : null,
                leftOut.ToEquatableArray(),
                ObsoleteSymbols.IsError(type),
                new SuppressedDiagnostics().Add(type).Add(zoneProperty).ToEquatableArray());
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
