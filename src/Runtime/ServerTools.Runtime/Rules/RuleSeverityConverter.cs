using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ServerTools.Rules;

/// <summary>
/// Stores <see cref="ExceptionRuleDefinition.Severity"/> and <see cref="StoredRuleViolation.Severity"/> as their names
/// (<c>'Warning'</c>, <c>'Blocking'</c>), as EF Core's enum-to-string conversion does, and reads them exactly: any other
/// text, written by SQL past SaveChanges' check (<c>'Fatal'</c>, <c>'blocking'</c>, <c>'1'</c>), reads as
/// <see cref="Undefined"/> instead of making EF Core throw for every query that reads the row, such as an admin screen's
/// list of rules or of violations (where the row is fixed). Such a row is refused by SaveChanges until its severity is
/// set; for a definition, the engine reports its rule as failed, naming the text (<see cref="Data.DataRuleRows"/>).
/// Exact, not EF Core's case-insensitive parse, so that what is read agrees with SQL and with EF Core's queries, which
/// compare the column with <c>'Blocking'</c>.
/// </summary>
internal sealed class RuleSeverityConverter()
    : ValueConverter<RuleSeverity, string>(
        static severity => severity.ToString(),
        static text => text == nameof(RuleSeverity.Warning) ? RuleSeverity.Warning : text == nameof(RuleSeverity.Blocking) ? RuleSeverity.Blocking : Undefined)
{
    /// <summary>What a Severity that is neither <c>'Warning'</c> nor <c>'Blocking'</c> reads as: no member of <see cref="RuleSeverity"/>.</summary>
    public const RuleSeverity Undefined = (RuleSeverity)(-1);
}
