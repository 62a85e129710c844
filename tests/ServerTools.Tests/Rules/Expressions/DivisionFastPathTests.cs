using System;
using System.Globalization;
using System.Numerics;
using ServerTools.Rules;

namespace ServerTools.Tests.Rules.Expressions;

/// <summary>
/// The allocation-free <see cref="InMemoryRuleFunctions.Divide(decimal, decimal)"/> against the original
/// <see cref="BigInteger"/> implementation (<see cref="InMemoryRuleFunctions.DivideSlow"/>), which the PostgreSQL
/// conformance tests pin down: the same bits (value and scale, as <see cref="decimal.GetBits(decimal)"/> shows them),
/// or the same exception type, on random pairs of every shape (fixed seed).
/// </summary>
public sealed class DivisionFastPathTests
{
    private const int Pairs = 200_000;

    [Fact]
    public void FastDivisionMatchesTheBigIntegerImplementationBitForBit()
    {
        var random = new Random(20_261_121);
        for (var i = 0; i < Pairs; i++)
        {
            var dividend = RandomDecimal(random);
            var divisor = (i % 50) switch
            {
                0 => Zero(random),
                _ => RandomDecimal(random),
            };
            AssertSame(dividend, divisor);
        }
    }

    [Theory]
    [InlineData("1", "3")]
    [InlineData("2", "3")]
    [InlineData("1", "3.0000000000000000000000000000")]
    [InlineData("2", "3.0000000000000000000000000000")]
    [InlineData("-2", "3.0000000000000000000000000000")]
    [InlineData("0.0000000000000000000000000001", "3")]
    [InlineData("0.0000000000000000000000000005", "10")]
    [InlineData("79228162514264337593543950335", "0.1")]
    [InlineData("79228162514264337593543950335", "1")]
    [InlineData("79228162514264337593543950335", "-1.0000000000000000000000000000")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("-79228162514264337593543950335", "7.9228162514264337593543950335")]
    [InlineData("7.9228162514264337593543950335", "0.0000000000000000000000000001")]
    [InlineData("1", "79228162514264337593543950335")]
    [InlineData("0", "-7")]
    [InlineData("-0.000", "7.00")]
    [InlineData("5", "0.000")]
    [InlineData("9999", "1")]
    [InlineData("10000", "1")]
    [InlineData("0.5", "1")]
    [InlineData("-0.5", "1")]
    [InlineData("1.5", "0.0000000000000000000000000003")]
    public void EdgeCasesMatch(string dividend, string divisor)
        => AssertSame(decimal.Parse(dividend, CultureInfo.InvariantCulture), decimal.Parse(divisor, CultureInfo.InvariantCulture));

    [Fact]
    public void DigitCountMatchesFormatting()
    {
        for (var bits = 1; bits <= 96; bits++)
        {
            var power = UInt128.One << (bits - 1);
            CheckDigits(power);
            CheckDigits((power << 1) - 1);
        }

        UInt128 ten = 1;
        for (var digits = 1; digits <= 29; digits++)
        {
            CheckDigits(ten);
            if (ten > 1)
            {
                CheckDigits(ten - 1);
            }

            ten *= 10;
        }

        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var value = RandomMantissa(random);
            if (value != UInt128.Zero)
            {
                CheckDigits(value);
            }
        }

        static void CheckDigits(UInt128 value)
            => Assert.Equal(value.ToString(CultureInfo.InvariantCulture).Length, InMemoryRuleFunctions.DecimalDigitCount(value));
    }

    private static void AssertSame(decimal dividend, decimal divisor)
    {
        var expected = Outcome(InMemoryRuleFunctions.DivideSlow, dividend, divisor);
        var actual = Outcome(InMemoryRuleFunctions.Divide, dividend, divisor);
        if (expected != actual)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{dividend} / {divisor}: expected {expected}, got {actual}"));
        }
    }

    /// <summary>The quotient's bits (value and scale; <see cref="decimal"/> equality would ignore the scale), or the exception type thrown.</summary>
    private static (int Low, int Middle, int High, int Flags, Type? Exception) Outcome(Func<decimal, decimal, decimal> divide, decimal dividend, decimal divisor)
    {
        try
        {
            Span<int> bits = stackalloc int[4];
            decimal.GetBits(divide(dividend, divisor), bits);
            return (bits[0], bits[1], bits[2], bits[3], null);
        }
        catch (ArithmeticException exception)
        {
            return (0, 0, 0, 0, exception.GetType());
        }
    }

    /// <summary>A decimal of random magnitude (from a few bits to the full 96), scale (0 to 28) and sign.</summary>
    private static decimal RandomDecimal(Random random)
    {
        var mantissa = random.Next(8) switch
        {
            0 => (UInt128)(ulong)random.Next(0, 100),                       // small integers, and zeros
            1 => Pow10(random.Next(29)) * (UInt128)(ulong)random.Next(1, 10), // one digit and trailing zeros
            2 => (UInt128.One << 96) - 1 - (UInt128)(ulong)random.Next(1000), // near decimal.MaxValue
            _ => RandomMantissa(random),
        };
        var scale = random.Next(4) == 0 ? 0 : random.Next(29);
        var magnitude = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64), false, (byte)scale);
        return random.Next(2) == 0 ? magnitude : -magnitude;
    }

    /// <summary>A mantissa below 2^96 with a random number of significant bits.</summary>
    private static UInt128 RandomMantissa(Random random)
    {
        var full = new UInt128((uint)random.Next(), ((ulong)(uint)random.Next() << 33) ^ ((ulong)(uint)random.Next() << 2) ^ (uint)random.Next(4));
        return full >> random.Next(96);
    }

    private static decimal Zero(Random random) => new(0, 0, 0, random.Next(2) == 0, (byte)random.Next(29));

    private static UInt128 Pow10(int exponent)
    {
        UInt128 power = 1;
        for (var i = 0; i < exponent; i++)
        {
            power *= 10;
        }

        return power;
    }
}
