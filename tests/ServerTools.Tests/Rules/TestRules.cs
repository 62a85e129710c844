using System;

namespace ServerTools.Tests.Rules;

// The code rules of the rule tests. The generator registers them when this assembly loads, so every engine of the test
// run knows them: tests that evaluate an Order see all of these.

/// <summary>The credit limits a rule reads from DI.</summary>
public interface ICreditLimits
{
    decimal LimitFor(int? customerId);
}

/// <summary>A customer directory that no test registers: the rule that needs it cannot be created.</summary>
public interface ICustomerDirectory
{
    bool IsKnown(string name);
}

public sealed class FixedCreditLimits(decimal limit) : ICreditLimits
{
    public int Calls { get; private set; }

    public decimal LimitFor(int? customerId)
    {
        Calls++;
        return limit;
    }
}

[ExceptionRule("order.no_customer", Sequence = 5, Message = "The order has no customer", RuleSets = ["confirm", "invoice"], Tags = ["data-quality"])]
public sealed class OrderWithoutCustomer : IExceptionRule<Order>
{
    public bool Applies(Order entity) => entity.CustomerId is null;
}

[ExceptionRule("order.discount_limit", Severity = RuleSeverity.Blocking, Sequence = 10, Message = "A discount above 30% needs a manager's approval", RuleSets = ["confirm"])]
public sealed class DiscountLimit : IExceptionRule<Order>
{
    public bool Applies(Order entity) => entity.Discount > 0.30m;
}

[ExceptionRule("discounted.negative", Severity = RuleSeverity.Blocking, Sequence = 15, Message = "A discount cannot be negative")]
public sealed class NegativeDiscount : IExceptionRule<IDiscounted>
{
    public bool Applies(IDiscounted entity) => entity.Discount < 0;
}

[ExceptionRule("order.big_quantity", Sequence = 20, Name = "Big quantity", Description = "Quantities above 100 are checked by the warehouse.")]
public sealed class BigQuantity : IExceptionRule<Order>
{
    public bool Applies(Order entity) => entity.Quantity > 100;
}

[ExceptionRule("order.credit_limit", Severity = RuleSeverity.Blocking, Sequence = 25, Message = "The amount is above the customer's credit limit", RuleSets = ["invoice"])]
public sealed class CreditLimit(ICreditLimits limits) : IExceptionRule<Order>
{
    public bool Applies(Order entity) => entity.Amount > limits.LimitFor(entity.CustomerId);
}

[ExceptionRule("order.note_parser", Sequence = 30, Message = "The note asks for a callback")]
public sealed class NoteParser : IExceptionRule<Order>
{
    public bool Applies(Order entity) => entity.Note == "boom"
        ? throw new InvalidOperationException("The note parser broke.")
        : entity.Note?.Contains("call me", StringComparison.Ordinal) == true;
}

[ExceptionRule("rush.deadline_passed", Sequence = 1, Message = "The deadline is before the order")]
public sealed class DeadlinePassed : IExceptionRule<RushOrder>
{
    public bool Applies(RushOrder entity) => entity.Deadline < entity.OrderedAt;
}

[ExceptionRule("customer.unknown", Severity = RuleSeverity.Blocking, Message = "The customer is not in the directory")]
public sealed class UnknownCustomer(ICustomerDirectory directory) : IExceptionRule<Customer>
{
    public bool Applies(Customer entity) => !directory.IsKnown(entity.Name);
}

[ExceptionRule("discounted.huge", Severity = RuleSeverity.Blocking, Sequence = 16, Message = "A discount above 100% gives money away")]
public sealed class HugeDiscount : IExceptionRule<IDiscounted>
{
    bool IExceptionRule<IDiscounted>.Applies(IDiscounted entity) => entity.Discount > 1m;
}

/// <summary>What a rule checks by one interface: a weight.</summary>
public interface IWeighed
{
    decimal Weight { get; }
}

/// <summary>What the same rule checks by another interface: a label.</summary>
public interface ILabelled
{
    string Label { get; }
}

/// <summary>Both: the rule below would check it twice.</summary>
public sealed class LabelledCrate : IWeighed, ILabelled
{
    public decimal Weight { get; set; }

    public string Label { get; set; } = "";
}

/// <summary>Two unrelated interfaces, which the compiler cannot refuse (ST5009): the engine refuses an entity that implements both.</summary>
[ExceptionRule("crate.marked", Message = "The crate is marked")]
public sealed class MarkedCrate : IExceptionRule<IWeighed>, IExceptionRule<ILabelled>
{
    public bool Applies(IWeighed entity) => entity.Weight > 100m;

    public bool Applies(ILabelled entity) => entity.Label.Length == 0;
}
