using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Generators.Common;

namespace ServerTools.Generators.Rules;

public sealed partial class ExceptionRuleGenerator
{
    /// <summary>
    /// Writes the registry file: a file-local <c>CodeRuleSet&lt;T&gt;</c> per entity type, whose <c>Evaluate</c> is one
    /// straight-line block per rule (no delegate, no allocation, no lookup), and a module initializer that registers them.
    /// </summary>
    internal static class Emitter
    {
        private const string Info = "global::ServerTools.ExceptionRuleInfo";
        private const string Severity = "global::ServerTools.RuleSeverity";
        private const string RuleServices = "global::ServerTools.Rules.RuleServices";

        public static string Emit(ExceptionRuleRegistrySpec registry)
        {
            var writer = new SourceWriter().FileHeader()
                .Line("// A rule class, its constructor or its entity type may be obsolete: it is still registered, without a warning here.")
                .Line("#pragma warning disable CS0612, CS0618")
                .Line()
                .OpenBlock("namespace ServerTools.Generated");

            foreach (var set in registry.Sets)
            {
                WriteSet(writer, set);
                writer.Line();
            }

            writer
                .Line("/// <summary>Registers the exception rules of this assembly when it is loaded.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .OpenBlock("file static class ExceptionRuleRegistration")
                .Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
                .OpenBlock("internal static void Register()");
            foreach (var set in registry.Sets)
            {
                writer.Line("global::ServerTools.Rules.ExceptionRuleRegistry.Register(new " + set.ClassName + "());");
            }

            return writer
                .CloseBlock()
                .CloseBlock()
                .CloseBlock()
                .ToString();
        }

        private static void WriteSet(SourceWriter writer, ExceptionRuleSetSpec set)
        {
            writer
                .Line("/// <summary>The exception rules of <see cref=\"" + set.EntityType + "\"/> in this assembly, in evaluation order.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .OpenBlock("file sealed class " + set.ClassName + " : global::ServerTools.Rules.CodeRuleSet<" + set.EntityType + ">")
                .Line("public " + set.ClassName + "()")
                .Line("    : base(new " + Info + "[]")
                .Line("    {");
            foreach (var entry in set.Rules)
            {
                WriteInfo(writer, set.EntityType, entry.Rule);
            }

            writer
                .Line("    })")
                .Line("{")
                .Line("}")
                .Line()
                .Line("/// <inheritdoc />")
                .OpenBlock("public override object[] CreateRules(global::System.IServiceProvider services)")
                .Line("return new object[]")
                .Line("{");
            foreach (var entry in set.Rules)
            {
                writer.Line("    " + Creation(entry.Rule) + ",");
            }

            writer
                .Line("};")
                .CloseBlock()
                .Line()
                .Line("/// <inheritdoc />")
                .OpenBlock("public override void Evaluate(" + set.EntityType + " entity, object[] rules, ref global::ServerTools.Rules.RuleRun run)");
            for (var i = 0; i < set.Rules.Count; i++)
            {
                if (i > 0)
                {
                    writer.Line();
                }

                var index = i.ToString(CultureInfo.InvariantCulture);
                writer
                    .OpenBlock("if (run.IsActive(" + index + "))")
                    .OpenBlock("try")
                    .OpenBlock("if (((" + set.Rules[i].Receiver + ")rules[" + index + "]).Applies(entity))")
                    .Line("run.Violated(" + index + ");")
                    .CloseBlock()
                    .CloseBlock()
                    .OpenBlock("catch (global::System.Exception exception)")
                    .Line("run.Failed(" + index + ", exception);")
                    .CloseBlock()
                    .CloseBlock();
            }

            writer.CloseBlock();
            if (set.Rules.Count > 0)
            {
                WriteEvaluateAll(writer, set);
            }

            writer.CloseBlock();
        }

        /// <summary>
        /// The path for when every rule is active: one handler around the whole chain, no mask checks. When a rule
        /// throws, the violations it added are discarded and the set runs again through <c>Evaluate</c>, which
        /// reports the failure of that rule and still runs the others.
        /// </summary>
        private static void WriteEvaluateAll(SourceWriter writer, ExceptionRuleSetSpec set)
        {
            writer
                .Line()
                .Line("/// <inheritdoc />")
                .OpenBlock("public override void EvaluateAll(" + set.EntityType + " entity, object[] rules, ref global::ServerTools.Rules.RuleRun run)")
                .Line("var count = run.Count;")
                .OpenBlock("try");
            if (set.Rules.Count > 1)
            {
                writer.Line("_ = rules[" + (set.Rules.Count - 1).ToString(CultureInfo.InvariantCulture) + "]; // one bounds check for the whole chain");
            }

            for (var i = 0; i < set.Rules.Count; i++)
            {
                var index = i.ToString(CultureInfo.InvariantCulture);
                writer
                    .OpenBlock("if (((" + set.Rules[i].Receiver + ")rules[" + index + "]).Applies(entity))")
                    .Line("run.Violated(" + index + ");")
                    .CloseBlock();
            }

            writer
                .CloseBlock()
                .OpenBlock("catch (global::System.Exception)")
                .Line("run.Rewind(count);")
                .Line("Evaluate(entity, rules, ref run);")
                .CloseBlock()
                .CloseBlock();
        }

        private static void WriteInfo(SourceWriter writer, string entityType, ExceptionRuleSpec rule)
        {
            writer
                .Line("        new " + Info + "(")
                .Line("            id: " + Literal(rule.Id) + ",")
                .Line("            entityType: typeof(" + entityType + "),")
                .Line("            severity: " + Severity + "." + rule.Severity + ",")
                .Line("            sequence: " + rule.Sequence.ToString(CultureInfo.InvariantCulture) + ",")
                .Line("            message: " + Literal(rule.Message) + ",")
                .Line("            name: " + Literal(rule.Name) + ",")
                .Line("            description: " + Literal(rule.Description) + ",")
                .Line("            tags: " + Strings(rule.Tags) + ",")
                .Line("            ruleSets: " + Strings(rule.RuleSets) + ",")
                .Line("            ruleType: typeof(" + rule.TypeName + ")),");
        }

        /// <summary><c>new global::Shop.CreditLimit(RuleServices.Get&lt;global::Shop.ICreditService&gt;(services, "id", "Shop.CreditLimit"))</c>.</summary>
        private static string Creation(ExceptionRuleSpec rule)
        {
            var text = new System.Text.StringBuilder("new ").Append(rule.TypeName).Append('(');
            for (var i = 0; i < rule.Arguments.Count; i++)
            {
                var argument = rule.Arguments[i];
                if (i > 0)
                {
                    text.Append(", ");
                }

                if (argument.ParameterName is { } name)
                {
                    text.Append('@').Append(name).Append(": ");
                }

                text.Append(RuleServices);
                if (argument.IsOptional)
                {
                    text.Append(".Find<").Append(argument.ServiceType).Append(">(services)");
                }
                else
                {
                    text.Append(".Get<").Append(argument.ServiceType).Append(">(services, ")
                        .Append(Literal(rule.Id)).Append(", ").Append(Literal(rule.DisplayName)).Append(')');
                }
            }

            return text.Append(')').ToString();
        }

        private static string Strings(EquatableArray<string> values)
        {
            if (values.Count == 0)
            {
                return "null";
            }

            var text = new System.Text.StringBuilder("new string[] { ");
            for (var i = 0; i < values.Count; i++)
            {
                text.Append(i > 0 ? ", " : "").Append(Literal(values[i]));
            }

            return text.Append(" }").ToString();
        }

        private static string Literal(string? value) => value is null ? "null" : SymbolDisplay.FormatLiteral(value, quote: true);
    }
}
