using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.Auditing;

public sealed partial class AuditedGenerator
{
    /// <summary>Turns an <c>[Audited]</c> class (or record) symbol into an <see cref="AuditedEntitySpec"/>; nothing of Roslyn survives past it.</summary>
    internal static class Parser
    {
        public static AuditedEntitySpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type
                || !Extensibility.IsFirstMarkedDeclaration(context)
                || !Extensibility.CanExtend(type, cancellationToken))
            {
                return null;
            }

            var fields = new List<AuditedFieldSpec>();
            AddFields(type, prefix: "", masked: false, path: [type], fields, cancellationToken);

            var ignored = new List<string>();
            var masked = new List<string>();
            AddNavigations(type, ignored, masked, cancellationToken);

            var (mode, operations) = ReadArguments(context.Attributes[0]);
            return new AuditedEntitySpec(
                HierarchyInfo.From(type),
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                mode,
                operations,
                fields.ToEquatableArray(),
                HidesBaseRegistration(type, cancellationToken),
                ignored.ToEquatableArray(),
                masked.ToEquatableArray());
        }

        /// <summary>
        /// The navigations of <paramref name="type"/> and its base classes marked <c>[AuditIgnore]</c> or
        /// <c>[AuditMask]</c> (on any declaration of the name, <see cref="AuditedProperties.Mapped"/>): reference
        /// navigations (a mapped property of a class type that is neither a value the trail writes, a value object nor a
        /// collection), whose foreign key the model may add without a CLR property (a shadow <c>CustomerId</c>), and
        /// collections of entities (<see cref="IsEntityCollection"/>), which the model may map as many-to-many
        /// navigations whose links the run time logs. Only the model tells what each is: the run time applies the names
        /// to the navigations it finds.
        /// </summary>
        private static void AddNavigations(INamedTypeSymbol type, List<string> ignored, List<string> masked, CancellationToken cancellationToken)
        {
            foreach (var property in AuditedProperties.Mapped(type))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!IsReference(property.Symbol.Type) && !IsEntityCollection(property.Symbol.Type))
                {
                    continue;
                }

                if (property.IsIgnored)
                {
                    ignored.Add(property.Name);
                }
                else if (property.IsMasked)
                {
                    masked.Add(property.Name);
                }
            }
        }

        /// <summary>A class that is neither a value the trail writes, a value object nor a collection: a reference navigation.</summary>
        private static bool IsReference(ITypeSymbol type)
            => type is INamedTypeSymbol { TypeKind: TypeKind.Class } navigation
               && !AuditValueTypes.IsSupported(navigation)
               && AuditedProperties.ValueObject(navigation) is null
               && !navigation.AllInterfaces.Any(static i => i.SpecialType == SpecialType.System_Collections_IEnumerable);

        /// <summary>
        /// A collection (<c>List&lt;Tag&gt;</c>, <c>ICollection&lt;Tag&gt;</c>, <c>Tag[]</c>) of a class or interface other
        /// than a value the trail writes: a collection navigation (or an owned collection, which the run time tells apart).
        /// </summary>
        private static bool IsEntityCollection(ITypeSymbol type)
            => !AuditValueTypes.IsSupported(type)
               && AuditValueTypes.ElementType(type) is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface } element
               && !AuditValueTypes.IsSupported(element);

        /// <summary>The name of the generated registration method.</summary>
        public const string RegistrationMethod = "RegisterServerToolsAuditDescriptor";

        /// <summary>
        /// True when a base class has a registration method that <paramref name="type"/> can see: generated for an
        /// [Audited] class of this assembly, or compiled into a referenced assembly that gives this one access.
        /// </summary>
        private static bool HidesBaseRegistration(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.ContainingAssembly, type.ContainingAssembly)
                        ? MetadataNames.HasAttribute(current, AttributeNames.Audited) && Extensibility.CanExtend(current, cancellationToken)
                        : current.GetMembers(RegistrationMethod).Length > 0 && current.ContainingAssembly.GivesAccessTo(type.ContainingAssembly))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Adds the audited properties of <paramref name="type"/> (base class first, a name counted once, with the
        /// attributes of all its declarations: <see cref="AuditedProperties.Mapped"/>), and the properties of its value
        /// objects flattened as <c>Address.City</c>; <paramref name="path"/> holds the types being flattened, so a type
        /// that contains itself stops there.
        /// </summary>
        private static void AddFields(INamedTypeSymbol type, string prefix, bool masked, List<INamedTypeSymbol> path, List<AuditedFieldSpec> fields, CancellationToken cancellationToken)
        {
            foreach (var mapped in AuditedProperties.Mapped(type))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (mapped.IsIgnored)
                {
                    continue;
                }

                var property = mapped.Symbol;
                var isMasked = masked || mapped.IsMasked;
                if (AuditValueTypes.IsSupported(property.Type))
                {
                    fields.Add(new AuditedFieldSpec(prefix + property.MetadataName, isMasked));
                }
                else if (AuditedProperties.ValueObject(property.Type) is { } valueObject
                         && path.Count < AuditedProperties.MaxValueObjectDepth
                         && !path.Contains(valueObject, SymbolEqualityComparer.Default))
                {
                    path.Add(valueObject);
                    AddFields(valueObject, prefix + property.MetadataName + ".", isMasked, path, fields, cancellationToken);
                    path.RemoveAt(path.Count - 1);
                }
                else if (AuditedProperties.IsModelField(property))
                {
                    // A struct or a collection of values: the run time logs it as the model maps it (the value its
                    // converter stores, a primitive collection as a JSON array), or not at all when the model does
                    // not map it as a property. A struct may be a complex type instead: its fields follow, and the
                    // run time logs those the model maps. As one value, it holds every member of the struct (or of the
                    // collection's elements): a member's [AuditIgnore] or [AuditMask] leaves it out or masks it whole,
                    // while the flattened fields keep each member's own mark.
                    var (membersIgnored, membersMasked) = AuditedProperties.MemberMarks(property);
                    if (!membersIgnored)
                    {
                        fields.Add(new AuditedFieldSpec(prefix + property.MetadataName, isMasked || membersMasked));
                    }

                    if (AuditedProperties.ComplexStruct(property) is { } complex
                        && path.Count < AuditedProperties.MaxValueObjectDepth
                        && !path.Contains(complex, SymbolEqualityComparer.Default))
                    {
                        path.Add(complex);
                        AddFields(complex, prefix + property.MetadataName + ".", isMasked, path, fields, cancellationToken);
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }
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

    }
}
