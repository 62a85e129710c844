using System;
using System.Collections.Generic;

namespace ServerTools.Benchmarks.Rules;

// Copies of the shape of the generated CodeRuleSet<CodeRuleOrder>.Evaluate (src/Generators/ServerTools.Generators/
// Rules/ExceptionRuleGenerator.Emitter.cs) for CodeRuleCostBenchmarks, one cause of its cost removed at a time. Written
// from the same list as CodeRules.cs; the benchmark's setup checks that each finds the violations of the chain.

/// <summary>What <c>RuleRun</c> does for the copies: the rule-set mask and the violations, allocated when needed.</summary>
internal struct CopyRun(bool[]? active)
{
    private List<HandViolation>? _violations;

    public readonly List<HandViolation>? Violations => _violations;

    public readonly bool IsActive(int index) => active is null || active[index];

    public void Violated(int index) => (_violations ??= []).Add(new HandViolation(RuleCatalog.Rules[index]));

    public void Failed(int index, Exception exception) => (_violations ??= []).Add(new HandViolation(RuleCatalog.Rules[index] with { Message = exception.Message }));

    /// <summary>Forgets the violations found after the first <paramref name="count"/>.</summary>
    public readonly void Truncate(int count) => _violations?.RemoveRange(count, _violations.Count - count);
}

/// <summary>The 50 rule instances in typed fields, as a generated set could hold them instead of an <c>object[]</c>.</summary>
internal sealed class TypedCodeRules
{
    public readonly AmountNegative AmountNegative = new();

    public readonly AmountZero AmountZero = new();

    public readonly AmountHuge AmountHuge = new();

    public readonly CreditOverLimit CreditOverLimit = new();

    public readonly CreditNegative CreditNegative = new();

    public readonly DiscountNegative DiscountNegative = new();

    public readonly DiscountAboveHalf DiscountAboveHalf = new();

    public readonly DiscountBigOrder DiscountBigOrder = new();

    public readonly DiscountFull DiscountFull = new();

    public readonly QuantityZero QuantityZero = new();

    public readonly QuantityNegative QuantityNegative = new();

    public readonly QuantityHuge QuantityHuge = new();

    public readonly QuantityExpressBulk QuantityExpressBulk = new();

    public readonly CustomerNameEmpty CustomerNameEmpty = new();

    public readonly CustomerNameLong CustomerNameLong = new();

    public readonly CustomerNameTest CustomerNameTest = new();

    public readonly CountryEmbargoKp CountryEmbargoKp = new();

    public readonly CountryEmbargoIr CountryEmbargoIr = new();

    public readonly CountryEmpty CountryEmpty = new();

    public readonly CountryLength CountryLength = new();

    public readonly CountryUnknown CountryUnknown = new();

    public readonly NumberEmpty NumberEmpty = new();

    public readonly NumberLong NumberLong = new();

    public readonly ShippedBeforeOrdered ShippedBeforeOrdered = new();

    public readonly ShippedDraft ShippedDraft = new();

    public readonly ShippedMissing ShippedMissing = new();

    public readonly ShippedCancelled ShippedCancelled = new();

    public readonly InvoicedFree InvoicedFree = new();

    public readonly ExpressTinyAmount ExpressTinyAmount = new();

    public readonly DiscountWithoutCredit DiscountWithoutCredit = new();

    public readonly UnitPriceTiny UnitPriceTiny = new();

    public readonly UnitPriceHuge UnitPriceHuge = new();

    public readonly CustomerNameBlank CustomerNameBlank = new();

    public readonly CustomerNameShort CustomerNameShort = new();

    public readonly CountryLowercaseFr CountryLowercaseFr = new();

    public readonly CountryLowercaseDe CountryLowercaseDe = new();

    public readonly DraftHuge DraftHuge = new();

    public readonly ConfirmedWithoutCustomer ConfirmedWithoutCustomer = new();

    public readonly CreditZero CreditZero = new();

    public readonly CancelledDiscount CancelledDiscount = new();

    public readonly DraftBulk DraftBulk = new();

    public readonly InvoicedNegative InvoicedNegative = new();

    public readonly NumberShort NumberShort = new();

    public readonly ExpressNotShipped ExpressNotShipped = new();

    public readonly CustomerNameIsCountry CustomerNameIsCountry = new();

    public readonly DiscountAbove20000 DiscountAbove20000 = new();

    public readonly ExpressNoQuantity ExpressNoQuantity = new();

    public readonly CreditTiny CreditTiny = new();

    public readonly CountryEmbargoSy CountryEmbargoSy = new();

    public readonly InvoicedUnshipped InvoicedUnshipped = new();
}

/// <summary>The copies of the generated <c>Evaluate</c>.</summary>
internal static class GeneratedShapeCopies
{
    /// <summary>The rule instances as the generated <c>CreateRules</c> returns them.</summary>
    public static object[] CreateRules() =>
    [
        new AmountNegative(),
        new AmountZero(),
        new AmountHuge(),
        new CreditOverLimit(),
        new CreditNegative(),
        new DiscountNegative(),
        new DiscountAboveHalf(),
        new DiscountBigOrder(),
        new DiscountFull(),
        new QuantityZero(),
        new QuantityNegative(),
        new QuantityHuge(),
        new QuantityExpressBulk(),
        new CustomerNameEmpty(),
        new CustomerNameLong(),
        new CustomerNameTest(),
        new CountryEmbargoKp(),
        new CountryEmbargoIr(),
        new CountryEmpty(),
        new CountryLength(),
        new CountryUnknown(),
        new NumberEmpty(),
        new NumberLong(),
        new ShippedBeforeOrdered(),
        new ShippedDraft(),
        new ShippedMissing(),
        new ShippedCancelled(),
        new InvoicedFree(),
        new ExpressTinyAmount(),
        new DiscountWithoutCredit(),
        new UnitPriceTiny(),
        new UnitPriceHuge(),
        new CustomerNameBlank(),
        new CustomerNameShort(),
        new CountryLowercaseFr(),
        new CountryLowercaseDe(),
        new DraftHuge(),
        new ConfirmedWithoutCustomer(),
        new CreditZero(),
        new CancelledDiscount(),
        new DraftBulk(),
        new InvoicedNegative(),
        new NumberShort(),
        new ExpressNotShipped(),
        new CustomerNameIsCountry(),
        new DiscountAbove20000(),
        new ExpressNoQuantity(),
        new CreditTiny(),
        new CountryEmbargoSy(),
        new InvoicedUnshipped(),
    ];

    /// <summary>What the generator emits today: per rule, the mask, a cast from <c>object[]</c> and a try/catch.</summary>
    public static void Generated(CodeRuleOrder entity, object[] rules, ref CopyRun run)
    {
        if (run.IsActive(0))
        {
            try
            {
                if (((AmountNegative)rules[0]).Applies(entity))
                {
                    run.Violated(0);
                }
            }
            catch (Exception exception)
            {
                run.Failed(0, exception);
            }
        }

        if (run.IsActive(1))
        {
            try
            {
                if (((AmountZero)rules[1]).Applies(entity))
                {
                    run.Violated(1);
                }
            }
            catch (Exception exception)
            {
                run.Failed(1, exception);
            }
        }

        if (run.IsActive(2))
        {
            try
            {
                if (((AmountHuge)rules[2]).Applies(entity))
                {
                    run.Violated(2);
                }
            }
            catch (Exception exception)
            {
                run.Failed(2, exception);
            }
        }

        if (run.IsActive(3))
        {
            try
            {
                if (((CreditOverLimit)rules[3]).Applies(entity))
                {
                    run.Violated(3);
                }
            }
            catch (Exception exception)
            {
                run.Failed(3, exception);
            }
        }

        if (run.IsActive(4))
        {
            try
            {
                if (((CreditNegative)rules[4]).Applies(entity))
                {
                    run.Violated(4);
                }
            }
            catch (Exception exception)
            {
                run.Failed(4, exception);
            }
        }

        if (run.IsActive(5))
        {
            try
            {
                if (((DiscountNegative)rules[5]).Applies(entity))
                {
                    run.Violated(5);
                }
            }
            catch (Exception exception)
            {
                run.Failed(5, exception);
            }
        }

        if (run.IsActive(6))
        {
            try
            {
                if (((DiscountAboveHalf)rules[6]).Applies(entity))
                {
                    run.Violated(6);
                }
            }
            catch (Exception exception)
            {
                run.Failed(6, exception);
            }
        }

        if (run.IsActive(7))
        {
            try
            {
                if (((DiscountBigOrder)rules[7]).Applies(entity))
                {
                    run.Violated(7);
                }
            }
            catch (Exception exception)
            {
                run.Failed(7, exception);
            }
        }

        if (run.IsActive(8))
        {
            try
            {
                if (((DiscountFull)rules[8]).Applies(entity))
                {
                    run.Violated(8);
                }
            }
            catch (Exception exception)
            {
                run.Failed(8, exception);
            }
        }

        if (run.IsActive(9))
        {
            try
            {
                if (((QuantityZero)rules[9]).Applies(entity))
                {
                    run.Violated(9);
                }
            }
            catch (Exception exception)
            {
                run.Failed(9, exception);
            }
        }

        if (run.IsActive(10))
        {
            try
            {
                if (((QuantityNegative)rules[10]).Applies(entity))
                {
                    run.Violated(10);
                }
            }
            catch (Exception exception)
            {
                run.Failed(10, exception);
            }
        }

        if (run.IsActive(11))
        {
            try
            {
                if (((QuantityHuge)rules[11]).Applies(entity))
                {
                    run.Violated(11);
                }
            }
            catch (Exception exception)
            {
                run.Failed(11, exception);
            }
        }

        if (run.IsActive(12))
        {
            try
            {
                if (((QuantityExpressBulk)rules[12]).Applies(entity))
                {
                    run.Violated(12);
                }
            }
            catch (Exception exception)
            {
                run.Failed(12, exception);
            }
        }

        if (run.IsActive(13))
        {
            try
            {
                if (((CustomerNameEmpty)rules[13]).Applies(entity))
                {
                    run.Violated(13);
                }
            }
            catch (Exception exception)
            {
                run.Failed(13, exception);
            }
        }

        if (run.IsActive(14))
        {
            try
            {
                if (((CustomerNameLong)rules[14]).Applies(entity))
                {
                    run.Violated(14);
                }
            }
            catch (Exception exception)
            {
                run.Failed(14, exception);
            }
        }

        if (run.IsActive(15))
        {
            try
            {
                if (((CustomerNameTest)rules[15]).Applies(entity))
                {
                    run.Violated(15);
                }
            }
            catch (Exception exception)
            {
                run.Failed(15, exception);
            }
        }

        if (run.IsActive(16))
        {
            try
            {
                if (((CountryEmbargoKp)rules[16]).Applies(entity))
                {
                    run.Violated(16);
                }
            }
            catch (Exception exception)
            {
                run.Failed(16, exception);
            }
        }

        if (run.IsActive(17))
        {
            try
            {
                if (((CountryEmbargoIr)rules[17]).Applies(entity))
                {
                    run.Violated(17);
                }
            }
            catch (Exception exception)
            {
                run.Failed(17, exception);
            }
        }

        if (run.IsActive(18))
        {
            try
            {
                if (((CountryEmpty)rules[18]).Applies(entity))
                {
                    run.Violated(18);
                }
            }
            catch (Exception exception)
            {
                run.Failed(18, exception);
            }
        }

        if (run.IsActive(19))
        {
            try
            {
                if (((CountryLength)rules[19]).Applies(entity))
                {
                    run.Violated(19);
                }
            }
            catch (Exception exception)
            {
                run.Failed(19, exception);
            }
        }

        if (run.IsActive(20))
        {
            try
            {
                if (((CountryUnknown)rules[20]).Applies(entity))
                {
                    run.Violated(20);
                }
            }
            catch (Exception exception)
            {
                run.Failed(20, exception);
            }
        }

        if (run.IsActive(21))
        {
            try
            {
                if (((NumberEmpty)rules[21]).Applies(entity))
                {
                    run.Violated(21);
                }
            }
            catch (Exception exception)
            {
                run.Failed(21, exception);
            }
        }

        if (run.IsActive(22))
        {
            try
            {
                if (((NumberLong)rules[22]).Applies(entity))
                {
                    run.Violated(22);
                }
            }
            catch (Exception exception)
            {
                run.Failed(22, exception);
            }
        }

        if (run.IsActive(23))
        {
            try
            {
                if (((ShippedBeforeOrdered)rules[23]).Applies(entity))
                {
                    run.Violated(23);
                }
            }
            catch (Exception exception)
            {
                run.Failed(23, exception);
            }
        }

        if (run.IsActive(24))
        {
            try
            {
                if (((ShippedDraft)rules[24]).Applies(entity))
                {
                    run.Violated(24);
                }
            }
            catch (Exception exception)
            {
                run.Failed(24, exception);
            }
        }

        if (run.IsActive(25))
        {
            try
            {
                if (((ShippedMissing)rules[25]).Applies(entity))
                {
                    run.Violated(25);
                }
            }
            catch (Exception exception)
            {
                run.Failed(25, exception);
            }
        }

        if (run.IsActive(26))
        {
            try
            {
                if (((ShippedCancelled)rules[26]).Applies(entity))
                {
                    run.Violated(26);
                }
            }
            catch (Exception exception)
            {
                run.Failed(26, exception);
            }
        }

        if (run.IsActive(27))
        {
            try
            {
                if (((InvoicedFree)rules[27]).Applies(entity))
                {
                    run.Violated(27);
                }
            }
            catch (Exception exception)
            {
                run.Failed(27, exception);
            }
        }

        if (run.IsActive(28))
        {
            try
            {
                if (((ExpressTinyAmount)rules[28]).Applies(entity))
                {
                    run.Violated(28);
                }
            }
            catch (Exception exception)
            {
                run.Failed(28, exception);
            }
        }

        if (run.IsActive(29))
        {
            try
            {
                if (((DiscountWithoutCredit)rules[29]).Applies(entity))
                {
                    run.Violated(29);
                }
            }
            catch (Exception exception)
            {
                run.Failed(29, exception);
            }
        }

        if (run.IsActive(30))
        {
            try
            {
                if (((UnitPriceTiny)rules[30]).Applies(entity))
                {
                    run.Violated(30);
                }
            }
            catch (Exception exception)
            {
                run.Failed(30, exception);
            }
        }

        if (run.IsActive(31))
        {
            try
            {
                if (((UnitPriceHuge)rules[31]).Applies(entity))
                {
                    run.Violated(31);
                }
            }
            catch (Exception exception)
            {
                run.Failed(31, exception);
            }
        }

        if (run.IsActive(32))
        {
            try
            {
                if (((CustomerNameBlank)rules[32]).Applies(entity))
                {
                    run.Violated(32);
                }
            }
            catch (Exception exception)
            {
                run.Failed(32, exception);
            }
        }

        if (run.IsActive(33))
        {
            try
            {
                if (((CustomerNameShort)rules[33]).Applies(entity))
                {
                    run.Violated(33);
                }
            }
            catch (Exception exception)
            {
                run.Failed(33, exception);
            }
        }

        if (run.IsActive(34))
        {
            try
            {
                if (((CountryLowercaseFr)rules[34]).Applies(entity))
                {
                    run.Violated(34);
                }
            }
            catch (Exception exception)
            {
                run.Failed(34, exception);
            }
        }

        if (run.IsActive(35))
        {
            try
            {
                if (((CountryLowercaseDe)rules[35]).Applies(entity))
                {
                    run.Violated(35);
                }
            }
            catch (Exception exception)
            {
                run.Failed(35, exception);
            }
        }

        if (run.IsActive(36))
        {
            try
            {
                if (((DraftHuge)rules[36]).Applies(entity))
                {
                    run.Violated(36);
                }
            }
            catch (Exception exception)
            {
                run.Failed(36, exception);
            }
        }

        if (run.IsActive(37))
        {
            try
            {
                if (((ConfirmedWithoutCustomer)rules[37]).Applies(entity))
                {
                    run.Violated(37);
                }
            }
            catch (Exception exception)
            {
                run.Failed(37, exception);
            }
        }

        if (run.IsActive(38))
        {
            try
            {
                if (((CreditZero)rules[38]).Applies(entity))
                {
                    run.Violated(38);
                }
            }
            catch (Exception exception)
            {
                run.Failed(38, exception);
            }
        }

        if (run.IsActive(39))
        {
            try
            {
                if (((CancelledDiscount)rules[39]).Applies(entity))
                {
                    run.Violated(39);
                }
            }
            catch (Exception exception)
            {
                run.Failed(39, exception);
            }
        }

        if (run.IsActive(40))
        {
            try
            {
                if (((DraftBulk)rules[40]).Applies(entity))
                {
                    run.Violated(40);
                }
            }
            catch (Exception exception)
            {
                run.Failed(40, exception);
            }
        }

        if (run.IsActive(41))
        {
            try
            {
                if (((InvoicedNegative)rules[41]).Applies(entity))
                {
                    run.Violated(41);
                }
            }
            catch (Exception exception)
            {
                run.Failed(41, exception);
            }
        }

        if (run.IsActive(42))
        {
            try
            {
                if (((NumberShort)rules[42]).Applies(entity))
                {
                    run.Violated(42);
                }
            }
            catch (Exception exception)
            {
                run.Failed(42, exception);
            }
        }

        if (run.IsActive(43))
        {
            try
            {
                if (((ExpressNotShipped)rules[43]).Applies(entity))
                {
                    run.Violated(43);
                }
            }
            catch (Exception exception)
            {
                run.Failed(43, exception);
            }
        }

        if (run.IsActive(44))
        {
            try
            {
                if (((CustomerNameIsCountry)rules[44]).Applies(entity))
                {
                    run.Violated(44);
                }
            }
            catch (Exception exception)
            {
                run.Failed(44, exception);
            }
        }

        if (run.IsActive(45))
        {
            try
            {
                if (((DiscountAbove20000)rules[45]).Applies(entity))
                {
                    run.Violated(45);
                }
            }
            catch (Exception exception)
            {
                run.Failed(45, exception);
            }
        }

        if (run.IsActive(46))
        {
            try
            {
                if (((ExpressNoQuantity)rules[46]).Applies(entity))
                {
                    run.Violated(46);
                }
            }
            catch (Exception exception)
            {
                run.Failed(46, exception);
            }
        }

        if (run.IsActive(47))
        {
            try
            {
                if (((CreditTiny)rules[47]).Applies(entity))
                {
                    run.Violated(47);
                }
            }
            catch (Exception exception)
            {
                run.Failed(47, exception);
            }
        }

        if (run.IsActive(48))
        {
            try
            {
                if (((CountryEmbargoSy)rules[48]).Applies(entity))
                {
                    run.Violated(48);
                }
            }
            catch (Exception exception)
            {
                run.Failed(48, exception);
            }
        }

        if (run.IsActive(49))
        {
            try
            {
                if (((InvoicedUnshipped)rules[49]).Applies(entity))
                {
                    run.Violated(49);
                }
            }
            catch (Exception exception)
            {
                run.Failed(49, exception);
            }
        }
    }

    /// <summary>The same without the try/catch of each rule.</summary>
    public static void WithoutTry(CodeRuleOrder entity, object[] rules, ref CopyRun run)
    {
        if (run.IsActive(0) && ((AmountNegative)rules[0]).Applies(entity))
        {
            run.Violated(0);
        }

        if (run.IsActive(1) && ((AmountZero)rules[1]).Applies(entity))
        {
            run.Violated(1);
        }

        if (run.IsActive(2) && ((AmountHuge)rules[2]).Applies(entity))
        {
            run.Violated(2);
        }

        if (run.IsActive(3) && ((CreditOverLimit)rules[3]).Applies(entity))
        {
            run.Violated(3);
        }

        if (run.IsActive(4) && ((CreditNegative)rules[4]).Applies(entity))
        {
            run.Violated(4);
        }

        if (run.IsActive(5) && ((DiscountNegative)rules[5]).Applies(entity))
        {
            run.Violated(5);
        }

        if (run.IsActive(6) && ((DiscountAboveHalf)rules[6]).Applies(entity))
        {
            run.Violated(6);
        }

        if (run.IsActive(7) && ((DiscountBigOrder)rules[7]).Applies(entity))
        {
            run.Violated(7);
        }

        if (run.IsActive(8) && ((DiscountFull)rules[8]).Applies(entity))
        {
            run.Violated(8);
        }

        if (run.IsActive(9) && ((QuantityZero)rules[9]).Applies(entity))
        {
            run.Violated(9);
        }

        if (run.IsActive(10) && ((QuantityNegative)rules[10]).Applies(entity))
        {
            run.Violated(10);
        }

        if (run.IsActive(11) && ((QuantityHuge)rules[11]).Applies(entity))
        {
            run.Violated(11);
        }

        if (run.IsActive(12) && ((QuantityExpressBulk)rules[12]).Applies(entity))
        {
            run.Violated(12);
        }

        if (run.IsActive(13) && ((CustomerNameEmpty)rules[13]).Applies(entity))
        {
            run.Violated(13);
        }

        if (run.IsActive(14) && ((CustomerNameLong)rules[14]).Applies(entity))
        {
            run.Violated(14);
        }

        if (run.IsActive(15) && ((CustomerNameTest)rules[15]).Applies(entity))
        {
            run.Violated(15);
        }

        if (run.IsActive(16) && ((CountryEmbargoKp)rules[16]).Applies(entity))
        {
            run.Violated(16);
        }

        if (run.IsActive(17) && ((CountryEmbargoIr)rules[17]).Applies(entity))
        {
            run.Violated(17);
        }

        if (run.IsActive(18) && ((CountryEmpty)rules[18]).Applies(entity))
        {
            run.Violated(18);
        }

        if (run.IsActive(19) && ((CountryLength)rules[19]).Applies(entity))
        {
            run.Violated(19);
        }

        if (run.IsActive(20) && ((CountryUnknown)rules[20]).Applies(entity))
        {
            run.Violated(20);
        }

        if (run.IsActive(21) && ((NumberEmpty)rules[21]).Applies(entity))
        {
            run.Violated(21);
        }

        if (run.IsActive(22) && ((NumberLong)rules[22]).Applies(entity))
        {
            run.Violated(22);
        }

        if (run.IsActive(23) && ((ShippedBeforeOrdered)rules[23]).Applies(entity))
        {
            run.Violated(23);
        }

        if (run.IsActive(24) && ((ShippedDraft)rules[24]).Applies(entity))
        {
            run.Violated(24);
        }

        if (run.IsActive(25) && ((ShippedMissing)rules[25]).Applies(entity))
        {
            run.Violated(25);
        }

        if (run.IsActive(26) && ((ShippedCancelled)rules[26]).Applies(entity))
        {
            run.Violated(26);
        }

        if (run.IsActive(27) && ((InvoicedFree)rules[27]).Applies(entity))
        {
            run.Violated(27);
        }

        if (run.IsActive(28) && ((ExpressTinyAmount)rules[28]).Applies(entity))
        {
            run.Violated(28);
        }

        if (run.IsActive(29) && ((DiscountWithoutCredit)rules[29]).Applies(entity))
        {
            run.Violated(29);
        }

        if (run.IsActive(30) && ((UnitPriceTiny)rules[30]).Applies(entity))
        {
            run.Violated(30);
        }

        if (run.IsActive(31) && ((UnitPriceHuge)rules[31]).Applies(entity))
        {
            run.Violated(31);
        }

        if (run.IsActive(32) && ((CustomerNameBlank)rules[32]).Applies(entity))
        {
            run.Violated(32);
        }

        if (run.IsActive(33) && ((CustomerNameShort)rules[33]).Applies(entity))
        {
            run.Violated(33);
        }

        if (run.IsActive(34) && ((CountryLowercaseFr)rules[34]).Applies(entity))
        {
            run.Violated(34);
        }

        if (run.IsActive(35) && ((CountryLowercaseDe)rules[35]).Applies(entity))
        {
            run.Violated(35);
        }

        if (run.IsActive(36) && ((DraftHuge)rules[36]).Applies(entity))
        {
            run.Violated(36);
        }

        if (run.IsActive(37) && ((ConfirmedWithoutCustomer)rules[37]).Applies(entity))
        {
            run.Violated(37);
        }

        if (run.IsActive(38) && ((CreditZero)rules[38]).Applies(entity))
        {
            run.Violated(38);
        }

        if (run.IsActive(39) && ((CancelledDiscount)rules[39]).Applies(entity))
        {
            run.Violated(39);
        }

        if (run.IsActive(40) && ((DraftBulk)rules[40]).Applies(entity))
        {
            run.Violated(40);
        }

        if (run.IsActive(41) && ((InvoicedNegative)rules[41]).Applies(entity))
        {
            run.Violated(41);
        }

        if (run.IsActive(42) && ((NumberShort)rules[42]).Applies(entity))
        {
            run.Violated(42);
        }

        if (run.IsActive(43) && ((ExpressNotShipped)rules[43]).Applies(entity))
        {
            run.Violated(43);
        }

        if (run.IsActive(44) && ((CustomerNameIsCountry)rules[44]).Applies(entity))
        {
            run.Violated(44);
        }

        if (run.IsActive(45) && ((DiscountAbove20000)rules[45]).Applies(entity))
        {
            run.Violated(45);
        }

        if (run.IsActive(46) && ((ExpressNoQuantity)rules[46]).Applies(entity))
        {
            run.Violated(46);
        }

        if (run.IsActive(47) && ((CreditTiny)rules[47]).Applies(entity))
        {
            run.Violated(47);
        }

        if (run.IsActive(48) && ((CountryEmbargoSy)rules[48]).Applies(entity))
        {
            run.Violated(48);
        }

        if (run.IsActive(49) && ((InvoicedUnshipped)rules[49]).Applies(entity))
        {
            run.Violated(49);
        }
    }

    /// <summary>
    /// A shape that keeps the contract (a rule that throws is reported and the others still run): typed fields, no mask
    /// when every rule is active, one try/catch around the chain; after an exception, the set's violations are dropped
    /// and <see cref="Guarded"/> checks every rule again, each in its own try/catch.
    /// </summary>
    public static void Typed(CodeRuleOrder entity, TypedCodeRules rules, ref CopyRun run)
    {
        var before = run.Violations?.Count ?? 0;
        try
        {
            if (rules.AmountNegative.Applies(entity))
            {
                run.Violated(0);
            }

            if (rules.AmountZero.Applies(entity))
            {
                run.Violated(1);
            }

            if (rules.AmountHuge.Applies(entity))
            {
                run.Violated(2);
            }

            if (rules.CreditOverLimit.Applies(entity))
            {
                run.Violated(3);
            }

            if (rules.CreditNegative.Applies(entity))
            {
                run.Violated(4);
            }

            if (rules.DiscountNegative.Applies(entity))
            {
                run.Violated(5);
            }

            if (rules.DiscountAboveHalf.Applies(entity))
            {
                run.Violated(6);
            }

            if (rules.DiscountBigOrder.Applies(entity))
            {
                run.Violated(7);
            }

            if (rules.DiscountFull.Applies(entity))
            {
                run.Violated(8);
            }

            if (rules.QuantityZero.Applies(entity))
            {
                run.Violated(9);
            }

            if (rules.QuantityNegative.Applies(entity))
            {
                run.Violated(10);
            }

            if (rules.QuantityHuge.Applies(entity))
            {
                run.Violated(11);
            }

            if (rules.QuantityExpressBulk.Applies(entity))
            {
                run.Violated(12);
            }

            if (rules.CustomerNameEmpty.Applies(entity))
            {
                run.Violated(13);
            }

            if (rules.CustomerNameLong.Applies(entity))
            {
                run.Violated(14);
            }

            if (rules.CustomerNameTest.Applies(entity))
            {
                run.Violated(15);
            }

            if (rules.CountryEmbargoKp.Applies(entity))
            {
                run.Violated(16);
            }

            if (rules.CountryEmbargoIr.Applies(entity))
            {
                run.Violated(17);
            }

            if (rules.CountryEmpty.Applies(entity))
            {
                run.Violated(18);
            }

            if (rules.CountryLength.Applies(entity))
            {
                run.Violated(19);
            }

            if (rules.CountryUnknown.Applies(entity))
            {
                run.Violated(20);
            }

            if (rules.NumberEmpty.Applies(entity))
            {
                run.Violated(21);
            }

            if (rules.NumberLong.Applies(entity))
            {
                run.Violated(22);
            }

            if (rules.ShippedBeforeOrdered.Applies(entity))
            {
                run.Violated(23);
            }

            if (rules.ShippedDraft.Applies(entity))
            {
                run.Violated(24);
            }

            if (rules.ShippedMissing.Applies(entity))
            {
                run.Violated(25);
            }

            if (rules.ShippedCancelled.Applies(entity))
            {
                run.Violated(26);
            }

            if (rules.InvoicedFree.Applies(entity))
            {
                run.Violated(27);
            }

            if (rules.ExpressTinyAmount.Applies(entity))
            {
                run.Violated(28);
            }

            if (rules.DiscountWithoutCredit.Applies(entity))
            {
                run.Violated(29);
            }

            if (rules.UnitPriceTiny.Applies(entity))
            {
                run.Violated(30);
            }

            if (rules.UnitPriceHuge.Applies(entity))
            {
                run.Violated(31);
            }

            if (rules.CustomerNameBlank.Applies(entity))
            {
                run.Violated(32);
            }

            if (rules.CustomerNameShort.Applies(entity))
            {
                run.Violated(33);
            }

            if (rules.CountryLowercaseFr.Applies(entity))
            {
                run.Violated(34);
            }

            if (rules.CountryLowercaseDe.Applies(entity))
            {
                run.Violated(35);
            }

            if (rules.DraftHuge.Applies(entity))
            {
                run.Violated(36);
            }

            if (rules.ConfirmedWithoutCustomer.Applies(entity))
            {
                run.Violated(37);
            }

            if (rules.CreditZero.Applies(entity))
            {
                run.Violated(38);
            }

            if (rules.CancelledDiscount.Applies(entity))
            {
                run.Violated(39);
            }

            if (rules.DraftBulk.Applies(entity))
            {
                run.Violated(40);
            }

            if (rules.InvoicedNegative.Applies(entity))
            {
                run.Violated(41);
            }

            if (rules.NumberShort.Applies(entity))
            {
                run.Violated(42);
            }

            if (rules.ExpressNotShipped.Applies(entity))
            {
                run.Violated(43);
            }

            if (rules.CustomerNameIsCountry.Applies(entity))
            {
                run.Violated(44);
            }

            if (rules.DiscountAbove20000.Applies(entity))
            {
                run.Violated(45);
            }

            if (rules.ExpressNoQuantity.Applies(entity))
            {
                run.Violated(46);
            }

            if (rules.CreditTiny.Applies(entity))
            {
                run.Violated(47);
            }

            if (rules.CountryEmbargoSy.Applies(entity))
            {
                run.Violated(48);
            }

            if (rules.InvoicedUnshipped.Applies(entity))
            {
                run.Violated(49);
            }
        }
        catch (Exception)
        {
            run.Truncate(before);
            Guarded(entity, rules, ref run);
        }
    }

    /// <summary>The slow path of <see cref="Typed"/>: each rule in its own try/catch.</summary>
    private static void Guarded(CodeRuleOrder entity, TypedCodeRules rules, ref CopyRun run)
    {
        try
        {
            if (rules.AmountNegative.Applies(entity))
            {
                run.Violated(0);
            }
        }
        catch (Exception exception)
        {
            run.Failed(0, exception);
        }

        try
        {
            if (rules.AmountZero.Applies(entity))
            {
                run.Violated(1);
            }
        }
        catch (Exception exception)
        {
            run.Failed(1, exception);
        }

        try
        {
            if (rules.AmountHuge.Applies(entity))
            {
                run.Violated(2);
            }
        }
        catch (Exception exception)
        {
            run.Failed(2, exception);
        }

        try
        {
            if (rules.CreditOverLimit.Applies(entity))
            {
                run.Violated(3);
            }
        }
        catch (Exception exception)
        {
            run.Failed(3, exception);
        }

        try
        {
            if (rules.CreditNegative.Applies(entity))
            {
                run.Violated(4);
            }
        }
        catch (Exception exception)
        {
            run.Failed(4, exception);
        }

        try
        {
            if (rules.DiscountNegative.Applies(entity))
            {
                run.Violated(5);
            }
        }
        catch (Exception exception)
        {
            run.Failed(5, exception);
        }

        try
        {
            if (rules.DiscountAboveHalf.Applies(entity))
            {
                run.Violated(6);
            }
        }
        catch (Exception exception)
        {
            run.Failed(6, exception);
        }

        try
        {
            if (rules.DiscountBigOrder.Applies(entity))
            {
                run.Violated(7);
            }
        }
        catch (Exception exception)
        {
            run.Failed(7, exception);
        }

        try
        {
            if (rules.DiscountFull.Applies(entity))
            {
                run.Violated(8);
            }
        }
        catch (Exception exception)
        {
            run.Failed(8, exception);
        }

        try
        {
            if (rules.QuantityZero.Applies(entity))
            {
                run.Violated(9);
            }
        }
        catch (Exception exception)
        {
            run.Failed(9, exception);
        }

        try
        {
            if (rules.QuantityNegative.Applies(entity))
            {
                run.Violated(10);
            }
        }
        catch (Exception exception)
        {
            run.Failed(10, exception);
        }

        try
        {
            if (rules.QuantityHuge.Applies(entity))
            {
                run.Violated(11);
            }
        }
        catch (Exception exception)
        {
            run.Failed(11, exception);
        }

        try
        {
            if (rules.QuantityExpressBulk.Applies(entity))
            {
                run.Violated(12);
            }
        }
        catch (Exception exception)
        {
            run.Failed(12, exception);
        }

        try
        {
            if (rules.CustomerNameEmpty.Applies(entity))
            {
                run.Violated(13);
            }
        }
        catch (Exception exception)
        {
            run.Failed(13, exception);
        }

        try
        {
            if (rules.CustomerNameLong.Applies(entity))
            {
                run.Violated(14);
            }
        }
        catch (Exception exception)
        {
            run.Failed(14, exception);
        }

        try
        {
            if (rules.CustomerNameTest.Applies(entity))
            {
                run.Violated(15);
            }
        }
        catch (Exception exception)
        {
            run.Failed(15, exception);
        }

        try
        {
            if (rules.CountryEmbargoKp.Applies(entity))
            {
                run.Violated(16);
            }
        }
        catch (Exception exception)
        {
            run.Failed(16, exception);
        }

        try
        {
            if (rules.CountryEmbargoIr.Applies(entity))
            {
                run.Violated(17);
            }
        }
        catch (Exception exception)
        {
            run.Failed(17, exception);
        }

        try
        {
            if (rules.CountryEmpty.Applies(entity))
            {
                run.Violated(18);
            }
        }
        catch (Exception exception)
        {
            run.Failed(18, exception);
        }

        try
        {
            if (rules.CountryLength.Applies(entity))
            {
                run.Violated(19);
            }
        }
        catch (Exception exception)
        {
            run.Failed(19, exception);
        }

        try
        {
            if (rules.CountryUnknown.Applies(entity))
            {
                run.Violated(20);
            }
        }
        catch (Exception exception)
        {
            run.Failed(20, exception);
        }

        try
        {
            if (rules.NumberEmpty.Applies(entity))
            {
                run.Violated(21);
            }
        }
        catch (Exception exception)
        {
            run.Failed(21, exception);
        }

        try
        {
            if (rules.NumberLong.Applies(entity))
            {
                run.Violated(22);
            }
        }
        catch (Exception exception)
        {
            run.Failed(22, exception);
        }

        try
        {
            if (rules.ShippedBeforeOrdered.Applies(entity))
            {
                run.Violated(23);
            }
        }
        catch (Exception exception)
        {
            run.Failed(23, exception);
        }

        try
        {
            if (rules.ShippedDraft.Applies(entity))
            {
                run.Violated(24);
            }
        }
        catch (Exception exception)
        {
            run.Failed(24, exception);
        }

        try
        {
            if (rules.ShippedMissing.Applies(entity))
            {
                run.Violated(25);
            }
        }
        catch (Exception exception)
        {
            run.Failed(25, exception);
        }

        try
        {
            if (rules.ShippedCancelled.Applies(entity))
            {
                run.Violated(26);
            }
        }
        catch (Exception exception)
        {
            run.Failed(26, exception);
        }

        try
        {
            if (rules.InvoicedFree.Applies(entity))
            {
                run.Violated(27);
            }
        }
        catch (Exception exception)
        {
            run.Failed(27, exception);
        }

        try
        {
            if (rules.ExpressTinyAmount.Applies(entity))
            {
                run.Violated(28);
            }
        }
        catch (Exception exception)
        {
            run.Failed(28, exception);
        }

        try
        {
            if (rules.DiscountWithoutCredit.Applies(entity))
            {
                run.Violated(29);
            }
        }
        catch (Exception exception)
        {
            run.Failed(29, exception);
        }

        try
        {
            if (rules.UnitPriceTiny.Applies(entity))
            {
                run.Violated(30);
            }
        }
        catch (Exception exception)
        {
            run.Failed(30, exception);
        }

        try
        {
            if (rules.UnitPriceHuge.Applies(entity))
            {
                run.Violated(31);
            }
        }
        catch (Exception exception)
        {
            run.Failed(31, exception);
        }

        try
        {
            if (rules.CustomerNameBlank.Applies(entity))
            {
                run.Violated(32);
            }
        }
        catch (Exception exception)
        {
            run.Failed(32, exception);
        }

        try
        {
            if (rules.CustomerNameShort.Applies(entity))
            {
                run.Violated(33);
            }
        }
        catch (Exception exception)
        {
            run.Failed(33, exception);
        }

        try
        {
            if (rules.CountryLowercaseFr.Applies(entity))
            {
                run.Violated(34);
            }
        }
        catch (Exception exception)
        {
            run.Failed(34, exception);
        }

        try
        {
            if (rules.CountryLowercaseDe.Applies(entity))
            {
                run.Violated(35);
            }
        }
        catch (Exception exception)
        {
            run.Failed(35, exception);
        }

        try
        {
            if (rules.DraftHuge.Applies(entity))
            {
                run.Violated(36);
            }
        }
        catch (Exception exception)
        {
            run.Failed(36, exception);
        }

        try
        {
            if (rules.ConfirmedWithoutCustomer.Applies(entity))
            {
                run.Violated(37);
            }
        }
        catch (Exception exception)
        {
            run.Failed(37, exception);
        }

        try
        {
            if (rules.CreditZero.Applies(entity))
            {
                run.Violated(38);
            }
        }
        catch (Exception exception)
        {
            run.Failed(38, exception);
        }

        try
        {
            if (rules.CancelledDiscount.Applies(entity))
            {
                run.Violated(39);
            }
        }
        catch (Exception exception)
        {
            run.Failed(39, exception);
        }

        try
        {
            if (rules.DraftBulk.Applies(entity))
            {
                run.Violated(40);
            }
        }
        catch (Exception exception)
        {
            run.Failed(40, exception);
        }

        try
        {
            if (rules.InvoicedNegative.Applies(entity))
            {
                run.Violated(41);
            }
        }
        catch (Exception exception)
        {
            run.Failed(41, exception);
        }

        try
        {
            if (rules.NumberShort.Applies(entity))
            {
                run.Violated(42);
            }
        }
        catch (Exception exception)
        {
            run.Failed(42, exception);
        }

        try
        {
            if (rules.ExpressNotShipped.Applies(entity))
            {
                run.Violated(43);
            }
        }
        catch (Exception exception)
        {
            run.Failed(43, exception);
        }

        try
        {
            if (rules.CustomerNameIsCountry.Applies(entity))
            {
                run.Violated(44);
            }
        }
        catch (Exception exception)
        {
            run.Failed(44, exception);
        }

        try
        {
            if (rules.DiscountAbove20000.Applies(entity))
            {
                run.Violated(45);
            }
        }
        catch (Exception exception)
        {
            run.Failed(45, exception);
        }

        try
        {
            if (rules.ExpressNoQuantity.Applies(entity))
            {
                run.Violated(46);
            }
        }
        catch (Exception exception)
        {
            run.Failed(46, exception);
        }

        try
        {
            if (rules.CreditTiny.Applies(entity))
            {
                run.Violated(47);
            }
        }
        catch (Exception exception)
        {
            run.Failed(47, exception);
        }

        try
        {
            if (rules.CountryEmbargoSy.Applies(entity))
            {
                run.Violated(48);
            }
        }
        catch (Exception exception)
        {
            run.Failed(48, exception);
        }

        try
        {
            if (rules.InvoicedUnshipped.Applies(entity))
            {
                run.Violated(49);
            }
        }
        catch (Exception exception)
        {
            run.Failed(49, exception);
        }
    }
}
