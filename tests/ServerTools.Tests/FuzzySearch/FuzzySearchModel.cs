using System.Collections.Generic;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>Searchable by name and e-mail (listed on the class), and by notes: a word search, weighted half.</summary>
[FuzzySearchable(nameof(Name), nameof(Email))]
public class Partner
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Email { get; set; }

    [FuzzySearchable(Mode = TrigramMatch.WordSimilarity, Weight = 0.5)]
    public string? Notes { get; set; }
}

/// <summary>Searchable by one marked property, with an index of the application's own on the same column.</summary>
public class City
{
    public int Id { get; set; }

    [FuzzySearchable]
    public string Name { get; set; } = "";

    [FuzzySearchable(Mode = TrigramMatch.StrictWordSimilarity)]
    public string Description { get; set; } = "";
}

public sealed class FuzzyContext(DbContextOptions<FuzzyContext> options) : DbContext(options)
{
    public DbSet<Partner> Partners => Set<Partner>();

    public DbSet<City> Cities => Set<City>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<City>().HasIndex(c => c.Name).IsUnique();
}

/// <summary>A database with the fuzzy search model.</summary>
public sealed class FuzzyFixture() : SchemaFixture<FuzzyContext>(options => new(options));

/// <summary>The partners every fuzzy search test searches, typos and near misses included.</summary>
public static class Partners
{
    public static IReadOnlyList<Partner> All { get; } =
    [
        new() { Name = "John Smith", Email = "john.smith@example.com", Notes = "Pays every invoice on time" },
        new() { Name = "Jon Smyth", Email = "jsmyth@example.org" },
        new() { Name = "Johanna Smithers", Email = null, Notes = "Prefers e-mail; ask for the purchase order number" },
        new() { Name = "Jane Smith", Email = "jane@example.com" },
        new() { Name = "Joan Smit", Email = "joan.smit@example.nl", Notes = "Dutch invoices only" },
        new() { Name = "Jonathan Smythe", Email = "jonathan@smythe.co.uk" },
        new() { Name = "Bob Jones", Email = "bob@jones.dev" },
        new() { Name = "Alice Cooper", Email = "alice@cooper.rocks", Notes = "Invoice disputes go to legal" },
        new() { Name = "Smith & Wesson", Email = "sales@smith-wesson.com" },
        new() { Name = "Müller GmbH", Email = "info@mueller.de", Notes = "Überweisung nur per SEPA" },
        new() { Name = "Ολυμπιακή Α.Ε.", Email = "info@olympiaki.gr" },
        new() { Name = "Ивановъ и сыновья", Email = null },
        new() { Name = "O'Brien \"Quotes\" 100%", Email = "obrien@example.ie", Notes = "back\\slash and 50% off" },
    ];

    public static List<Partner> Copies()
    {
        var copies = new List<Partner>();
        foreach (var partner in All)
        {
            copies.Add(new Partner { Name = partner.Name, Email = partner.Email, Notes = partner.Notes });
        }

        return copies;
    }
}
