using System;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.FuzzySearch;

/// <summary>A customer or supplier, searched with typos by name.</summary>
[FuzzySearchable(nameof(Name))]
public class Partner
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

/// <summary>The partners, in a context with UseServerTools(): EnsureCreated adds pg_trgm and the GIN index on Name.</summary>
public sealed class FuzzySearchBenchmarkContext(DbContextOptions<FuzzySearchBenchmarkContext> options) : DbContext(options)
{
    public DbSet<Partner> Partners => Set<Partner>();
}

/// <summary>
/// The data of the fuzzy search benchmark, loaded once per process, on first use, and shared by all its benchmarks:
/// 1,000,000 deterministic person names, and one private PostgreSQL holding them in the entity's table (with the
/// generated trigram index) and in an identical table without it, each in a database of its own.
/// </summary>
internal static class FuzzySearchBenchmarkData
{
    public const int Count = 1_000_000;

    /// <summary>The table the generated search reads: <see cref="Partner"/>'s, with its GIN <c>gin_trgm_ops</c> index.</summary>
    public const string IndexedTable = "Partners";

    /// <summary>The same columns, rows and primary key, and no trigram index.</summary>
    public const string UnindexedTable = "PartnersWithoutIndex";

    private static readonly Lazy<string[]> s_names = new(() => Step($"{Count:N0} names generated", Generate));
    private static readonly Lazy<PostgresServer> s_server = new(() => Step("PostgreSQL started", Start));
    private static readonly Lazy<DbContextOptions<FuzzySearchBenchmarkContext>> s_indexed = new(LoadIndexed);
    private static readonly Lazy<string> s_unindexed = new(LoadUnindexed);

    /// <summary>The names of partners 1 to <see cref="Count"/>: index i is partner i + 1.</summary>
    public static string[] Names => s_names.Value;

    /// <summary>
    /// Options of a context with UseServerTools() on the database of <see cref="IndexedTable"/>, filled on first use. The
    /// server is stopped when the process exits.
    /// </summary>
    public static DbContextOptions<FuzzySearchBenchmarkContext> Indexed => s_indexed.Value;

    /// <summary>A connection string to the database of <see cref="UnindexedTable"/>, filled on first use.</summary>
    public static string Unindexed => s_unindexed.Value;

    private static readonly string[] s_firstNames =
    [
        "Aaron", "Abigail", "Adam", "Adrian", "Agnieszka", "Ahmed", "Aiden", "Aisha", "Alan", "Albert", "Aleksandr", "Alessandro",
        "Alexander", "Alexandra", "Alice", "Alicia", "Amelia", "Amir", "Ana", "Andrea", "Andreas", "Andrew", "Angela", "Anna", "Anne",
        "Anthony", "Antoine", "Antonio", "Arjun", "Astrid", "Barbara", "Beatriz", "Benjamin", "Bernard", "Björn", "Brian", "Bruno",
        "Camille", "Carlos", "Carmen", "Caroline", "Catherine", "Charles", "Charlotte", "Chen", "Chloé", "Christian", "Christina",
        "Christopher", "Claire", "Clara", "Daniel", "David", "Deborah", "Diana", "Diego", "Dmitri", "Dorothy", "Edward", "Elena",
        "Elif", "Elizabeth", "Ella", "Emil", "Emily", "Emma", "Eric", "Erik", "Ethan", "Eva", "Fatima", "Felix", "Fernando", "Fiona",
        "Francesca", "Francisco", "François", "Frank", "Gabriel", "Gabriela", "George", "Giulia", "Giuseppe", "Grace", "Gregory",
        "Hannah", "Hans", "Harry", "Helen", "Henrik", "Henry", "Hugo", "Ian", "Ibrahim", "Ines", "Ingrid", "Isabel", "Isabella",
        "Ivan", "Jack", "Jacob", "James", "Jan", "Jane", "Javier", "Jennifer", "Jessica", "Joanna", "Johan", "John", "Jon", "Jonas",
        "Jonathan", "Jorge", "José", "Joseph", "Joshua", "Juan", "Julia", "Julian", "Jürgen", "Karen", "Karin", "Katarzyna",
        "Kateřina", "Kevin", "Kim", "Lars", "Laura", "Lea", "Leon", "Liam", "Linda", "Lisa", "Lucas", "Lucia", "Luis", "Łukasz",
        "Luca", "Magnus", "Maria", "Mariam", "Marie", "Mark", "Marta", "Martin", "Mary", "Mateo", "Matthias", "Max", "Mehmet", "Mia",
        "Michael", "Michelle", "Miguel", "Mohammed", "Natalia", "Nathan", "Nicholas", "Nicole", "Nina", "Noah", "Olamide", "Olga",
        "Oliver", "Olivia", "Oscar", "Pablo", "Patricia", "Patrick", "Paul", "Pedro", "Peter", "Pierre", "Priya", "Rachel", "Rafael",
        "Rebecca", "Renée", "Ricardo", "Richard", "Robert", "Rosa", "Ryan", "Samuel", "Sara", "Sarah", "Sebastian", "Seán",
        "Siobhan", "Sofia", "Søren", "Sophie", "Stefan", "Stephen", "Susan", "Thomas", "Tomás", "Victor", "Victoria", "William",
        "Wojciech", "Yuki", "Zoë",
    ];

    private static readonly string[] s_lastNames =
    [
        "Adams", "Ahmed", "Ali", "Alvarez", "Anderson", "Andersson", "Bailey", "Baker", "Bauer", "Becker", "Bennett", "Berg",
        "Bianchi", "Brooks", "Brown", "Campbell", "Carter", "Castro", "Chen", "Clark", "Cohen", "Collins", "Cook", "Cooper", "Costa",
        "Cruz", "Davies", "Davis", "De Luca", "Dias", "Diaz", "Dubois", "Dumont", "Dupont", "Edwards", "Eriksson", "Evans",
        "Fernández", "Ferrari", "Fischer", "Fisher", "Flores", "Fontaine", "Fontana", "Fraser", "Gallagher", "García", "Garcia",
        "Gomez", "González", "Graham", "Green", "Gutiérrez", "Hall", "Hamilton", "Hansen", "Harris", "Hayes", "Hernández", "Hill",
        "Hoffmann", "Horvat", "Hughes", "Ivanov", "Jackson", "Jensen", "Johansson", "Johnson", "Jones", "Jovanović", "Kaya",
        "Keller", "Kelly", "Kennedy", "Khan", "Kim", "King", "Koch", "Kovač", "Kowalski", "Kumar", "Lambert", "Lange", "Larsen",
        "Laurent", "Lee", "Lefebvre", "Lewis", "Li", "Lindqvist", "López", "Lopez", "MacLeod", "Marino", "Martin", "Martínez",
        "Martinez", "Meyer", "Miller", "Mitchell", "Moore", "Morales", "Moreau", "Moretti", "Morgan", "Morris", "Müller", "Murphy",
        "Murray", "Nakamura", "Nguyen", "Nielsen", "Nilsson", "Novák", "Nowak", "O'Brien", "Okafor", "Okonkwo", "Olsen", "Ortiz",
        "Öztürk", "Papadopoulos", "Parker", "Patel", "Pereira", "Perez", "Petrović", "Phillips", "Popescu", "Price", "Ramirez",
        "Reed", "Reyes", "Ricci", "Richter", "Rivera", "Roberts", "Robinson", "Rodriguez", "Rossi", "Russo", "Sanchez", "Santos",
        "Sato", "Schäfer", "Schmidt", "Schmitz", "Schneider", "Schulz", "Scott", "Shapiro", "Silva", "Smith", "Smyth", "Sousa",
        "Stewart", "Sullivan", "Suzuki", "Svensson", "Tanaka", "Taylor", "Thomas", "Thompson", "Torres", "Turner", "Twist",
        "Valdez", "van der Berg", "Varga", "Vogel", "Wagner", "Walker", "Walsh", "Wang", "Ward", "Watson", "Weber", "White",
        "Williams", "Wilson", "Wiśniewski", "Wójcik", "Wolf", "Wood", "Wright", "Yamamoto", "Yılmaz", "Young", "Zhang", "Ziegler",
        "Zimmermann",
    ];

    /// <summary>
    /// A first and a last name, now and then a middle initial or a second last name, and in half of them one to three
    /// typos, so their trigrams are as varied as real data entered by hand. The same on every run (a seeded
    /// <see cref="Random"/>).
    /// </summary>
    private static string[] Generate()
    {
        var random = new Random(20261121);
        var names = new string[Count];
        var name = new StringBuilder();
        for (var i = 0; i < names.Length; i++)
        {
            name.Clear().Append(Pick(s_firstNames, random));
            if (random.Next(10) == 0)
            {
                name.Append(' ').Append((char)('A' + random.Next(26))).Append('.');
            }

            name.Append(' ').Append(Pick(s_lastNames, random));
            if (random.Next(10) == 0)
            {
                name.Append('-').Append(Pick(s_lastNames, random));
            }

            if (random.Next(2) == 0)
            {
                for (var typos = random.Next(1, 4); typos > 0; typos--)
                {
                    Misspell(name, random);
                }
            }

            names[i] = name.ToString();
        }

        return names;
    }

    /// <summary>
    /// A private server. Autovacuum is off so that it never starts inside a measured query; the setup runs VACUUM
    /// ANALYZE itself. The buffers hold the tables and the index, as a production server's memory would.
    /// </summary>
    private static PostgresServer Start()
    {
        var options = new PostgresServerOptions
        {
            Settings =
            {
                ["autovacuum"] = "off",
                ["shared_buffers"] = "512MB",
                ["maintenance_work_mem"] = "1GB",
                ["checkpoint_timeout"] = "1d",
                ["max_wal_size"] = "10GB",
            },
        };
        return PostgresServer.StartAsync(options).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Creates <see cref="IndexedTable"/> with EnsureCreated and UseServerTools(): the table, pg_trgm and the generated
    /// index <c>IX_Partners_Name_trgm</c>; and fills it. The index is dropped for the load and created again from its own
    /// definition (<c>pg_get_indexdef</c>), so it is the generated index, built in one pass rather than row by row.
    /// </summary>
    private static DbContextOptions<FuzzySearchBenchmarkContext> LoadIndexed()
    {
        var connectionString = s_server.Value.CreateDatabaseAsync("fuzzy").GetAwaiter().GetResult();
        var options = new DbContextOptionsBuilder<FuzzySearchBenchmarkContext>().UseNpgsql(connectionString).UseServerTools().Options;
        using (var context = new FuzzySearchBenchmarkContext(options))
        {
            context.Database.EnsureCreated();
        }

        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var index = $"IX_{IndexedTable}_{nameof(Partner.Name)}_trgm";
        var definition = Scalar(connection, $"SELECT pg_get_indexdef('\"{index}\"'::regclass)") as string
            ?? throw new InvalidOperationException($"EnsureCreated did not create the index {index}.");
        Execute(connection, $"DROP INDEX \"{index}\"");
        Load(connection, IndexedTable, definition);
        return options;
    }

    /// <summary>
    /// Creates <see cref="UnindexedTable"/>, with the columns and primary key of <see cref="IndexedTable"/> and no other
    /// index, and pg_trgm for its operator and function; and fills it.
    /// </summary>
    private static string LoadUnindexed()
    {
        var connectionString = s_server.Value.CreateDatabaseAsync("fuzzy_scan").GetAwaiter().GetResult();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        Execute(connection, "CREATE EXTENSION pg_trgm");
        Execute(connection, $"CREATE TABLE \"{UnindexedTable}\" (\"Id\" integer PRIMARY KEY, \"Name\" text NOT NULL)");
        Load(connection, UnindexedTable, index: null);
        return connectionString;
    }

    /// <summary>
    /// Copies the names into <paramref name="table"/> (binary COPY), creates <paramref name="index"/> when there is
    /// one, and runs VACUUM ANALYZE, as autovacuum would before the first search: statistics, and hint bits set.
    /// </summary>
    private static void Load(NpgsqlConnection connection, string table, string? index)
    {
        var names = Names;
        Step($"COPY {Count:N0} rows into {table}", () => Copy(connection, table, names));
        if (index is not null)
        {
            Step(index, () => Execute(connection, index));
        }

        Step($"VACUUM ANALYZE {table}", () => Execute(connection, $"VACUUM ANALYZE \"{table}\""));
    }

    /// <summary>Runs <paramref name="action"/> and writes how long it took to the benchmark's log.</summary>
    private static void Step(string what, Action action) => Step(what, () =>
    {
        action();
        return true;
    });

    private static T Step<T>(string what, Func<T> action)
    {
        var watch = Stopwatch.StartNew();
        var result = action();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Setup: {what}: {watch.Elapsed.TotalSeconds:F1} s"));
        return result;
    }

    private static void Copy(NpgsqlConnection connection, string table, string[] names)
    {
        using var import = connection.BeginBinaryImport($"COPY \"{table}\" (\"Id\", \"Name\") FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < names.Length; i++)
        {
            import.StartRow();
            import.Write(i + 1, NpgsqlDbType.Integer);
            import.Write(names[i], NpgsqlDbType.Text);
        }

        import.Complete();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    private static object? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    private static string Pick(string[] names, Random random) => names[random.Next(names.Length)];

    /// <summary>One typo at a random place: two letters swapped, one dropped, one doubled or one replaced.</summary>
    private static void Misspell(StringBuilder name, Random random)
    {
        var at = random.Next(name.Length - 1);
        switch (random.Next(4))
        {
            case 0:
                (name[at], name[at + 1]) = (name[at + 1], name[at]);
                break;
            case 1:
                name.Remove(at, 1);
                break;
            case 2:
                name.Insert(at, name[at]);
                break;
            default:
                name[at] = (char)('a' + random.Next(26));
                break;
        }
    }
}
