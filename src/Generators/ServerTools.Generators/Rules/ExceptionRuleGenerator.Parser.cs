using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.Rules;

public sealed partial class ExceptionRuleGenerator
{
    /// <summary>
    /// Turns an <c>[ExceptionRule]</c> class symbol into an <see cref="ExceptionRuleSpec"/>, and the specs of the
    /// compilation into one <see cref="ExceptionRuleRegistrySpec"/>; nothing of Roslyn survives past <see cref="Parse"/>.
    /// Which classes are valid, and which constructor is called, is decided by <see cref="ExceptionRuleClasses"/>, which
    /// the analyzers share (see its remarks for the constructor rule).
    /// </summary>
    internal static class Parser
    {
        private const string RuleInterface = "global::ServerTools.IExceptionRule";

        /// <summary>The namespace of the generated ServerTools classes (whose names every such assembly has), with the dot.</summary>
        private const string GeneratedNamespace = "ServerTools.Generated.";

        /// <summary>Names of types, with the nullable annotations of their type arguments (so a service type matches its parameter).</summary>
        private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>
        /// The rule class, or null when it is invalid (the analyzers report why), checks no usable entity type, or checks one
        /// type through two of its interfaces (ST5009).
        /// </summary>
        public static ExceptionRuleSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var ruleInterface = context.SemanticModel.Compilation.GetTypeByMetadataName(AttributeNames.ExceptionRuleInterface);
            if (context.TargetSymbol is not INamedTypeSymbol type
                || ruleInterface is null
                || ExceptionRuleClasses.WhyInvalid(context.Attributes[0]) is not null
                || ExceptionRuleClasses.CreationConstructor(type) is not { } constructor)
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var checkable = ExceptionRuleClasses.RuleTargets(type, ruleInterface).Where(static target => ExceptionRuleClasses.WhyNotTarget(target) is null).ToList();
            if (checkable.Count == 0 || ExceptionRuleClasses.OverlappingTargets(checkable) is not null)
            {
                return null;
            }

            var suppressed = new SuppressedDiagnostics().Add(type).Add(constructor);
            var targets = new List<RuleTargetSpec>();
            foreach (var target in checkable)
            {
                var targetName = target.ToDisplayString(s_typeFormat);
                targets.Add(new RuleTargetSpec(targetName, Receiver(type, ruleInterface, target, targetName, suppressed)));
                suppressed.Add(target);
            }

            var attribute = context.Attributes[0];
            var id = (string)attribute.ConstructorArguments[0].Value!;
            var severity = "Warning";
            var sequence = 10;
            string? message = null;
            string? name = null;
            string? description = null;
            var tags = new EquatableArray<string>([]);
            var ruleSets = new EquatableArray<string>([]);
            foreach (var argument in attribute.NamedArguments)
            {
                var value = argument.Value;
                switch (argument.Key)
                {
                    case "Severity":
                        severity = ExceptionRuleClasses.MemberName((INamedTypeSymbol)value.Type!, value.Value)!;
                        break;
                    case "Sequence" when value.Value is int number:
                        sequence = number;
                        break;
                    case "Message":
                        message = value.Value as string;
                        break;
                    case "Name":
                        name = value.Value as string;
                        break;
                    case "Description":
                        description = value.Value as string;
                        break;
                    case "Tags":
                        tags = Strings(value);
                        break;
                    case "RuleSets":
                        ruleSets = Strings(value);
                        break;
                }
            }

            return new ExceptionRuleSpec(
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                type.ToDisplayString(),
                id,
                severity,
                sequence,
                message,
                name,
                description,
                tags,
                ruleSets,
                Arguments(constructor, suppressed),
                targets.ToEquatableArray(),
                suppressed.ToEquatableArray());
        }

        /// <summary>
        /// For each assembly <paramref name="compilation"/> references that holds ServerTools code rules (or the generated
        /// loader of the rules of the assemblies it references), one type of it that the compilation can name in
        /// <c>typeof</c>, as <c>global::Shop.Rules.DiscountLimit</c>: a public rule class (the first by metadata name), else a
        /// public top-level type, else one the compilation sees through <c>InternalsVisibleTo</c>. An assembly with no such
        /// type is left out (it cannot be named, so it cannot be loaded without reflection). Ordered (ordinal), so the value is
        /// equal between runs while the references do not change; the walk of each assembly's types is cached per assembly
        /// symbol (see <see cref="ReferencedRuleAssemblies"/>), so an edit costs a look-up per reference.
        /// </summary>
        public static EquatableArray<string> ReferencedRuleTypes(Compilation compilation, CancellationToken cancellationToken)
        {
            // A module initializer needs C# 9: a project on an older language version gets no loader rather than CS8400.
            if (compilation is CSharpCompilation { LanguageVersion: < LanguageVersion.CSharp9 }
                || compilation.GetTypeByMetadataName(AttributeNames.ExceptionRule) is not { } attribute)
            {
                return default;
            }

            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var assembly in ReferencedRuleAssemblies.Of(compilation, attribute.ContainingAssembly.Name, cancellationToken))
            {
                if (IsGlobal(compilation, assembly.Assembly) && Loadable(compilation, assembly) is { } type)
                {
                    names.Add(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
                }
            }

            return names.ToEquatableArray();
        }

        /// <summary>Whether the types of <paramref name="assembly"/> are in the global namespace of the compilation (its reference has no extern alias, or has <c>global</c> among them).</summary>
        private static bool IsGlobal(Compilation compilation, IAssemblySymbol assembly)
            => compilation.GetMetadataReference(assembly)?.Properties.Aliases is not { IsDefaultOrEmpty: false } aliases || aliases.Contains("global");

        /// <summary>The type of <paramref name="assembly"/> the loader names (see <see cref="ReferencedRuleTypes"/>), or null.</summary>
        private static INamedTypeSymbol? Loadable(Compilation compilation, RuleAssembly assembly)
        {
            var rules = assembly.Rules.Select(static rule => rule.Type)
                .OrderBy(static type => ReferencedRuleAssemblies.MetadataName(type), StringComparer.Ordinal)
                .ToList();
            var candidates = rules.Where(static type => type.DeclaredAccessibility is Accessibility.Public)
                .Concat(assembly.TopLevelTypes.Where(static type => type.DeclaredAccessibility is Accessibility.Public))
                .Concat(rules.Where(static type => type.DeclaredAccessibility is not Accessibility.Public))
                .Concat(assembly.TopLevelTypes.Where(static type => type.DeclaredAccessibility is not Accessibility.Public));
            return candidates.FirstOrDefault(type => Nameable(compilation, type));
        }

        /// <summary>
        /// Whether generated code of <paramref name="compilation"/> can write <c>typeof(global::N.T)</c> for
        /// <paramref name="type"/> without an error or a warning: not generic, a name C# can write, not obsolete or experimental
        /// (nor its module or assembly), accessible, and the type the name binds to (<see cref="BindsTo"/>), and not a generated
        /// ServerTools class (whose name every assembly has).
        /// </summary>
        private static bool Nameable(Compilation compilation, INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.Arity > 0 || !current.CanBeReferencedByName || IsObsoleteOrExperimental(current.GetAttributes()))
                {
                    return false;
                }
            }

            var metadataName = ReferencedRuleAssemblies.MetadataName(type);
            return !metadataName.StartsWith(GeneratedNamespace, StringComparison.Ordinal)
                && !IsObsoleteOrExperimental(type.ContainingModule.GetAttributes())
                && !IsObsoleteOrExperimental(type.ContainingAssembly.GetAttributes())
                && compilation.IsSymbolAccessibleWithin(type, compilation.Assembly)
                && SymbolEqualityComparer.Default.Equals(compilation.GetTypeByMetadataName(metadataName), type)
                && BindsTo(compilation, type);
        }

        /// <summary>
        /// Whether <c>global::N1.N2.T</c> binds to <paramref name="type"/> in <paramref name="compilation"/>: each namespace
        /// of the name is only a namespace in the compilation's global namespace (no type of the compilation or of another
        /// reference has its name: CS0426, CS0434, CS0118), and each type of it is the one type of that name there.
        /// </summary>
        private static bool BindsTo(Compilation compilation, INamedTypeSymbol type)
        {
            var namespaces = new Stack<string>();
            for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                namespaces.Push(ns.Name);
            }

            var types = new Stack<INamedTypeSymbol>();
            for (var current = type; current is not null; current = current.ContainingType)
            {
                types.Push(current);
            }

            INamespaceOrTypeSymbol scope = compilation.GlobalNamespace;
            foreach (var name in namespaces)
            {
                var members = scope.GetMembers(name);
                if (members.Length != 1 || members[0] is not INamespaceSymbol inner)
                {
                    return false;
                }

                scope = inner;
            }

            foreach (var expected in types)
            {
                var members = scope.GetMembers(expected.Name);
                if (members.Length != 1 || !SymbolEqualityComparer.Default.Equals(members[0], expected))
                {
                    return false;
                }

                scope = expected;
            }

            return true;
        }

        /// <summary>
        /// Whether a type named in the loader (or its module or assembly) would draw a diagnostic: <c>[Obsolete]</c> in any
        /// form (one with a <c>DiagnosticId</c> reports that id, which no pragma of the generated file can know) or
        /// <c>[Experimental]</c>.
        /// </summary>
        private static bool IsObsoleteOrExperimental(ImmutableArray<AttributeData> attributes)
        {
            foreach (var attribute in attributes)
            {
                if (MetadataNames.Is(attribute.AttributeClass, ObsoleteSymbols.Experimental)
                    || MetadataNames.Is(attribute.AttributeClass, ObsoleteSymbols.Obsolete))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The rule sets of the compilation: one per entity type, in ordinal order of its name, each with its rules by
        /// sequence, then id (ordinal), then class name (so even duplicate ids, which the analyzers report, keep one order).
        /// </summary>
        public static ExceptionRuleRegistrySpec Registry(ImmutableArray<ExceptionRuleSpec> rules, CancellationToken cancellationToken)
        {
            var byEntity = new SortedDictionary<string, List<RuleOfSetSpec>>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in rules.OrderBy(static rule => rule.TypeName, StringComparer.Ordinal))
            {
                // A class whose partial declarations repeat the attribute (a compile error) is found once per declaration.
                if (!seen.Add(rule.TypeName))
                {
                    continue;
                }

                foreach (var target in rule.Targets)
                {
                    if (!byEntity.TryGetValue(target.TypeName, out var set))
                    {
                        byEntity.Add(target.TypeName, set = []);
                    }

                    set.Add(new RuleOfSetSpec(rule, target.Receiver));
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            var classNames = new HashSet<string>(StringComparer.Ordinal);
            var sets = new List<ExceptionRuleSetSpec>();
            foreach (var entity in byEntity)
            {
                var ordered = entity.Value
                    .OrderBy(static rule => rule.Rule.Sequence)
                    .ThenBy(static rule => rule.Rule.Id, StringComparer.Ordinal)
                    .ThenBy(static rule => rule.Rule.TypeName, StringComparer.Ordinal);
                sets.Add(new ExceptionRuleSetSpec(UniqueClassName(entity.Key, classNames), entity.Key, ordered.ToEquatableArray()));
            }

            var suppressed = new SortedSet<string>(rules.SelectMany(static rule => rule.Suppressed), StringComparer.Ordinal);
            return new ExceptionRuleRegistrySpec(sets.ToEquatableArray(), suppressed.ToEquatableArray());
        }

        /// <summary>
        /// The type a rule is cast to before <c>Applies(entity)</c> is called: the class that declares the method
        /// implementing <c>IExceptionRule&lt;T&gt;.Applies</c> (the rule class itself, or the base class it inherits the
        /// method from: a call through it cannot bind to a method that merely hides it), or the interface itself for an
        /// explicit implementation, or when that class cannot be named (obsolete as an error).
        /// </summary>
        private static string Receiver(INamedTypeSymbol type, INamedTypeSymbol ruleInterface, ITypeSymbol target, string targetName, SuppressedDiagnostics suppressed)
        {
            var interfaceName = RuleInterface + "<" + targetName + ">";
            var implemented = type.AllInterfaces.FirstOrDefault(candidate =>
                SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, ruleInterface)
                && SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], target));
            var applies = implemented?.GetMembers("Applies").OfType<IMethodSymbol>().FirstOrDefault();
            var implementation = applies is null ? null : type.FindImplementationForInterfaceMember(applies) as IMethodSymbol;
            if (implementation is null
                || implementation.ExplicitInterfaceImplementations.Length > 0
                || implementation.ContainingType.TypeKind is TypeKind.Interface
                || ObsoleteSymbols.IsError(implementation.ContainingType))
            {
                return interfaceName;
            }

            suppressed.Add(implementation.ContainingType);
            return implementation.ContainingType.ToDisplayString(s_typeFormat);
        }

        /// <summary>The arguments the registry passes, in order; a left-out optional parameter makes the later ones named.</summary>
        private static EquatableArray<RuleArgumentSpec> Arguments(IMethodSymbol constructor, SuppressedDiagnostics suppressed)
        {
            var arguments = new List<RuleArgumentSpec>();
            var byName = false;
            foreach (var parameter in constructor.Parameters)
            {
                var kind = ExceptionRuleClasses.Argument(parameter);
                if (kind is ExceptionRuleClasses.ArgumentKind.Default)
                {
                    byName = true;
                    continue;
                }

                var serviceType = ExceptionRuleClasses.ServiceType(parameter);
                suppressed.Add(serviceType);
                arguments.Add(new RuleArgumentSpec(
                    serviceType.ToDisplayString(s_typeFormat),
                    kind is ExceptionRuleClasses.ArgumentKind.OptionalService,
                    byName ? parameter.Name : null));
            }

            return arguments.ToEquatableArray();
        }

        private static EquatableArray<string> Strings(TypedConstant value) => value.IsNull
            ? new EquatableArray<string>([])
            : value.Values.Select(static item => (string)item.Value!).ToEquatableArray();

        /// <summary>
        /// <c>Shop_SaleOrder_ExceptionRules</c> for <c>global::Shop.SaleOrder</c>: from the entity type's full name only, so
        /// it does not change when other rules are added; a name taken already (by <c>Shop_Sale.Order</c> and
        /// <c>Shop.Sale_Order</c>) gets a number, in the ordinal order of the full names.
        /// </summary>
        private static string UniqueClassName(string entityType, HashSet<string> taken)
        {
            const string Global = "global::";
            var builder = new StringBuilder();
            var start = entityType.StartsWith(Global, StringComparison.Ordinal) ? Global.Length : 0;
            for (var i = start; i < entityType.Length; i++)
            {
                var c = entityType[i];
                if (char.IsLetterOrDigit(c) || c == '_')
                {
                    builder.Append(c);
                }
                else if (builder.Length > 0 && builder[builder.Length - 1] != '_')
                {
                    builder.Append('_');
                }
            }

            var stem = builder.ToString().TrimEnd('_') + "_ExceptionRules";
            var name = stem;
            for (var number = 2; !taken.Add(name); number++)
            {
                name = stem + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return name;
        }
    }
}
