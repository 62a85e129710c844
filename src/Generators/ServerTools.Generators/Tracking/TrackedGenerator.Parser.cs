using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.Tracking;

public sealed partial class TrackedGenerator
{
    /// <summary>Turns a tracked class symbol into a <see cref="TrackedEntitySpec"/>; nothing of Roslyn survives past it.</summary>
    internal static class Parser
    {
        /// <summary>The name of the generated registration method.</summary>
        public const string RegistrationMethod = TrackedMembers.RegistrationMethod;

        /// <summary>The name of the generated class that holds the typed fields.</summary>
        public const string FieldsClass = TrackedMembers.FieldsClass;

        /// <summary>The spec of a class marked <c>[Tracked]</c>: every candidate property is tracked.</summary>
        public static TrackedEntitySpec? ParseClass(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => context.TargetSymbol is INamedTypeSymbol type
                ? Create(type, Shared.TrackedProperties.OperationsOf(context.Attributes[0]), cancellationToken)
                : null;

        /// <summary>
        /// The spec of the class that contains a property marked <c>[Tracked]</c>, when the class has no
        /// <c>[Tracked]</c> of its own (<see cref="ParseClass"/> covers it then) and the property is the class's first
        /// marked one, so that a class with several marked properties yields one spec, not one per property.
        /// </summary>
        public static TrackedEntitySpec? ParseProperty(IPropertySymbol property, CancellationToken cancellationToken)
            => property.ContainingType is { } type
               && !MetadataNames.HasAttribute(type, AttributeNames.Tracked)
               && SymbolEqualityComparer.Default.Equals(FirstMarkedProperty(type), property)
                ? Create(type, classOperations: null, cancellationToken)
                : null;

        /// <summary>
        /// The spec of <paramref name="type"/>: with <paramref name="classOperations"/>, the <c>Operations</c> of the class's own
        /// <c>[Tracked]</c>, every candidate property is tracked and delivers those; without, the marked properties are, and
        /// the class delivers what their attributes ask for together (<see cref="Shared.TrackedProperties.UnionOfFields"/>).
        /// </summary>
        private static TrackedEntitySpec? Create(INamedTypeSymbol type, int? classOperations, CancellationToken cancellationToken)
        {
            var classLevel = classOperations is not null;
            // EF Core maps classes (records too) as entities, not structs: ST0003 reports [Tracked] in a struct.
            if (type.TypeKind != TypeKind.Class || !Extensibility.CanExtend(type, cancellationToken))
            {
                return null;
            }

            var suppressed = new SuppressedDiagnostics().Add(type);
            var fields = new List<TrackedFieldSpec>();
            (INamedTypeSymbol Type, string Name)? declaring = null;
            foreach (var tracked in Shared.TrackedProperties.Of(type, classLevel))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var property = tracked.Symbol;
                if (Shared.TrackedProperties.IsLeftOut(type, property))
                {
                    // Its type cannot be named in the class (CS0619): the property is not tracked (ST2006 says so).
                    continue;
                }

                suppressed.Add(property.Type);
                // The fields of a class and of each base class come together (base first), so the name is computed once per class.
                if (declaring is not { } known || !SymbolEqualityComparer.Default.Equals(known.Type, property.ContainingType))
                {
                    declaring = (property.ContainingType, DeclaringTypeName(property.ContainingType));
                }

                var hook = TrackedMembers.Hook(type, property);
                suppressed.Add(hook).Add(hook?.PartialImplementationPart);
                var callsHook = hook is not null && TrackedMembers.CallsHook(type, hook);
                fields.Add(Field(type, property, declaring.Value.Name, tracked.IsMasked, callsHook, cancellationToken));
            }

            if (fields.Count == 0)
            {
                return null;
            }

            var operations = classOperations ?? Shared.TrackedProperties.UnionOfFields(type, fields.Select(static field => field.Name));

            if (TrackedMembers.WholeCollisions(type).Any())
            {
                // The user's hook implementations still need their definitions (else CS0759 in the user's file); those
                // reference nothing else that is generated.
                return fields.Any(static field => field.HasHook && !field.HookCollides)
                    ? new TrackedEntitySpec(HierarchyInfo.From(type), type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), operations, fields.ToEquatableArray(), false, false, HooksOnly: true, suppressed.ToEquatableArray())
                    : null;
            }

            var (hidesFields, hidesRegistration) = HidesBaseMembers(type, cancellationToken);
            return new TrackedEntitySpec(
                HierarchyInfo.From(type),
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                operations,
                fields.ToEquatableArray(),
                hidesFields,
                hidesRegistration,
                HooksOnly: false,
                suppressed.ToEquatableArray());
        }

        private static TrackedFieldSpec Field(INamedTypeSymbol type, IPropertySymbol property, string declaringType, bool isMasked, bool hasHook, CancellationToken cancellationToken)
        {
            var typeName = property.Type.ToDisplayString(s_annotatedTypeFormat);
            if (Shared.TrackedProperties.IsModelValue(property))
            {
                return new TrackedFieldSpec(property.Name, declaringType, typeName, ModelFormat(property.Type, typeName), false, hasHook, isMasked, IsOblivious(property.Type), TrackedMembers.HookCollisions(type, property, cancellationToken).Any());
            }

            var core = Core(property.Type);
            return new TrackedFieldSpec(
                property.Name,
                declaringType,
                typeName,
                Format(property.Type, core, typeName),
                !SymbolEqualityComparer.Default.Equals(core, property.Type),
                hasHook,
                isMasked,
                IsOblivious(property.Type),
                TrackedMembers.HookCollisions(type, property, cancellationToken).Any());
        }

        /// <summary>
        /// True when <paramref name="type"/>, or a type in it (a type argument, an array's element), is a reference type
        /// declared where nullable annotations are disabled (<c>#nullable disable</c>, or an assembly compiled without
        /// them): it may hold null, and it matches both <c>string</c> and <c>string?</c>, so the generated code names the
        /// type in a disabled context as well rather than as non-nullable.
        /// </summary>
        private static bool IsOblivious(ITypeSymbol type) => type switch
        {
            { IsReferenceType: true, NullableAnnotation: NullableAnnotation.None } => true,
            IArrayTypeSymbol array => IsOblivious(array.ElementType),
            INamedTypeSymbol named => named.TypeArguments.Any(IsOblivious),
            _ => false,
        };

        /// <summary>
        /// The <c>TrackedValueFormats</c> member for a value whose text the model decides at run time (a strongly typed id,
        /// a primitive collection): <c>Collection&lt;T, TElement&gt;()</c> for an array or collection, <c>Model&lt;T&gt;()</c>
        /// for another value, typed by the property type as declared (nullable included), so no <c>Nullable(...)</c>.
        /// </summary>
        private static string ModelFormat(ITypeSymbol type, string typeName)
            => AuditValueTypes.ElementType(Core(type)) is { } element
                ? "Collection<" + typeName + ", " + element.ToDisplayString(s_annotatedTypeFormat) + ">()"
                : "Model<" + typeName + ">()";

        /// <summary>The class that declares a field, as a <c>cref</c> names it: fully qualified, <c>{T}</c> for <c>&lt;T&gt;</c>.</summary>
        private static string DeclaringTypeName(INamedTypeSymbol type)
            => type.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace('<', '{').Replace('>', '}');

        /// <summary>
        /// The fully qualified name of <paramref name="core"/>, from <paramref name="typeName"/> (the field's type with its
        /// annotation) where they differ only by the trailing <c>?</c> of a nullable type: the types tracked are scalars
        /// and <c>byte[]</c>, whose name has no other <c>?</c>.
        /// </summary>
        private static string CoreTypeName(ITypeSymbol type, ITypeSymbol core, string typeName)
            => (!SymbolEqualityComparer.Default.Equals(core, type) || type.NullableAnnotation == NullableAnnotation.Annotated) && typeName.EndsWith("?", StringComparison.Ordinal)
                ? typeName.Substring(0, typeName.Length - 1)
                : typeName;

        /// <summary>The type whose values are formatted: <paramref name="type"/> without its <c>Nullable&lt;T&gt;</c>.</summary>
        private static ITypeSymbol Core(ITypeSymbol type)
            => type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

        /// <summary>
        /// The <c>TrackedValueFormats</c> member for a field of <paramref name="type"/>, one that
        /// <see cref="AuditValueTypes.IsSupported"/> accepts, without its <c>Nullable&lt;T&gt;</c> (<paramref name="core"/>):
        /// the runtime has one per accepted type, named after its CLR type (<c>Int32</c>, <c>DateTimeOffset</c>; <c>Bytes</c>
        /// for <c>byte[]</c>), <c>Nullable...</c> for an annotated reference type, and <c>Enum&lt;T&gt;()</c> for enums.
        /// </summary>
        private static string Format(ITypeSymbol type, ITypeSymbol core, string typeName)
        {
            if (core.TypeKind == TypeKind.Enum)
            {
                return "Enum<" + CoreTypeName(type, core, typeName) + ">()";
            }

            var name = core is IArrayTypeSymbol ? "Bytes" : core.Name;

            // string? and byte[]? only: a T? of a generic base class bound to a value type is annotated too, but is that type.
            return type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated ? "Nullable" + name : name;
        }

        /// <summary>The name of the partial method that runs when the property <paramref name="propertyName"/> changed.</summary>
        public static string HookName(string propertyName) => TrackedMembers.HookName(propertyName);

        /// <summary>The first property declared in <paramref name="type"/> (all its partial declarations, in order) that is marked <c>[Tracked]</c>.</summary>
        private static IPropertySymbol? FirstMarkedProperty(INamedTypeSymbol type)
            => type.GetMembers().OfType<IPropertySymbol>().FirstOrDefault(static property => MetadataNames.HasAttribute(property, AttributeNames.Tracked));

        /// <summary>
        /// Whether a base class has a generated <c>TrackedFields</c> class and registration method that
        /// <paramref name="type"/> can see: generated for a tracked class of this assembly (or written there by hand, which
        /// the generated ones hide as well), or compiled into a referenced assembly (the registration method is internal,
        /// so only one that gives this one access counts).
        /// </summary>
        private static (bool Fields, bool Registration) HidesBaseMembers(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            bool fields = false, registration = false;
            for (var current = type.BaseType; current is not null && !(fields && registration); current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.ContainingAssembly, type.ContainingAssembly))
                {
                    // A base class's own TrackedFields class or registration method (one that ST2005 reports, and that leaves
                    // the base class without generated code) is hidden as a generated one is.
                    var generated = IsGenerated(current, cancellationToken);
                    fields |= generated || current.GetTypeMembers(FieldsClass).Any(nested => InheritedMembers.IsVisible(nested, type));
                    registration |= generated || current.GetMembers(RegistrationMethod).Any(member => member is IMethodSymbol { Parameters.Length: 0 } && InheritedMembers.IsVisible(member, type));
                }
                else
                {
                    fields |= current.GetTypeMembers(FieldsClass).Any(static nested => nested.DeclaredAccessibility == Accessibility.Public);
                    registration |= current.GetMembers(RegistrationMethod).Length > 0 && current.ContainingAssembly.GivesAccessTo(type.ContainingAssembly);
                }
            }

            return (fields, registration);
        }

        /// <summary>True when the generator emits code for <paramref name="type"/>, a class of the compilation it runs on.</summary>
        private static bool IsGenerated(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (type.TypeKind != TypeKind.Class || !Extensibility.CanExtend(type, cancellationToken))
            {
                return false;
            }

            var classLevel = MetadataNames.HasAttribute(type, AttributeNames.Tracked);
            if (!classLevel && FirstMarkedProperty(type) is null)
            {
                return false;
            }

            return Shared.TrackedProperties.AnyKept(type, classLevel) && !TrackedMembers.WholeCollisions(type).Any();
        }

        /// <summary>The fully qualified format, keeping <c>?</c> on nullable reference types.</summary>
        private static readonly SymbolDisplayFormat s_annotatedTypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
    }
}
