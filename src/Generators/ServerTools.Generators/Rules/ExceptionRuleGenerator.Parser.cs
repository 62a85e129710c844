using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
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
        /// <c>typeof</c>, as <c>global::Shop.Rules.DiscountLimit</c>, chosen by <see cref="ReferencedRuleLoading.Of"/>.
        /// An assembly with no such type is left out (it cannot be named, so it cannot be loaded without reflection), and the
        /// analyzers report it (ST5012), with the same decision. Ordered (ordinal), so the value is
        /// equal between runs while the references do not change; the walk of each assembly's types is cached per assembly
        /// symbol (see <see cref="ReferencedRuleAssemblies"/>), so an edit costs a look-up per reference.
        /// </summary>
        public static EquatableArray<string> ReferencedRuleTypes(Compilation compilation, CancellationToken cancellationToken)
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (_, type, _) in ReferencedRuleLoading.Of(compilation, cancellationToken))
            {
                if (type is not null)
                {
                    names.Add(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
                }
            }

            return names.ToEquatableArray();
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
        /// explicit implementation, or when that class or the method is obsolete as an error (CS0619 where it is named or
        /// called; a call through the interface draws nothing).
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
                || ObsoleteSymbols.IsError(implementation))
            {
                return interfaceName;
            }

            // The registry calls the method itself: its own [Obsolete] or [Experimental] (and its class's) is drawn there.
            suppressed.Add(implementation);
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
