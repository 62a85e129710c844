using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>
/// Random token soups and mutations of valid expressions (fixed seeds): compiling either succeeds or raises
/// <see cref="RuleExpressionException"/>, and what compiles evaluates without throwing anything but the arithmetic
/// exceptions where PostgreSQL raises an error too.
/// </summary>
public sealed class RuleExpressionFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 20_000;

    private static readonly string[] s_vocabulary =
    [
        "order", ".", "Discount", "Customer", "Country", "Blocked", "CreditLimit", "Email", "Lines", "Price", "Product", "Any", "All", "Sum",
        "Count", "(", ")", "l", "=>", "l.Price", "l.Quantity", "&&", "||", "!", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%",
        "??", "?", ":", "null", "true", "false", "0", "1", "-1", "2147483647", "9223372036854775807", "0.3m", "0m", "79228162514264337593543950335m",
        "1e308d", "0d", "1.5d", "1e400", "\"FR\"", "\"\"", "'x'", "\"", "typeof", "new", "GetType", "()", "Math", "Abs", "Round", "string",
        "IsNullOrEmpty", "System", "IO", "File", "is", "not", "as", "int", "[", "]", "{", "}", ",", ";", "=", "++", "$\"", "@", "#", "\\",
        "default", "this", "OrderState", "Confirmed", "DayOfWeek", "Monday", "Note", "Length", "Contains", "StartsWith", "Trim", "Quantity",
        "Amount", "DeliveryDate", "Year", "Value", "HasValue", "OrderedAt", "Date", "Hour", "switch", "with", "throw", "await", "delegate",
        "/*", "*/", "//", "\n", "&", "|", "^", "~", "<<", "..", "^1", "?.", "!.", "__arglist", "stackalloc", "checked", "sizeof", "nameof",
        "ref", "out", "Id", "Urgent", "State", "CustomerId",
    ];

    /// <summary>Tokens that can stand in for one another: a substitution keeps the shape of a valid expression but not its types.</summary>
    private static readonly string[][] s_classes =
    [
        ["==", "!=", "<", "<=", ">", ">="],
        ["+", "-", "*", "/", "%", "??"],
        ["&&", "||"],
        ["0", "1", "-1", "2147483647", "0m", "0.5m", "79228162514264337593543950335m", "1e308d", "0d", "null", "\"\"", "\"FR\"", "true", "'x'"],
        [
            "Discount", "Amount", "Quantity", "Id", "CustomerId", "Note", "Number", "Urgent", "State", "OrderedAt", "DeliveryDate", "Customer",
            "Lines", "Country", "CreditLimit", "Blocked", "Email", "Name", "Price", "Product", "Length", "Year", "Value", "Date", "DayOfWeek",
        ],
        ["Any", "All", "Count", "Sum", "Contains", "StartsWith", "EndsWith", "Trim", "Abs", "Round", "IsNullOrEmpty"],
    ];

    private static readonly char[] s_alphabet = "()[]{}.,;:?!=<>+-*/%&|^~\"'@$#\\ \n_0123456789abcdelmnorstuxyzACDLNOQRSTUmd😀".ToCharArray();

    [Fact]
    public void Random_mutations_and_token_soups_compile_or_are_rejected_and_evaluate_without_crashing()
    {
        var seeds = ((IEnumerable<object[]>)RuleExpressionAcceptanceTests.Accepted)
            .Concat(RuleExpressionSqlAgreementTests.Rules)
            .Select(row => (string)row[0])
            .ToArray();
        var entities = new[] { RuleSamples.Full(), RuleSamples.Bare(), NullCustomerWithLines(), Extreme() };
        var random = new Random(20261121);
        var failures = new List<string>();
        var compiled = 0;
        var rejected = 0;
        var stopwatch = Stopwatch.StartNew();

        for (var i = 0; i < Cases; i++)
        {
            var seed = seeds[random.Next(seeds.Length)];
            var text = (i % 4) switch
            {
                0 or 1 => Mutate(random, seed),
                2 => Substitute(random, seed),
                _ => Soup(random),
            };
            RuleExpression<Order> rule;
            try
            {
                rule = RuleExpression.Compile<Order>(text);
            }
            catch (RuleExpressionException error)
            {
                rejected++;
                if (error.Position < 0 || error.Position > text.Length || error.Position + error.Length > text.Length || error.Construct.Length == 0)
                {
                    failures.Add($"bad position or construct for [{text}]: {error.Position}+{error.Length} '{error.Construct}'");
                }

                continue;
            }
            catch (Exception exception)
            {
                failures.Add($"compile [{text}]: {exception.GetType().Name}: {exception.Message}");
                continue;
            }

            compiled++;
            foreach (var entity in entities)
            {
                try
                {
                    rule.Evaluate(entity);
                }
                catch (ArithmeticException)
                {
                    // division by zero and overflow: PostgreSQL raises an error too, and the engine reports a failed rule
                }
                catch (Exception exception)
                {
                    failures.Add($"evaluate [{text}] on order {entity.Id}: {exception.GetType().Name}: {exception.Message}");
                }
            }
        }

        output.WriteLine($"{Cases} cases in {stopwatch.Elapsed}: {compiled} compiled, {rejected} rejected");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(compiled > Cases / 10, $"only {compiled} of {Cases} cases compiled, too few to exercise evaluation");
        Assert.True(rejected > Cases / 2, $"only {rejected} of {Cases} cases were rejected");
    }

    /// <summary>One to three edits of characters or tokens.</summary>
    private static string Mutate(Random random, string text)
    {
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            if (random.Next(2) == 0)
            {
                var position = random.Next(text.Length + 1);
                var character = s_alphabet[random.Next(s_alphabet.Length)].ToString();
                text = random.Next(3) switch
                {
                    0 => text.Insert(position, character),
                    1 when position < text.Length => text.Remove(position, 1),
                    _ when position < text.Length => text.Remove(position, 1).Insert(position, character),
                    _ => text + character,
                };
                continue;
            }

            var tokens = SyntaxFactory.ParseTokens(text).Select(t => t.ToFullString()).Where(t => t.Length > 0).ToList();
            var at = random.Next(Math.Max(1, tokens.Count));
            var word = s_vocabulary[random.Next(s_vocabulary.Length)];
            switch (random.Next(5))
            {
                case 0 when tokens.Count > 0:
                    tokens.RemoveAt(at);
                    break;
                case 1 when tokens.Count > 0:
                    tokens.Insert(at, tokens[at]);
                    break;
                case 2 when tokens.Count > 1:
                    var other = random.Next(tokens.Count);
                    (tokens[at], tokens[other]) = (tokens[other], tokens[at]);
                    break;
                case 3 when tokens.Count > 0:
                    tokens[at] = word;
                    break;
                default:
                    tokens.Insert(Math.Min(at, tokens.Count), word);
                    break;
            }

            text = string.Concat(tokens.Select(t => random.Next(4) == 0 ? t + " " : t));
        }

        return text;
    }

    /// <summary>One to three tokens replaced by others of their class: operators, literals, member names, method names.</summary>
    private static string Substitute(Random random, string text)
    {
        var tokens = SyntaxFactory.ParseTokens(text).Select(t => t.ToFullString()).ToList();
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(tokens.Count);
            var trimmed = tokens[at].Trim();
            if (s_classes.FirstOrDefault(c => c.Contains(trimmed)) is { } kind)
            {
                tokens[at] = tokens[at].Replace(trimmed, kind[random.Next(kind.Length)], StringComparison.Ordinal);
            }
        }

        return string.Concat(tokens);
    }

    private static string Soup(Random random)
        => string.Join(random.Next(2) == 0 ? " " : "", Enumerable.Range(0, random.Next(1, 26)).Select(_ => s_vocabulary[random.Next(s_vocabulary.Length)]));

    private static Order NullCustomerWithLines()
    {
        var order = RuleSamples.Full();
        order.Id = 9;
        order.Customer = null;
        order.CustomerId = null;
        order.Note = null;
        order.DeliveryDate = null;
        return order;
    }

    private static Order Extreme() => new()
    {
        Id = 10,
        Number = "",
        Discount = 0m,
        Amount = decimal.MaxValue,
        Quantity = int.MinValue,
        OrderedAt = DateTime.MaxValue,
        DeliveryDate = DateOnly.MinValue,
        Note = "😀",
        Customer = new Customer { Name = "", Country = "", CreditLimit = decimal.MinValue, Email = "" },
        Lines = [new OrderLine { Quantity = int.MaxValue, Price = decimal.MaxValue }, new OrderLine { Quantity = int.MaxValue, Price = decimal.MaxValue }],
    };
}
