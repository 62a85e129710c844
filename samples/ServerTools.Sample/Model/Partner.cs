using System;
using System.Collections.Generic;

namespace ServerTools.Sample.Model;

/// <summary>
/// A customer or supplier of the shop: a company or a person. Its changes go to the audit trail;
/// the bank account is logged as changed without its value, and the update timestamp is left out
/// because every audit row carries its own time. Partners are found with typos by name and e-mail
/// (<c>db.Partners.FuzzySearch("blue harbour")</c>): pg_trgm with a trigram index per field.
/// </summary>
[Audited]
[FuzzySearchable(nameof(Name), nameof(Email))]
public partial class Partner
{
    /// <summary>The database key.</summary>
    public int Id { get; set; }

    /// <summary>The company's or the person's name, as printed on orders.</summary>
    public required string Name { get; set; }

    /// <summary>True for a company, false for a private person.</summary>
    public bool IsCompany { get; set; }

    /// <summary>The address orders and invoices are mailed to.</summary>
    public string? Email { get; set; }

    /// <summary>The city of the partner's address.</summary>
    public string? City { get; set; }

    /// <summary>The ISO 3166-1 alpha-2 code of the partner's country, such as <c>DE</c>.</summary>
    public required string CountryCode { get; set; }

    /// <summary>The bank account (IBAN) payments go to: audited as changed, never with its value.</summary>
    [AuditMask]
    public string? Iban { get; set; }

    /// <summary>When the partner was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the partner was last changed. Not audited: each audit row has its own timestamp.</summary>
    [AuditIgnore]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The partner's sale orders.</summary>
    public ICollection<SaleOrder> Orders { get; } = new List<SaleOrder>();
}
