using System;
using System.Collections.Generic;

namespace ServerTools.Benchmarks.Rules;

/// <summary>The setup check of the rule benchmarks: the engine and the hand-written chain find the same violations.</summary>
internal static class RuleAgreement
{
    /// <summary>
    /// Evaluates every order both ways and throws unless the violations are the same rules (ids <paramref name="idPrefix"/>
    /// + the catalog name), in the same order, with the same severity and message; and unless one order in about
    /// <see cref="RuleOrders.AnomalyEvery"/> breaks some rule.
    /// </summary>
    /// <returns>How many orders break a rule and how many violations they have.</returns>
    public static (int Orders, int Violations) Check<T>(IReadOnlyList<T> orders, Func<T, RuleEvaluation> evaluate, string idPrefix)
        where T : RuleOrderFields
    {
        var (broken, total) = (0, 0);
        foreach (var order in orders)
        {
            var expected = HandWrittenRules.Check(order) ?? [];
            var actual = evaluate(order).Violations;
            var same = expected.Count == actual.Count;
            for (var i = 0; same && i < expected.Count; i++)
            {
                same = actual[i].RuleId == idPrefix + expected[i].Rule.Name
                    && actual[i].Severity == expected[i].Severity
                    && actual[i].Message == expected[i].Message
                    && !actual[i].IsFailure;
            }

            if (!same)
            {
                throw new InvalidOperationException(
                    $"Order {order.Id}: the engine finds [{string.Join(", ", Describe(actual))}], the hand-written chain [{string.Join(", ", expected.ConvertAll(static v => v.Rule.Name))}].");
            }

            broken += expected.Count > 0 ? 1 : 0;
            total += expected.Count;
        }

        if (broken < orders.Count / RuleOrders.AnomalyEvery * 9 / 10 || broken > orders.Count / RuleOrders.AnomalyEvery * 11 / 10)
        {
            throw new InvalidOperationException($"{broken} of {orders.Count} orders break a rule; the data should make about one in {RuleOrders.AnomalyEvery} break one.");
        }

        return (broken, total);
    }

    private static IEnumerable<string> Describe(IReadOnlyList<RuleViolation> violations)
    {
        foreach (var violation in violations)
        {
            yield return violation.IsFailure ? $"{violation.RuleId} (failed: {violation.Exception!.Message})" : violation.RuleId;
        }
    }
}
