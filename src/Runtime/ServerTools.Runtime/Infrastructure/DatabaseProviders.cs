namespace ServerTools.Infrastructure;

/// <summary>The EF Core providers ServerTools does more on.</summary>
internal static class DatabaseProviders
{
    /// <summary>Npgsql's provider name: PostgreSQL, where fuzzy search and <c>WhereOpenAt</c> run in SQL.</summary>
    public const string Npgsql = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>EF Core's in-memory provider name: it does not store complex collections (it reads them back as null).</summary>
    public const string InMemory = "Microsoft.EntityFrameworkCore.InMemory";
}
