using System.Threading.Tasks;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class RuleTargetNotSupportedAnalyzerTests
{
    private static string Message(string rule, string target, string reason)
        => $"'{rule}' is not registered for '{target}', because '{target}' {reason}: write the rule for a class, record or interface "
           + "that the assembly can name";

    [Fact]
    public Task Rules_for_value_types_arrays_delegates_and_private_types_are_reported_at_the_interface() => DiagnosticAssert.VerifyAsync(
        new RuleTargetNotSupportedAnalyzer(),
        """
        using System;
        using ServerTools;

        namespace Shop;

        public readonly record struct Money(decimal Amount);

        [ExceptionRule("money.negative")]
        public sealed class NegativeMoney : [|IExceptionRule<Money>|]
        {
            public bool Applies(Money money) => money.Amount < 0;
        }

        [ExceptionRule("int.negative")]
        public sealed class NegativeInt : [|IExceptionRule<int>|]
        {
            public bool Applies(int value) => value < 0;
        }

        [ExceptionRule("lines.empty")]
        public sealed class EmptyLines : [|IExceptionRule<string[]>|]
        {
            public bool Applies(string[] lines) => lines.Length == 0;
        }

        [ExceptionRule("callback.null")]
        public sealed class Callback : [|IExceptionRule<Action>|]
        {
            public bool Applies(Action action) => false;
        }

        public class Outer
        {
            private sealed class Secret
            {
            }

            [ExceptionRule("secret.any")]
            internal sealed class SecretRule : [|IExceptionRule<Secret>|]
            {
                bool IExceptionRule<Secret>.Applies(Secret secret) => false;
            }
        }
        """,
        [
            new("ST5007", Message("NegativeMoney", "Shop.Money", "is a value type"), 0),
            new("ST5007", Message("NegativeInt", "int", "is a value type"), 1),
            new("ST5007", Message("EmptyLines", "string[]", "is an array type"), 2),
            new("ST5007", Message("Callback", "System.Action", "is a delegate type"), 3),
            new("ST5007", Message("SecretRule", "Shop.Outer.Secret", "is private or protected, so the rest of the assembly cannot create it"), 4),
        ]);

    [Fact]
    public Task Rules_for_classes_records_and_interfaces_and_generic_rule_classes_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleTargetNotSupportedAnalyzer(),
        """
        using System.Collections.Generic;
        using ServerTools;

        namespace Shop;

        public record Customer(string Name);

        public interface IDiscounted
        {
            decimal Discount { get; }
        }

        [ExceptionRule("customer.name")]
        public sealed class CustomerName : IExceptionRule<Customer>, IExceptionRule<IDiscounted>, IExceptionRule<List<Customer>>
        {
            public bool Applies(Customer customer) => customer.Name.Length == 0;
            public bool Applies(IDiscounted entity) => entity.Discount > 1;
            public bool Applies(List<Customer> customers) => customers.Count == 0;
        }

        [ExceptionRule("any.generic")]
        public sealed class Generic<T> : IExceptionRule<T>
        {
            public bool Applies(T entity) => false;
        }
        """,
        ["ST5007"]);
}
