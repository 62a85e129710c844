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
            foreach (var declaringType in BaseFirst(type))
            {
                foreach (var property in declaringType.GetMembers().OfType<IPropertySymbol>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (IsAudited(property) && seen.Add(property.Name))
                    {
                        fields.Add(new AuditedFieldSpec(
                            property.MetadataName,
                            SyntaxFacts.GetKeywordKind(property.Name) == SyntaxKind.None ? property.Name : "@" + property.Name,
                            HasAttribute(property, AttributeNames.AuditMask)));
                    }
                }
            }

            return new AuditedEntitySpec(
                HierarchyInfo.From(type),
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                fields.ToEquatableArray());
        }

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

        private static Stack<INamedTypeSymbol> BaseFirst(INamedTypeSymbol type)
        {
            var chain = new Stack<INamedTypeSymbol>();
            for (var current = type; current is { SpecialType: not SpecialType.System_Object }; current = current.BaseType)
            {
                chain.Push(current);
            }

            return chain;
        }

        /// <summary>
        /// The properties EF Core maps by convention (public getter, any setter) whose type is a column,
        /// unless left out with [AuditIgnore] or [NotMapped].
        /// </summary>
        private static bool IsAudited(IPropertySymbol property)
            => property is { IsStatic: false, IsIndexer: false, IsOverride: false, GetMethod.DeclaredAccessibility: Accessibility.Public, SetMethod: not null }
               && !HasAttribute(property, AttributeNames.AuditIgnore)
               && !HasAttribute(property, AttributeNames.NotMapped)
               && IsScalar(property.Type);

        /// <summary>
        /// Types EF Core maps to a single column. Navigations, collections and owned or complex types
        /// are not audited as one field.
        /// </summary>
        private static bool IsScalar(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
            {
                return true;
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return true;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Decimal:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_String:
                case SpecialType.System_DateTime:
                    return true;
            }

            return type is INamedTypeSymbol { ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } named
                   && named.Name is "Guid" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan";
        }

        private static bool HasAttribute(ISymbol symbol, string metadataName)
            => symbol.GetAttributes().Any(attribute => attribute.AttributeClass?.ToDisplayString() == metadataName);
    }
}
