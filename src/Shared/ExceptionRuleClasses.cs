using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked), so the generator that registers the
// rule classes and the analyzers that report the ones it skips cannot disagree on which classes are valid.
namespace ServerTools.Shared;

/// <summary>Which <c>[ExceptionRule]</c> classes the compile-time rule registry can register, and how it creates them.</summary>
/// <remarks>
/// <para>
/// The constructor the registry calls (<see cref="Constructor"/>), as Microsoft.Extensions.DependencyInjection's
/// <c>ActivatorUtilities</c> would pick it, but decided at compile time: among the instance constructors that are
/// public, internal or protected internal (and not obsolete as an error), the one marked <c>[ActivatorUtilitiesConstructor]</c> if there is one
/// (it must be usable); otherwise the usable one with the most parameters, and none when two tie for the most.
/// </para>
/// <para>
/// A constructor is usable when each parameter is a value the registry can supply: a service from DI (a type that can be
/// a generic type argument: no <c>ref</c>/<c>out</c> parameter, no pointer, no ref struct, no <c>dynamic</c>), or an
/// optional parameter (its default value is used; a reference-type parameter whose default is <see langword="null"/> is
/// given the service when it is registered), or a <c>params</c> array (given none). A class with required members
/// needs a constructor marked <c>[SetsRequiredMembers]</c>.
/// </para>
/// </remarks>
internal static class ExceptionRuleClasses
{
    private const string ActivatorUtilitiesConstructor = "Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructorAttribute";
    private const string SetsRequiredMembers = "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute";

    /// <summary>How the registry supplies a constructor argument.</summary>
    public enum ArgumentKind
    {
        /// <summary>Not at all: the parameter makes the constructor unusable.</summary>
        None,

        /// <summary>The service of the parameter's type, required (<c>RuleServices.Get</c>).</summary>
        Service,

        /// <summary>The service of the parameter's type if registered, else <see langword="null"/> (<c>RuleServices.Find</c>).</summary>
        OptionalService,

        /// <summary>Nothing: the argument is left out, so the parameter takes its default value (or an empty <c>params</c> array).</summary>
        Default,
    }

    /// <summary>
    /// The <c>T</c> of every <c>IExceptionRule&lt;T&gt;</c> the class implements (directly or through base classes or
    /// interfaces), in a stable order (<see cref="ITypeSymbol.AllInterfaces"/> order), each once, without a nullable
    /// annotation.
    /// </summary>
    public static ImmutableArray<ITypeSymbol> RuleTargets(INamedTypeSymbol type, INamedTypeSymbol ruleInterface)
    {
        var targets = ImmutableArray.CreateBuilder<ITypeSymbol>();
        foreach (var implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, ruleInterface)
                && implemented.TypeArguments.Length == 1)
            {
                var target = implemented.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                if (!Contains(targets, target))
                {
                    targets.Add(target);
                }
            }
        }

        return targets.ToImmutable();
    }

    /// <summary>
    /// Two of the <paramref name="targets"/> (the checkable ones of <see cref="RuleTargets"/>) of which every instance of
    /// the first is one of the second, such as <c>SaleOrder</c> and <c>IPriced</c> when <c>SaleOrder</c> implements
    /// <c>IPriced</c>: a <c>SaleOrder</c> would be checked by two <c>Applies</c> methods under the rule's one id. The first
    /// such pair in the order of <paramref name="targets"/>, or null.
    /// </summary>
    public static (ITypeSymbol Narrow, ITypeSymbol Wide)? OverlappingTargets(IReadOnlyList<ITypeSymbol> targets)
    {
        foreach (var narrow in targets)
        {
            foreach (var wide in targets)
            {
                if (!SymbolEqualityComparer.Default.Equals(narrow, wide) && IsA(narrow, wide))
                {
                    return (narrow, wide);
                }
            }
        }

        return null;
    }

    /// <summary>Whether every instance of the reference type <paramref name="type"/> is a <paramref name="other"/>: it derives from it or implements it.</summary>
    private static bool IsA(ITypeSymbol type, ITypeSymbol other)
    {
        if (other.SpecialType == SpecialType.System_Object)
        {
            return true;
        }

        if (other.TypeKind == TypeKind.Interface)
        {
            return type.AllInterfaces.Any(candidate => SymbolEqualityComparer.Default.Equals(candidate, other));
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, other))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Why the registry cannot check rules over <paramref name="target"/> (a <c>T</c> of <see cref="RuleTargets"/>), as a
    /// short English phrase about the type, such as "is a value type"; <see langword="null"/> when it can: a class,
    /// record or interface, not generic over a type parameter, accessible from the assembly.
    /// </summary>
    public static string? WhyNotTarget(ITypeSymbol target)
    {
        if (target is not INamedTypeSymbol named || target.TypeKind is TypeKind.Error)
        {
            return target.TypeKind is TypeKind.Array ? "is an array type" : "is not a class or an interface";
        }

        if (!target.IsReferenceType)
        {
            return "is a value type";
        }

        if (target.TypeKind is TypeKind.Delegate)
        {
            return "is a delegate type";
        }

        if (ContainsTypeParameter(named))
        {
            return "depends on a type parameter";
        }

        return WhyObsoleteError(named) ?? WhyNotAccessible(named);
    }

    /// <summary>
    /// Why the registry cannot create an instance of the class, as a short English phrase about it, such as
    /// "is abstract" (abstract, static, open generic, not accessible from its assembly, no usable constructor, ...);
    /// <see langword="null"/> when it can.
    /// </summary>
    public static string? WhyNotCreatable(INamedTypeSymbol type)
        => WhyNotCreatableAsDeclared(type) ?? (Constructor(type) is null ? WhyNoConstructor(type) : null);

    /// <summary>
    /// The constructor the registry calls when it can create the class (<see cref="WhyNotCreatable"/> is
    /// <see langword="null"/>), else <see langword="null"/>: both answers for the cost of one.
    /// </summary>
    public static IMethodSymbol? CreationConstructor(INamedTypeSymbol type)
        => WhyNotCreatableAsDeclared(type) is null ? Constructor(type) : null;

    /// <summary>Why the registry cannot create the class whatever its constructors (<see cref="WhyNotCreatable"/> before them).</summary>
    private static string? WhyNotCreatableAsDeclared(INamedTypeSymbol type)
    {
        if (type.TypeKind is not TypeKind.Class)
        {
            return "is not a class";
        }

        if (type.IsStatic)
        {
            return "is static";
        }

        if (type.IsAbstract)
        {
            return "is abstract";
        }

        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                return ReferenceEquals(current, type) ? "is generic" : "is nested in a generic type";
            }
        }

        var inaccessible = WhyNotAccessible(type);
        if (inaccessible is not null)
        {
            return inaccessible;
        }

        return WhyObsoleteError(type);
    }

    /// <summary>Why <see cref="Constructor"/> found none, for a class that has no usable constructor.</summary>
    private static string WhyNoConstructor(INamedTypeSymbol type)
    {
        var candidates = Candidates(type);
        if (candidates.Count == 0)
        {
            return "has no public or internal constructor (that is not obsolete as an error)";
        }

        var marked = Marked(candidates);
        if (marked.Count > 1)
        {
            return "has several constructors marked [ActivatorUtilitiesConstructor]";
        }

        if (marked.Count == 1)
        {
            return Usable(marked[0]) ? "has required members its constructor does not set" : "has a constructor marked [ActivatorUtilitiesConstructor] whose parameters cannot be taken from services";
        }

        var usable = candidates.FindAll(Usable);
        if (usable.Count == 0)
        {
            return "has no constructor whose parameters can be taken from services";
        }

        return IsAmbiguous(usable)
            ? "has several constructors with the most parameters; mark one with [ActivatorUtilitiesConstructor]"
            : "has required members its constructor does not set";
    }

    /// <summary>
    /// Why the values of an <c>[ExceptionRule]</c> attribute cannot describe a rule, as a short English phrase such as
    /// "has an empty id" (empty or blank id, empty, blank or padded tag or rule set, a severity that is not a member of
    /// <c>RuleSeverity</c>, or an attribute with errors); <see langword="null"/> when they can.
    /// </summary>
    public static string? WhyInvalid(AttributeData attribute)
    {
        if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 1)
        {
            return "has an [ExceptionRule] attribute with errors";
        }

        if (attribute.ConstructorArguments[0].Value is not string id || string.IsNullOrWhiteSpace(id))
        {
            return "has an empty id";
        }

        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value;
            switch (argument.Key)
            {
                case "Tags" when HasBlankEntry(value):
                    return "has an empty or padded tag";
                case "RuleSets" when HasBlankEntry(value):
                    return "has an empty or padded rule set";
                case "Severity" when value.Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } severity || MemberName(severity, value.Value) is null:
                    return "has a severity that is not a member of RuleSeverity";
            }
        }

        return null;
    }

    /// <summary>The name of the member of <paramref name="enumType"/> whose value is <paramref name="value"/>, or <see langword="null"/>.</summary>
    public static string? MemberName(INamedTypeSymbol enumType, object? value)
    {
        foreach (var member in enumType.GetMembers())
        {
            if (member is IFieldSymbol { HasConstantValue: true } field && Equals(field.ConstantValue, value))
            {
                return field.Name;
            }
        }

        return null;
    }

    /// <summary>The constructor the registry calls (see the class remarks), or <see langword="null"/> when there is none.</summary>
    public static IMethodSymbol? Constructor(INamedTypeSymbol type)
    {
        var candidates = Candidates(type);
        var marked = Marked(candidates);
        IMethodSymbol? chosen;
        if (marked.Count > 0)
        {
            chosen = marked.Count == 1 && Usable(marked[0]) ? marked[0] : null;
        }
        else
        {
            var usable = candidates.FindAll(Usable);
            chosen = usable.Count == 0 || IsAmbiguous(usable) ? null : Longest(usable);
        }

        return chosen is not null && (!HasRequiredMembers(type) || MetadataNames.HasAttribute(chosen, SetsRequiredMembers)) ? chosen : null;
    }

    /// <summary>How the registry supplies <paramref name="parameter"/> of a constructor; <see cref="ArgumentKind.None"/> when it cannot.</summary>
    public static ArgumentKind Argument(IParameterSymbol parameter)
    {
        if (parameter.RefKind is not (RefKind.None or RefKind.In))
        {
            return ArgumentKind.None;
        }

        if (parameter.IsParams)
        {
            return ArgumentKind.Default;
        }

        var type = parameter.Type;
        if (parameter.HasExplicitDefaultValue)
        {
            return parameter.ExplicitDefaultValue is null && type.IsReferenceType && CanBeService(type)
                ? ArgumentKind.OptionalService
                : ArgumentKind.Default;
        }

        return CanBeService(type) ? ArgumentKind.Service : ArgumentKind.None;
    }

    /// <summary>
    /// The type a <see cref="ArgumentKind.Service"/> or <see cref="ArgumentKind.OptionalService"/> parameter asks DI
    /// for: its type without a nullable annotation, and <c>V</c> for a <c>Nullable&lt;V&gt;</c>.
    /// </summary>
    public static ITypeSymbol ServiceType(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return nullable.TypeArguments[0];
        }

        return type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
    }

    /// <summary>Whether an array of names has an entry that is null, empty, blank, or starts or ends with whitespace (see ST5006).</summary>
    private static bool HasBlankEntry(TypedConstant value)
    {
        if (value.Kind is not TypedConstantKind.Array || value.IsNull)
        {
            return false;
        }

        foreach (var entry in value.Values)
        {
            if (entry.Value is not string text || string.IsNullOrWhiteSpace(text) || text.Trim().Length != text.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static bool CanBeService(ITypeSymbol type) =>
        !ObsoleteSymbols.IsError(type)
        && type.TypeKind is not (TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Dynamic or TypeKind.Error or TypeKind.TypeParameter)
        && !type.IsRefLikeType
        && type.SpecialType is not (SpecialType.System_Void or SpecialType.System_TypedReference or SpecialType.System_ArgIterator or SpecialType.System_RuntimeArgumentHandle);

    private static bool Usable(IMethodSymbol constructor)
    {
        foreach (var parameter in constructor.Parameters)
        {
            if (Argument(parameter) is ArgumentKind.None)
            {
                return false;
            }
        }

        return true;
    }

    private static List<IMethodSymbol> Candidates(INamedTypeSymbol type)
    {
        var candidates = new List<IMethodSymbol>();
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal
                && !ObsoleteSymbols.IsErrorItself(constructor))
            {
                candidates.Add(constructor);
            }
        }

        return candidates;
    }

    private static List<IMethodSymbol> Marked(List<IMethodSymbol> candidates) =>
        candidates.FindAll(static constructor => MetadataNames.HasAttribute(constructor, ActivatorUtilitiesConstructor));

    private static IMethodSymbol Longest(List<IMethodSymbol> constructors)
    {
        var longest = constructors[0];
        foreach (var constructor in constructors)
        {
            if (constructor.Parameters.Length > longest.Parameters.Length)
            {
                longest = constructor;
            }
        }

        return longest;
    }

    private static bool IsAmbiguous(List<IMethodSymbol> usable)
    {
        var most = Longest(usable).Parameters.Length;
        return usable.FindAll(constructor => constructor.Parameters.Length == most).Count > 1;
    }

    private static bool HasRequiredMembers(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Why code outside <paramref name="type"/> cannot name it without error CS0619 (it, a type that contains it, or a type
    /// argument of it is <c>[Obsolete(message, true)]</c>), as a short English phrase; <see langword="null"/> when it can.
    /// </summary>
    private static string? WhyObsoleteError(INamedTypeSymbol type)
    {
        if (ObsoleteSymbols.IsErrorItself(type))
        {
            return "is obsolete (as an error)";
        }

        return ObsoleteSymbols.IsError(type) ? "is nested in or made of a type that is obsolete (as an error)" : null;
    }

    /// <summary>Why code elsewhere in the assembly cannot name <paramref name="type"/>; <see langword="null"/> when it can.</summary>
    private static string? WhyNotAccessible(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
            {
                return ReferenceEquals(current, type) ? "is file-local" : "is nested in a file-local type";
            }

            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal or Accessibility.NotApplicable))
            {
                return ReferenceEquals(current, type)
                    ? "is private or protected, so the rest of the assembly cannot create it"
                    : "is nested in a private or protected type, so the rest of the assembly cannot create it";
            }
        }

        foreach (var argument in type.TypeArguments)
        {
            if (argument is INamedTypeSymbol named && WhyNotAccessible(named) is { } why)
            {
                return why;
            }
        }

        return null;
    }

    private static bool ContainsTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => ContainsTypeParameter(array.ElementType),
        INamedTypeSymbol named => (named.ContainingType is not null && ContainsTypeParameter(named.ContainingType))
            || named.TypeArguments.Any(ContainsTypeParameter),
        _ => false,
    };

    private static bool Contains(ImmutableArray<ITypeSymbol>.Builder types, ITypeSymbol type)
    {
        foreach (var existing in types)
        {
            if (SymbolEqualityComparer.Default.Equals(existing, type))
            {
                return true;
            }
        }

        return false;
    }
}
