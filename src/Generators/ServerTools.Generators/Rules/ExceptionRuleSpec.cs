using ServerTools.Generators.Common;

namespace ServerTools.Generators.Rules;

/// <summary>One valid <c>[ExceptionRule]</c> class: strings, numbers and equatable arrays only, value-equal between runs.</summary>
/// <param name="TypeName">The rule class as <c>global::Shop.Rules.DiscountLimit</c>.</param>
/// <param name="DisplayName">The rule class as <c>Shop.Rules.DiscountLimit</c>, for the runtime's error messages.</param>
/// <param name="Id">The rule's id (not blank).</param>
/// <param name="Severity">The member of <c>RuleSeverity</c>: <c>Warning</c> or <c>Blocking</c>.</param>
/// <param name="Sequence">The rule's place in the evaluation order.</param>
/// <param name="Message">The attribute's <c>Message</c>, or null.</param>
/// <param name="Name">The attribute's <c>Name</c>, or null.</param>
/// <param name="Description">The attribute's <c>Description</c>, or null.</param>
/// <param name="Tags">The attribute's <c>Tags</c> (none when not given).</param>
/// <param name="RuleSets">The attribute's <c>RuleSets</c> (none when not given).</param>
/// <param name="Arguments">The constructor arguments taken from DI, in parameter order.</param>
/// <param name="Targets">Each entity type the rule checks (one per <c>IExceptionRule&lt;T&gt;</c>).</param>
/// <param name="Suppressed">
/// The diagnostics the registry draws by naming the class, its constructor, its services, entity types or base class where
/// they are obsolete or experimental (<see cref="SuppressedDiagnostics"/>), in ordinal order.
/// </param>
internal sealed record ExceptionRuleSpec(
    string TypeName,
    string DisplayName,
    string Id,
    string Severity,
    int Sequence,
    string? Message,
    string? Name,
    string? Description,
    EquatableArray<string> Tags,
    EquatableArray<string> RuleSets,
    EquatableArray<RuleArgumentSpec> Arguments,
    EquatableArray<RuleTargetSpec> Targets,
    EquatableArray<string> Suppressed);

/// <summary>One constructor argument of a rule, taken from DI.</summary>
/// <param name="ServiceType">The service asked for, as <c>global::Shop.ICreditService</c>.</param>
/// <param name="IsOptional">Whether a missing service gives <see langword="null"/> (<c>RuleServices.Find</c>) instead of an error (<c>RuleServices.Get</c>).</param>
/// <param name="ParameterName">The parameter's name, when an earlier optional parameter is left out so this argument is passed by name; else null.</param>
internal sealed record RuleArgumentSpec(string ServiceType, bool IsOptional, string? ParameterName);

/// <summary>One entity type a rule checks, and how <c>Applies</c> is called for it.</summary>
/// <param name="TypeName">The entity type, as <c>global::Shop.SaleOrder</c>: the <c>T</c> of <c>IExceptionRule&lt;T&gt;</c>.</param>
/// <param name="Receiver">The type a rule instance is cast to before <c>Applies(entity)</c> is called on it: the class that declares the implementing method, or <c>global::ServerTools.IExceptionRule&lt;T&gt;</c> for an explicit implementation.</param>
internal sealed record RuleTargetSpec(string TypeName, string Receiver);

/// <summary>The rules of one entity type, in evaluation order: one generated <c>CodeRuleSet&lt;T&gt;</c>.</summary>
/// <param name="ClassName">The generated class's name, unique in the file and derived from the entity type's full name only (<c>Shop_SaleOrder_ExceptionRules</c>).</param>
/// <param name="EntityType">The entity type, as <c>global::Shop.SaleOrder</c>.</param>
/// <param name="Rules">The rules, sorted by sequence, then id (ordinal).</param>
internal sealed record ExceptionRuleSetSpec(string ClassName, string EntityType, EquatableArray<RuleOfSetSpec> Rules);

/// <summary>A rule as one set checks it.</summary>
/// <param name="Rule">The rule class.</param>
/// <param name="Receiver">The type its instance is cast to in this set's <c>Evaluate</c> (see <see cref="RuleTargetSpec.Receiver"/>).</param>
internal sealed record RuleOfSetSpec(ExceptionRuleSpec Rule, string Receiver);

/// <summary>Every rule set of the compilation, ordered by entity type: the one generated registry file.</summary>
/// <param name="Sets">The sets, ordered by entity type name (ordinal).</param>
/// <param name="Suppressed">The <see cref="ExceptionRuleSpec.Suppressed"/> diagnostics of every rule, in ordinal order.</param>
internal sealed record ExceptionRuleRegistrySpec(EquatableArray<ExceptionRuleSetSpec> Sets, EquatableArray<string> Suppressed);
