using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ServerTools.FuzzySearch;

/// <summary>
/// What <see cref="TrigramQueryRewriter"/> wraps around the parameters of a query's <see cref="TrigramFunctions"/>, so
/// that their values are checked in .NET every time the query runs, as the in-memory functions check them: a term is
/// sent with NUL and unpaired surrogates as spaces (PostgreSQL cannot store them), and a threshold is checked and sent
/// as the text of pg_trgm's setting. Each maps, on PostgreSQL, to the parameter itself with a value converter, which
/// EF Core applies to the value when it sends it.
/// </summary>
internal static class TrigramParameters
{
    /// <summary><see cref="Term"/>.</summary>
    public static readonly MethodInfo TermMethod = typeof(TrigramParameters).GetMethod(nameof(Term))!;

    /// <summary><see cref="ThresholdSetting"/>.</summary>
    public static readonly MethodInfo ThresholdSettingMethod = typeof(TrigramParameters).GetMethod(nameof(ThresholdSetting))!;

    private static readonly ValueConverter<string, string> s_term = new(
        static term => FuzzySearchQuery.Sendable(term),
        static term => term);

    private static readonly ValueConverter<double, string> s_thresholdSetting = new(
        static threshold => FuzzySearchQuery.ThresholdSetting(threshold),
        static setting => double.Parse(setting, CultureInfo.InvariantCulture));

    /// <summary>A term or value as PostgreSQL is sent it: <see cref="FuzzySearchQuery.Sendable"/>.</summary>
    public static string? Term(string? term) => term is null ? null : FuzzySearchQuery.Sendable(term);

    /// <summary>A threshold as pg_trgm's setting is given it: <see cref="FuzzySearchQuery.ThresholdSetting"/>.</summary>
    public static string ThresholdSetting(double threshold) => FuzzySearchQuery.ThresholdSetting(threshold);

    /// <summary>Maps <see cref="Term"/> and <see cref="ThresholdSetting"/> in a PostgreSQL model.</summary>
    public static void Map(IConventionModelBuilder modelBuilder, IRelationalTypeMappingSource typeMappings)
    {
        var text = typeMappings.FindMapping(typeof(string))!;
        modelBuilder.HasDbFunction(TermMethod, fromDataAnnotation: true)
            ?.HasTranslation(arguments => Converted(arguments[0], arguments[0].TypeMapping ?? text, s_term), fromDataAnnotation: true);

        // Any other threshold than a parameter (a constant is checked when the query is compiled) is PostgreSQL's text of it.
        modelBuilder.HasDbFunction(ThresholdSettingMethod, fromDataAnnotation: true)
            ?.HasTranslation(
                arguments => arguments[0] is SqlParameterExpression
                    ? Converted(arguments[0], text, s_thresholdSetting)
                    : new SqlUnaryExpression(System.Linq.Expressions.ExpressionType.Convert, arguments[0], typeof(string), text),
                fromDataAnnotation: true);
    }

    /// <summary>A parameter with <paramref name="converter"/> composed onto <paramref name="mapping"/>; anything else as it is.</summary>
    private static SqlExpression Converted(SqlExpression argument, RelationalTypeMapping mapping, ValueConverter converter)
        => argument is SqlParameterExpression parameter
            ? new SqlParameterExpression(
                parameter.InvariantName,
                parameter.Name,
                converter.ProviderClrType,
                parameter.IsNullable,
                parameter.TranslationMode,
                (RelationalTypeMapping)mapping.WithComposedConverter(converter))
            : argument;
}
