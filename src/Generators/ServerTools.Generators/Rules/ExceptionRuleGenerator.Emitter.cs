using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Generators.Common;
using ServerTools.Shared;

namespace ServerTools.Generators.Rules;

public sealed partial class ExceptionRuleGenerator
{
    /// <summary>
    /// Writes the registry file: a class per entity type, a <c>CodeRuleSet&lt;T&gt;</c> with its <c>CodeRules</c> (the rule
    /// instances of a scope in typed fields, and <c>Evaluate</c>: one straight-line block per rule, no delegate, no
    /// allocation, no lookup), nested private in the class whose module initializer registers the sets. Valid C# 9 (no
    /// <c>file</c> class, which needs C# 11): the one type at namespace level is internal, and nothing names it, so the same
    /// registry in an assembly that sees this one's internals does not clash with it.
    /// </summary>
    internal static class Emitter
    {
        private const string Info = "global::ServerTools.ExceptionRuleInfo";
        private const string Severity = "global::ServerTools.RuleSeverity";
        private const string RuleServices = "global::ServerTools.Rules.RuleServices";

        public static string Emit(ExceptionRuleRegistrySpec registry)
        {
            var writer = new SourceWriter().FileHeader()
                .Suppress(registry.Suppressed)
                .OpenBlock("namespace ServerTools.Generated")
                .Line("/// <summary>Registers the exception rules of this assembly when it is loaded.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
                .OpenBlock("internal static class " + ReferencedRuleAssemblies.RegistryClassName)
                .Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
                .OpenBlock("internal static void Register()");
            foreach (var set in registry.Sets)
            {
                writer.Line("global::ServerTools.Rules.ExceptionRuleRegistry.Register(new " + set.ClassName + "());");
            }

            writer.CloseBlock();
            foreach (var set in registry.Sets)
            {
                writer.Line();
                WriteSet(writer, set);
            }

            return writer
                .CloseBlock()
                .CloseBlock()
                .ToString();
        }

        /// <summary>
        /// Writes the loader of the code rules of referenced assemblies: a module initializer that runs the module
        /// constructor of each assembly one of <paramref name="types"/> is in, so its generated module initializer registers
        /// its rules (or loads those of the assemblies it references) although the application never uses its types.
        /// </summary>
        public static string EmitReferencedRules(EquatableArray<string> types)
        {
            // No pragma: the parser names no obsolete or experimental type (ReferencedRuleLoading).
            var writer = new SourceWriter().FileHeader()
                .OpenBlock("namespace ServerTools.Generated")
                .Line("/// <summary>Loads the exception rules of the referenced assemblies that have some when this assembly is loaded.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
                .OpenBlock("internal static class " + ReferencedRuleAssemblies.LoaderClassName)
                .Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
                .OpenBlock("internal static void Load()");
            foreach (var type in types)
            {
                writer.Line("global::System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(" + type + ").Module.ModuleHandle);");
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
                .OpenBlock("private sealed class " + set.ClassName + " : global::ServerTools.Rules.CodeRuleSet<" + set.EntityType + ">")
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
                .Line("public override global::ServerTools.Rules.CodeRules CreateRules(global::System.IServiceProvider services) => new " + InstancesName(set) + "(services);")
                .CloseBlock()
                .Line();
            WriteInstances(writer, set);
        }

        private static string InstancesName(ExceptionRuleSetSpec set) => set.ClassName + "_Instances";

        /// <summary>
        /// The rule instances of one DI scope: a readonly field per rule, of the rule's own class, so <c>Evaluate</c>
        /// calls each <c>Applies</c> without a cast or an array access, and the JIT can inline it.
        /// </summary>
        private static void WriteInstances(SourceWriter writer, ExceptionRuleSetSpec set)
        {
            writer
                .Line("/// <summary>The instances of the rules of <see cref=\"" + set.ClassName + "\"/> for one scope, and the straight-line checks that call them.</summary>")
                .Line(GeneratorInfo.GeneratedCodeAttribute)
                .OpenBlock("private sealed class " + InstancesName(set) + " : global::ServerTools.Rules.CodeRules");
            for (var i = 0; i < set.Rules.Count; i++)
            {
                writer.Line("private readonly " + set.Rules[i].Rule.TypeName + " " + Field(i) + ";");
            }

            if (set.Rules.Count > 0)
            {
                writer.Line();
            }

            writer.OpenBlock("public " + InstancesName(set) + "(global::System.IServiceProvider services)");
            for (var i = 0; i < set.Rules.Count; i++)
            {
                writer.Line(Field(i) + " = " + Creation(set.Rules[i].Rule) + ";");
            }

            writer
                .CloseBlock()
                .Line()
                .Line("/// <inheritdoc />")
                .OpenBlock("public override void Evaluate(object entity, ref global::ServerTools.Rules.RuleRun run)")
                .Line("var target = (" + set.EntityType + ")entity;");
            for (var i = 0; i < set.Rules.Count; i++)
            {
                var index = i.ToString(CultureInfo.InvariantCulture);
                writer
                    .Line()
                    .OpenBlock("if (run.IsActive(" + index + "))")
                    .OpenBlock("try")
                    .OpenBlock("if (" + Call(set.Rules[i], i) + ")")
                    .Line("run.Violated(" + index + ");")
                    .CloseBlock()
                    .CloseBlock()
                    .OpenBlock("catch (global::System.Exception exception)")
                    .Line("run.Failed(" + index + ", exception);")
                    .CloseBlock()
                    .CloseBlock();
            }

            writer
                .CloseBlock()
                .Line();
            WriteEvaluateAll(writer, set);
            writer.CloseBlock();
        }

        /// <summary>
        /// The path for when every rule is active: one handler around the whole chain, no mask checks. <c>next</c> says
        /// which rule runs; when one throws, it is reported as failed and the rules after it run through <c>Evaluate</c>,
        /// each in a handler of its own, so every rule runs once and every exception is reported. The chain is a method of
        /// its own, so that nothing in it but <c>next</c> is live into the handler and the JIT keeps the rules and the
        /// entity in registers.
        /// </summary>
        private static void WriteEvaluateAll(SourceWriter writer, ExceptionRuleSetSpec set)
        {
            writer
                .Line("/// <inheritdoc />")
                .OpenBlock("public override void EvaluateAll(object entity, ref global::ServerTools.Rules.RuleRun run)")
                .Line("var next = 0;")
                .OpenBlock("try")
                .Line("Check((" + set.EntityType + ")entity, ref run, ref next);")
                .CloseBlock()
                .OpenBlock("catch (global::System.Exception exception)")
                .Line("run.Failed(next, exception);")
                .Line("run.ResumeAfter(next);")
                .Line("Evaluate(entity, ref run);")
                .CloseBlock()
                .CloseBlock()
                .Line()
                .OpenBlock("private void Check(" + set.EntityType + " target, ref global::ServerTools.Rules.RuleRun run, ref int next)");
            for (var i = 0; i < set.Rules.Count; i++)
            {
                if (i > 0)
                {
                    writer.Line("next = " + i.ToString(CultureInfo.InvariantCulture) + ";");
                }

                writer
                    .OpenBlock("if (" + Call(set.Rules[i], i) + ")")
                    .Line("run.Violated(" + i.ToString(CultureInfo.InvariantCulture) + ");")
                    .CloseBlock();
            }

            writer.CloseBlock();
        }

        private static string Field(int index) => "_rule" + index.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// <c>_rule2.Applies(target)</c>; through the receiver when it is not the rule's class (a base class that declares
        /// <c>Applies</c>, or the interface of an explicit implementation): an upcast, checked by the compiler, not at run time.
        /// </summary>
        private static string Call(RuleOfSetSpec rule, int index)
            => (rule.Receiver == rule.Rule.TypeName ? Field(index) : "((" + rule.Receiver + ")" + Field(index) + ")") + ".Applies(target)";

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
