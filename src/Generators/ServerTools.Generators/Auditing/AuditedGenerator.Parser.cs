using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.Auditing;

public sealed partial class AuditedGenerator
{
    /// <summary>Turns an <c>[Audited]</c> class symbol into an <see cref="AuditedEntitySpec"/>; nothing of Roslyn survives past it.</summary>
    internal static class Parser
    {
        public static AuditedEntitySpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || !CanExtend(type, cancellationToken))
            {
                return null;
            }

            var fields = new List<AuditedFieldSpec>();
            var seen = new HashSet<string>();
            foreach (var declaringType in AuditedProperties.BaseFirst(type))
            {
                foreach (var property in declaringType.GetMembers().OfType<IPropertySymbol>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (AuditedProperties.IsCandidate(property) && AuditValueTypes.IsSupported(property.Type) && seen.Add(property.Name))
                    {
                        fields.Add(new AuditedFieldSpec(property.MetadataName, AuditedProperties.HasAttribute(property, AttributeNames.AuditMask)));
                    }
                }
            }

            var (mode, operations) = ReadArguments(context.Attributes[0]);
            return new AuditedEntitySpec(
                HierarchyInfo.From(type),
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                mode,
                operations,
                fields.ToEquatableArray());
        }

        /// <summary>
        /// The attribute's <c>Mode</c> (<c>Changes</c>, 0, by default) and <c>Operations</c> (Create | Update | Delete
        /// by default), as the enums' numeric values: the emitted code casts them back, so the compiler, not the
        /// generator, decides what a value means.
        /// </summary>
        private static (int Mode, int Operations) ReadArguments(AttributeData attribute)
        {
            var mode = 0;
            var operations = DefaultOperations;
            foreach (var argument in attribute.NamedArguments)
            {
                switch (argument.Key, argument.Value.Value)
                {
                    case ("Mode", int value):
                        mode = value;
                        break;
                    case ("Operations", int value):
                        operations = value;
                        break;
                }
            }

            return (mode, operations);
        }

        /// <summary>AuditOperations.Writes: Create (1) | Update (2) | Delete (4).</summary>
        private const int DefaultOperations = 7;

        /// <summary>
        /// True when generated members can be added: the class and all its containing types are
        /// partial and not generic, and none is private (a module initializer must be reachable).
        /// </summary>
        private static bool CanExtend(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsGenericType
                    || current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal
                    || !IsPartial(current, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
            => type.DeclaringSyntaxReferences.Length > 0
               && type.DeclaringSyntaxReferences.All(reference =>
                   reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                   && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
    }
}
