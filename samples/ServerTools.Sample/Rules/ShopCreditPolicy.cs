using System;
using ServerTools.Sample.Model;

namespace ServerTools.Sample.Rules;

/// <summary>The shop's credit terms: companies order on account up to EUR 5,000, private persons up to EUR 500.</summary>
public sealed class ShopCreditPolicy : ICreditPolicy
{
    /// <summary>The limit of a company.</summary>
    public const decimal CompanyLimit = 5_000m;

    /// <summary>The limit of a private person.</summary>
    public const decimal PersonLimit = 500m;

    /// <inheritdoc />
    public decimal LimitFor(Partner partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return partner.IsCompany ? CompanyLimit : PersonLimit;
    }
}
