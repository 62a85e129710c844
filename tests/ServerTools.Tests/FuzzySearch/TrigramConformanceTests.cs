using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Npgsql;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>
/// <see cref="Trigram"/> against pg_trgm on the test server (PostgreSQL, UTF-8, C.UTF-8 locale): the same value, to the
/// bit of PostgreSQL's <c>real</c>, for every generated pair and every code point. One query per test.
/// </summary>
public sealed class TrigramConformanceTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const int ReportedMismatches = 5;

    [Fact]
    public async Task Similarity_word_similarity_and_strict_word_similarity_equal_pg_trgm_for_10000_pairs()
    {
        var samples = new TrigramSamples(seed: 20_260_101);
        var pairs = samples.Pairs(10_000);
        pairs.AddRange(
        [
            ("word", "words"), ("word", "two words"), ("", ""), ("", "word"), ("word", ""),
            (samples.Text(10_000), samples.Text(10_000)),
            (samples.Phrase(2), samples.Text(10_000)),
        ]);
        var text = samples.Text(10_000);
        pairs.Add((samples.Excerpt(text), text));

        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT similarity(a, b), word_similarity(a, b), strict_word_similarity(a, b)
            FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS pair(a, b, n)
            ORDER BY n
            """,
            connection)
        {
            Parameters = { new() { Value = pairs.Select(p => p.A).ToArray() }, new() { Value = pairs.Select(p => p.B).ToArray() } },
        };
        var mismatches = new List<string>();
        var compared = 0;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (a, b) = pairs[compared++];
                Check("similarity", reader.GetFloat(0), Trigram.Similarity(a, b), a, b, mismatches);
                Check("word_similarity", reader.GetFloat(1), Trigram.WordSimilarity(a, b), a, b, mismatches);
                Check("strict_word_similarity", reader.GetFloat(2), Trigram.StrictWordSimilarity(a, b), a, b, mismatches);
            }
        }

        Assert.Equal(pairs.Count, compared);
        Assert.True(mismatches.Count == 0, Report(mismatches, $"{3 * compared} values"));
    }

    [Fact]
    public async Task Show_trigrams_equals_show_trgm_element_for_element_for_3000_strings()
    {
        var samples = new TrigramSamples(seed: 42);
        var values = Enumerable.Range(0, 3_000).Select(i => samples.Phrase(i % 12)).ToList();
        values.Add(samples.Text(10_000));

        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT show_trgm(v) FROM unnest($1::text[]) WITH ORDINALITY AS value(v, n) ORDER BY n", connection)
        {
            Parameters = { new() { Value = values.ToArray() } },
        };
        var mismatches = new List<string>();
        var compared = 0;
        var trigrams = 0;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var value = values[compared++];
                var expected = reader.GetFieldValue<string[]>(0);
                var actual = Trigram.ShowTrigrams(value);
                trigrams += expected.Length;
                if (!expected.SequenceEqual(actual, StringComparer.Ordinal))
                {
                    mismatches.Add($"show_trgm({Escape(value)}):\n  PostgreSQL {Show(expected)}\n  Trigram    {Show(actual)}");
                }
            }
        }

        Assert.Equal(values.Count, compared);
        Assert.True(trigrams > 30_000, $"only {trigrams} trigrams compared");
        Assert.True(mismatches.Count == 0, Report(mismatches, $"{compared} strings"));
    }

    /// <summary>
    /// Word characters, lower-casing and the hash of non-ASCII trigrams, for all of Unicode at once: a one-character
    /// string has trigrams only when the character is a word character, and they hash its lower-case form.
    /// </summary>
    [Fact]
    public async Task Every_code_point_is_a_word_character_and_lower_cased_exactly_as_in_pg_trgm()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT cp, show_trgm(chr(cp)) FROM generate_series(1, 1114111) AS cp
            WHERE cp NOT BETWEEN 55296 AND 57343 AND show_trgm(chr(cp)) <> '{}'
            """,
            connection);
        var server = new Dictionary<int, string[]>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                server.Add(reader.GetInt32(0), reader.GetFieldValue<string[]>(1));
            }
        }

        var mismatches = new List<string>();
        for (var codePoint = 1; codePoint <= 0x10FFFF; codePoint++)
        {
            if (codePoint is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var expected = server.GetValueOrDefault(codePoint, []);
            var actual = Trigram.ShowTrigrams(char.ConvertFromUtf32(codePoint));
            if (!expected.SequenceEqual(actual, StringComparer.Ordinal))
            {
                mismatches.Add($"U+{codePoint:X4}: PostgreSQL {Show(expected)}, Trigram {Show(actual)}");
            }
        }

        Assert.True(server.Count > 130_000, $"the server has only {server.Count} word characters");
        Assert.True(
            mismatches.Count == 0,
            Report(mismatches, "1,112,063 code points")
            + "\nTrigramCharacters holds glibc 2.36's classes (Unicode 14.0); a server on another glibc differs for newer characters.");
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_trgm", connection);
        await create.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Records a mismatch unless ours, narrowed back to single precision, is PostgreSQL's value exactly.</summary>
    private static void Check(string function, float expected, double actual, string a, string b, List<string> mismatches)
    {
        if ((float)actual != expected)
        {
            mismatches.Add(
                $"{function}({Escape(a)}, {Escape(b)}): PostgreSQL {expected.ToString("R", CultureInfo.InvariantCulture)}, "
                + $"Trigram {((float)actual).ToString("R", CultureInfo.InvariantCulture)}");
        }
    }

    private static string Report(List<string> mismatches, string compared)
        => $"{mismatches.Count} of {compared} differ from PostgreSQL; the first:\n" + string.Join("\n", mismatches.Take(ReportedMismatches));

    private static string Show(string[] trigrams) => "{" + string.Join(",", trigrams.Select(t => "\"" + t + "\"")) + "}";

    /// <summary>The string as a C# literal, with everything but printable ASCII escaped, cut to 300 characters.</summary>
    private static string Escape(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value.Length > 300 ? value[..300] : value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                >= ' ' and <= '~' => c.ToString(),
                _ => $"\\u{(int)c:X4}",
            });
        }

        return builder.Append(value.Length > 300 ? $"\"... ({value.Length} chars)" : "\"").ToString();
    }
}
