using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace ServerTools.Rules;

/// <summary>
/// What the in-memory form of a data rule calls where .NET and PostgreSQL would otherwise disagree: PostgreSQL's
/// numeric division scale and rounding, its integer remainder, its float8 overflow and division checks and its order
/// of NaN, its character count, its <c>btrim</c>, and SQL's answers for null strings and empty or null collections. Each
/// method answers what the SQL that EF Core produces for the same operation answers, or throws an
/// <see cref="ArithmeticException"/> where PostgreSQL raises an error.
/// </summary>
internal static class InMemoryRuleFunctions
{
    /// <summary>PostgreSQL's <c>NUMERIC_MIN_SIG_DIGITS</c>: a quotient keeps at least this many significant digits.</summary>
    private const int MinSignificantDigits = 16;

    /// <summary>10^n at index n, for n from 0 to 38 (the largest power of ten below 2^128).</summary>
    private static readonly UInt128[] s_powersOf10 = PowersOf10();

    /// <summary>
    /// At index n, the largest mantissa that can be multiplied by 10^n without overflowing a <see cref="UInt128"/>:
    /// the fast division path applies only up to it.
    /// </summary>
    private static readonly UInt128[] s_maxMultiplicands = Array.ConvertAll(s_powersOf10, power => UInt128.MaxValue / power);

    /// <summary>The characters Npgsql's translation of <see cref="string.Trim()"/> removes: <c>btrim(s, E' \t\n\r')</c>.</summary>
    private static readonly char[] s_trimmed = [' ', '\t', '\n', '\r'];

    /// <summary>
    /// PostgreSQL's <c>numeric / numeric</c>: the quotient rounded half away from zero to the scale PostgreSQL
    /// selects (at least 16 significant digits, and no fewer decimals than either operand), where .NET would keep
    /// 28 digits. A quotient PostgreSQL would give more than 28 decimals (smaller than about 1e-12) keeps .NET's
    /// 28; one beyond <see cref="decimal"/>'s range throws <see cref="OverflowException"/>.
    /// </summary>
    /// <remarks>
    /// Data rules divide on every evaluation, so this is the allocation-free fast path: a decimal's mantissa has at
    /// most 96 bits, so the scaled dividend usually fits a <see cref="UInt128"/> and the exact quotient and remainder
    /// come from one 128-bit division. When the scaled dividend would not fit (a divisor with many decimals next to
    /// a large dividend) it falls back to <see cref="DivideExact"/>, the <see cref="BigInteger"/> arithmetic that
    /// <see cref="DivideSlow"/> uses and that the fast path is tested against, bit for bit.
    /// </remarks>
    public static decimal Divide(decimal dividend, decimal divisor)
    {
        if (divisor == 0m)
        {
            throw new DivideByZeroException();
        }

        var (a, sa, dividendNegative) = Mantissa(dividend);
        var (b, sb, divisorNegative) = Mantissa(divisor);
        var scale = DivisionScale(WeightAndFirstDigit(a, sa), WeightAndFirstDigit(b, sb), sa, sb);
        if (scale > 28)
        {
            return dividend / divisor;
        }

        // As in DivideExact: the result scaled by 10^scale is a * 10^exponent / b. The exponent is never negative
        // (scale >= sa), but a negative one and a scaled dividend beyond 128 bits both take the exact path.
        var exponent = sb - sa + scale;
        if (exponent < 0 || exponent >= s_maxMultiplicands.Length || a > s_maxMultiplicands[exponent])
        {
            return DivideExact(dividend, divisor, scale);
        }

        var numerator = a * s_powersOf10[exponent];
        var quotient = numerator / b;
        var remainder = numerator - (quotient * b);

        // Half away from zero on magnitudes: remainder < b < 2^96, so doubling it cannot overflow.
        if (remainder * 2 >= b)
        {
            quotient++;
        }

        if (quotient >> 96 != UInt128.Zero)
        {
            throw new OverflowException("The quotient is too large for a decimal.");
        }

        // A zero quotient (only of a zero dividend) is +0, as the BigInteger sign of the exact path makes it.
        var negative = quotient != UInt128.Zero && dividendNegative != divisorNegative;
        var lower = (ulong)quotient;
        return new decimal((int)(uint)lower, (int)(uint)(lower >> 32), (int)(uint)(ulong)(quotient >> 64), negative, (byte)scale);
    }

    /// <summary>
    /// The original, <see cref="BigInteger"/> form of <see cref="Divide(decimal, decimal)"/> (digits counted by
    /// formatting): the reference the fast path must agree with bit for bit (value, scale and exceptions). Only
    /// tests call it; <see cref="Divide(decimal, decimal)"/> shares its exact arithmetic (<see cref="DivideExact"/>).
    /// </summary>
    internal static decimal DivideSlow(decimal dividend, decimal divisor)
    {
        if (divisor == 0m)
        {
            throw new DivideByZeroException();
        }

        var scale = DivisionScale(WeightAndFirstDigitSlow(dividend), WeightAndFirstDigitSlow(divisor), dividend.Scale, divisor.Scale);
        return scale > 28 ? dividend / divisor : DivideExact(dividend, divisor, scale);
    }

    /// <summary>
    /// The quotient rounded half away from zero to <paramref name="scale"/> (at most 28) decimals, in
    /// <see cref="BigInteger"/> arithmetic, which is exact whatever the operands' sizes but allocates.
    /// </summary>
    private static decimal DivideExact(decimal dividend, decimal divisor, int scale)
    {
        // dividend / divisor = (a / 10^sa) / (b / 10^sb); the result scaled by 10^scale is a * 10^(sb - sa + scale) / b.
        var (a, sa) = Unscaled(dividend);
        var (b, sb) = Unscaled(divisor);
        var exponent = sb - sa + scale;
        var numerator = exponent >= 0 ? a * BigInteger.Pow(10, exponent) : a;
        var denominator = exponent >= 0 ? b : b * BigInteger.Pow(10, -exponent);
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        if (BigInteger.Abs(remainder) * 2 >= BigInteger.Abs(denominator))
        {
            quotient += numerator.Sign * denominator.Sign;
        }

        return FromUnscaled(quotient, scale);
    }

    /// <summary>PostgreSQL's <c>round(numeric, digits)</c>: half away from zero, with exactly <paramref name="digits"/> decimals.</summary>
    public static decimal Round(decimal value, int digits)
    {
        var rounded = Math.Round(value, digits, MidpointRounding.AwayFromZero);
        var (unscaled, scale) = Unscaled(rounded);
        return scale < digits && TryFromUnscaled(unscaled * BigInteger.Pow(10, digits - scale), digits, out var padded) ? padded : rounded;
    }

    /// <summary>PostgreSQL's <c>round(numeric)</c>: half away from zero, no decimals.</summary>
    public static decimal Round(decimal value) => Math.Round(value, MidpointRounding.AwayFromZero);

    /// <summary>PostgreSQL's <c>int4 % int4</c>: like .NET, except that <c>x % -1</c> is 0 instead of an overflow.</summary>
    public static int Remainder(int dividend, int divisor) => divisor == -1 ? 0 : dividend % divisor;

    /// <summary>PostgreSQL's <c>int8 % int8</c>: like .NET, except that <c>x % -1</c> is 0 instead of an overflow.</summary>
    public static long Remainder(long dividend, long divisor) => divisor == -1 ? 0 : dividend % divisor;

    /// <summary>PostgreSQL's <c>float8 + float8</c>: an infinite result of finite operands is an overflow error.</summary>
    public static double Add(double left, double right) => CheckOverflow(left + right, left, right);

    /// <summary>PostgreSQL's <c>float8 - float8</c>: an infinite result of finite operands is an overflow error.</summary>
    public static double Subtract(double left, double right) => CheckOverflow(left - right, left, right);

    /// <summary>PostgreSQL's <c>float8 * float8</c>: overflow and underflow (a zero product of non-zero operands) are errors.</summary>
    public static double Multiply(double left, double right)
    {
        var result = CheckOverflow(left * right, left, right);
        if (result == 0.0 && left != 0.0 && right != 0.0)
        {
            throw new OverflowException("The product is too small for double precision (PostgreSQL: value out of range: underflow).");
        }

        return result;
    }

    /// <summary>PostgreSQL's <c>float8 / float8</c>: division by zero (of a number other than NaN), overflow and underflow are errors.</summary>
    public static double Divide(double dividend, double divisor)
    {
        if (divisor == 0.0 && !double.IsNaN(dividend))
        {
            throw new DivideByZeroException();
        }

        var result = dividend / divisor;
        if (double.IsInfinity(result) && !double.IsInfinity(dividend))
        {
            throw new OverflowException("The quotient is too large for double precision (PostgreSQL: value out of range: overflow).");
        }

        if (result == 0.0 && dividend != 0.0 && !double.IsInfinity(divisor))
        {
            throw new OverflowException("The quotient is too small for double precision (PostgreSQL: value out of range: underflow).");
        }

        return result;
    }

    /// <summary>PostgreSQL's <c>float8 = float8</c>: NaN equals NaN (in .NET, NaN equals nothing).</summary>
    public static bool EqualDouble(double left, double right) => CompareDouble(left, right) == 0;

    /// <summary>PostgreSQL's <c>float8 &lt;&gt; float8</c>: NaN equals NaN.</summary>
    public static bool NotEqualDouble(double left, double right) => CompareDouble(left, right) != 0;

    /// <summary>PostgreSQL's <c>float8 &lt; float8</c>: NaN is above every other number (in .NET, every order comparison with NaN is false).</summary>
    public static bool LessThanDouble(double left, double right) => CompareDouble(left, right) < 0;

    /// <summary>PostgreSQL's <c>float8 &lt;= float8</c>: NaN is above every other number and equals NaN.</summary>
    public static bool LessThanOrEqualDouble(double left, double right) => CompareDouble(left, right) <= 0;

    /// <summary>PostgreSQL's <c>float8 &gt; float8</c>: NaN is above every other number.</summary>
    public static bool GreaterThanDouble(double left, double right) => CompareDouble(left, right) > 0;

    /// <summary>PostgreSQL's <c>float8 &gt;= float8</c>: NaN is above every other number and equals NaN.</summary>
    public static bool GreaterThanOrEqualDouble(double left, double right) => CompareDouble(left, right) >= 0;

    /// <summary>PostgreSQL's <c>length(text)</c>: the number of characters (Unicode code points), not UTF-16 code units.</summary>
    public static int? Length(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var length = value.Length;
        for (var i = 1; i < value.Length; i++)
        {
            if (char.IsLowSurrogate(value[i]) && char.IsHighSurrogate(value[i - 1]))
            {
                length--;
            }
        }

        return length;
    }

    /// <summary>Npgsql's translation of <see cref="string.Trim()"/>: <c>btrim(s, E' \t\n\r')</c>, which removes only those four characters.</summary>
    public static string? Trim(string? value) => value?.Trim(s_trimmed);

    /// <summary><see cref="string.Contains(string)"/> (ordinal) as EF Core translates it: false when either string is null.</summary>
    public static bool Contains(string? value, string? part) => value is not null && part is not null && value.Contains(part, StringComparison.Ordinal);

    /// <summary><see cref="string.StartsWith(string)"/>, ordinal as in PostgreSQL: false when either string is null.</summary>
    public static bool StartsWith(string? value, string? prefix) => value is not null && prefix is not null && value.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary><see cref="string.EndsWith(string)"/>, ordinal as in PostgreSQL: false when either string is null.</summary>
    public static bool EndsWith(string? value, string? suffix) => value is not null && suffix is not null && value.EndsWith(suffix, StringComparison.Ordinal);

    /// <summary>The number of elements; a null (not loaded) collection has none, as a SQL subquery would find.</summary>
    public static int Count<T>(IEnumerable<T>? source) => source?.Count() ?? 0;

    /// <summary>The number of elements that match.</summary>
    public static int Count<T>(IEnumerable<T>? source, Func<T, bool> predicate)
    {
        var count = 0;
        foreach (var element in source ?? [])
        {
            if (predicate(element))
            {
                count = checked(count + 1);
            }
        }

        return count;
    }

    /// <summary>Whether there is an element.</summary>
    public static bool Any<T>(IEnumerable<T>? source) => source?.Any() ?? false;

    /// <summary>Whether an element matches.</summary>
    public static bool Any<T>(IEnumerable<T>? source, Func<T, bool> predicate)
    {
        foreach (var element in source ?? [])
        {
            if (predicate(element))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every element matches (true when there are none).</summary>
    public static bool All<T>(IEnumerable<T>? source, Func<T, bool> predicate)
    {
        foreach (var element in source ?? [])
        {
            if (!predicate(element))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>COALESCE(SUM(x), 0)::int</c>: nulls skipped, 0 when nothing is left, accumulated in 64 bits as
    /// PostgreSQL's <c>sum(int4)</c> does, and an overflow only when the total does not fit an <see cref="int"/>.
    /// </summary>
    public static int SumInt32<T>(IEnumerable<T>? source, Func<T, int?> selector)
    {
        long total = 0;
        foreach (var element in source ?? [])
        {
            total += selector(element) ?? 0;
        }

        return checked((int)total);
    }

    /// <summary><c>COALESCE(SUM(x), 0)::bigint</c>: nulls skipped, and an overflow only when the total does not fit a <see cref="long"/>.</summary>
    public static long SumInt64<T>(IEnumerable<T>? source, Func<T, long?> selector)
    {
        Int128 total = 0;
        foreach (var element in source ?? [])
        {
            total += selector(element) ?? 0;
        }

        return checked((long)total);
    }

    /// <summary>
    /// <c>COALESCE(SUM(x), 0.0)</c>: nulls skipped, and 0.0 (the literal EF Core writes) when nothing is left. A
    /// total beyond <see cref="decimal"/>'s range throws <see cref="OverflowException"/>, where PostgreSQL is exact.
    /// </summary>
    public static decimal SumDecimal<T>(IEnumerable<T>? source, Func<T, decimal?> selector)
    {
        decimal? total = null;
        foreach (var element in source ?? [])
        {
            if (selector(element) is { } value)
            {
                total = total is { } sum ? sum + value : value;
            }
        }

        return total ?? 0.0m;
    }

    /// <summary>
    /// The value of a decimal literal as PostgreSQL reads the text Npgsql writes for it (<c>0.0###…</c>): trailing
    /// zeros dropped, at least one decimal. The scale matters to PostgreSQL's division.
    /// </summary>
    public static decimal AsSqlLiteral(decimal value)
        => decimal.Parse(value.ToString("0.0###########################", CultureInfo.InvariantCulture), NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>PostgreSQL's <c>float8_cmp_internal</c>: NaN equals NaN and sorts above every other number, infinities included; -0 equals 0.</summary>
    private static int CompareDouble(double left, double right)
        => double.IsNaN(left) ? (double.IsNaN(right) ? 0 : 1)
            : double.IsNaN(right) ? -1
            : left < right ? -1 : left > right ? 1 : 0;

    private static double CheckOverflow(double result, double left, double right)
    {
        if (double.IsInfinity(result) && !double.IsInfinity(left) && !double.IsInfinity(right))
        {
            throw new OverflowException("The result is too large for double precision (PostgreSQL: value out of range: overflow).");
        }

        return result;
    }

    /// <summary>
    /// PostgreSQL's <c>select_div_scale</c>, from the operands' first base-10000 digits and their scales (a .NET
    /// decimal's scale is PostgreSQL's display scale).
    /// </summary>
    private static int DivisionScale((int Weight, int FirstDigit) dividend, (int Weight, int FirstDigit) divisor, int dividendScale, int divisorScale)
    {
        var quotientWeight = dividend.Weight - divisor.Weight;
        if (dividend.FirstDigit <= divisor.FirstDigit)
        {
            quotientWeight--;
        }

        var scale = MinSignificantDigits - (quotientWeight * 4);
        return Math.Max(Math.Max(scale, dividendScale), Math.Max(divisorScale, 0));
    }

    /// <summary>
    /// The weight and value of the first non-zero base-10000 digit of a PostgreSQL numeric whose magnitude is
    /// <paramref name="mantissa"/> / 10^<paramref name="scale"/>; (0, 0) for zero. Allocation-free counterpart of
    /// <see cref="WeightAndFirstDigitSlow"/>.
    /// </summary>
    private static (int Weight, int FirstDigit) WeightAndFirstDigit(UInt128 mantissa, int scale)
    {
        if (mantissa == UInt128.Zero)
        {
            return (0, 0);
        }

        // The power of ten of the leading decimal digit, and the base-10000 digit that holds it: an arithmetic shift
        // is a floor division by 4 for negative exponents too.
        var exponent = DecimalDigitCount(mantissa) - 1 - scale;
        var weight = exponent >> 2;

        // Shifting the mantissa by 10^shift leaves exactly that base-10000 digit. With d digits, shift is within
        // [1 - d, 4 - d], so the powers stay within 10^28 (the mantissa has at most 29 digits).
        var shift = (-4 * weight) - scale;
        var first = shift >= 0 ? mantissa * s_powersOf10[shift] : mantissa / s_powersOf10[-shift];
        return (weight, (int)first);
    }

    /// <summary>The original, formatting form of <see cref="WeightAndFirstDigit(UInt128, int)"/>, for <see cref="DivideSlow"/>.</summary>
    private static (int Weight, int FirstDigit) WeightAndFirstDigitSlow(decimal value)
    {
        var (unscaled, scale) = Unscaled(value);
        unscaled = BigInteger.Abs(unscaled);
        if (unscaled.IsZero)
        {
            return (0, 0);
        }

        var exponent = unscaled.ToString(CultureInfo.InvariantCulture).Length - 1 - scale;
        var weight = (int)Math.Floor(exponent / 4.0);
        var shift = (-4 * weight) - scale;
        var first = shift >= 0 ? unscaled * BigInteger.Pow(10, shift) : unscaled / BigInteger.Pow(10, -shift);
        return (weight, (int)first);
    }

    /// <summary>
    /// The number of decimal digits of a non-zero value below 2^96, without formatting it. A value of b significant
    /// bits has floor(b * log10 2) or one more digits; <c>b * 1233 &gt;&gt; 12</c> is exactly floor(b * log10 2)
    /// for every b up to 128 (checked by the tests), and one comparison with that power of ten settles which.
    /// </summary>
    internal static int DecimalDigitCount(UInt128 value)
    {
        var bits = 128 - (int)UInt128.LeadingZeroCount(value);
        var digits = (bits * 1233) >> 12;
        return value >= s_powersOf10[digits] ? digits + 1 : digits;
    }

    /// <summary>A decimal's magnitude, scale and sign, read without allocating.</summary>
    private static (UInt128 Magnitude, int Scale, bool Negative) Mantissa(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var magnitude = new UInt128((uint)bits[2], ((ulong)(uint)bits[1] << 32) | (uint)bits[0]);
        return (magnitude, (bits[3] >> 16) & 0xFF, bits[3] < 0);
    }

    /// <summary>10^0 to 10^38, every power of ten a <see cref="UInt128"/> holds.</summary>
    private static UInt128[] PowersOf10()
    {
        var powers = new UInt128[39];
        powers[0] = UInt128.One;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }

    private static (BigInteger Unscaled, int Scale) Unscaled(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var magnitude = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        var scale = (bits[3] >> 16) & 0xFF;
        return (bits[3] < 0 ? -magnitude : magnitude, scale);
    }

    private static decimal FromUnscaled(BigInteger unscaled, int scale)
        => TryFromUnscaled(unscaled, scale, out var value) ? value : throw new OverflowException("The quotient is too large for a decimal.");

    private static bool TryFromUnscaled(BigInteger unscaled, int scale, out decimal value)
    {
        var magnitude = BigInteger.Abs(unscaled);
        if (magnitude >> 96 != BigInteger.Zero)
        {
            value = 0m;
            return false;
        }

        var low = (int)(uint)(magnitude & uint.MaxValue);
        var middle = (int)(uint)((magnitude >> 32) & uint.MaxValue);
        var high = (int)(uint)((magnitude >> 64) & uint.MaxValue);
        value = new decimal(low, middle, high, unscaled.Sign < 0, (byte)scale);
        return true;
    }
}
