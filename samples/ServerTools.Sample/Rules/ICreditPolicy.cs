using ServerTools.Sample.Model;

namespace ServerTools.Sample.Rules;

/// <summary>How much a partner may order on credit: the limit <see cref="CreditLimitRule"/> checks orders against.</summary>
public interface ICreditPolicy
{
    /// <summary>The highest order total, in euros, that <paramref name="partner"/> may order on credit.</summary>
    decimal LimitFor(Partner partner);
}
