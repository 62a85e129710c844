using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace ServerTools.Rules;

/// <summary>
/// What the in-memory form of a data rule calls where .NET and PostgreSQL would otherwise disagree: PostgreSQL's
/// numeric division scale and rounding, its integer remainder, its float8 overflow and division checks, its
/// character count, its <c>btrim</c>, and SQL's answers for null strings and empty or null collections. Each
/// method answers what the SQL that EF Core produces for the same operation answers, or throws an
/// <see cref="ArithmeticException"/> where PostgreSQL raises an error.
/// </summary>
internal static class InMemoryRuleFunctions
{
    /// <summary>PostgreSQL's <c>NUMERIC_MIN_SIG_DIGITS</c>: a quotient keeps at least this many significant digits.</summary>
    private const int MinSignificantDigits = 16;

    /// <summary>The characters Npgsql's translation of <see cref="string.Trim()"/> removes: <c>btrim(s, E' \t\n\r')</c>.</summary>
    private static readonly char[] s_trimmed = [' ', '\t', '\n', '\r'];

    /// <summary>
    /// PostgreSQL's <c>numeric / numeric</c>: the quotient rounded half away from zero to the scale PostgreSQL
    /// selects (at least 16 significant digits, and no fewer decimals than either operand), where .NET would keep
    /// 28 digits. A quotient PostgreSQL would give more than 28 decimals (smaller than about 1e-12) keeps .NET's
    /// 28; one beyond <see cref="decimal"/>'s range throws <see cref="OverflowException"/>.
    /// </summary>
    public static decimal Divide(decimal dividend, decimal divisor)
    {
        if (divisor == 0m)
        {
            throw new DivideByZeroException();
        }

        var scale = DivisionScale(dividend, divisor);
        if (scale > 28)
        {
            return dividend / divisor;
        }

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

    /// <summary>PostgreSQL's <c>float8 / float8</c>: division by zero, overflow and underflow are errors.</summary>
    public static double Divide(double dividend, double divisor)
    {
        if (divisor == 0.0)
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

    private static double CheckOverflow(double result, double left, double right)
    {
        if (double.IsInfinity(result) && !double.IsInfinity(left) && !double.IsInfinity(right))
        {
            throw new OverflowException("The result is too large for double precision (PostgreSQL: value out of range: overflow).");
        }

        return result;
    }

    /// <summary>PostgreSQL's <c>select_div_scale</c>, on .NET decimals (whose scale is PostgreSQL's display scale).</summary>
    private static int DivisionScale(decimal dividend, decimal divisor)
    {
        var (weight1, firstDigit1) = WeightAndFirstDigit(dividend);
        var (weight2, firstDigit2) = WeightAndFirstDigit(divisor);
        var quotientWeight = weight1 - weight2;
        if (firstDigit1 <= firstDigit2)
        {
            quotientWeight--;
        }

        var scale = MinSignificantDigits - (quotientWeight * 4);
        return Math.Max(Math.Max(scale, (int)dividend.Scale), Math.Max((int)divisor.Scale, 0));
    }

    /// <summary>The weight and value of the first non-zero base-10000 digit of a PostgreSQL numeric; (0, 0) for zero.</summary>
    private static (int Weight, int FirstDigit) WeightAndFirstDigit(decimal value)
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
