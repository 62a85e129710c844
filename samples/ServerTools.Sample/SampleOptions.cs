using System;
using System.Collections.Generic;
using Npgsql;

namespace ServerTools.Sample;

/// <summary>The sample's command line: at most one option, so it is parsed by hand.</summary>
/// <param name="ConnectionString">The database to use; <see langword="null"/> to start a private PostgreSQL server.</param>
/// <param name="ShowHelp">True when the user asked for the usage text.</param>
public sealed record SampleOptions(string? ConnectionString, bool ShowHelp)
{
    private const string ConnectionOption = "--connection";

    /// <summary>The usage text printed by <c>--help</c>.</summary>
    public static string Usage { get; } = string.Join(
        Environment.NewLine,
        "ServerTools sample shop: partners, products and a sale order on EF Core and PostgreSQL.",
        string.Empty,
        "Usage:",
        "  dotnet run --project samples/ServerTools.Sample [-- options]",
        string.Empty,
        "Options:",
        "  --connection <connection string>   Use this PostgreSQL database (it should be empty) instead of",
        "                                     starting a private server. Example:",
        "                                     --connection \"Host=localhost;Username=shop;Password=...;Database=shop\"",
        "  -h, --help                         Print this text.",
        string.Empty,
        "Without --connection the sample starts a private PostgreSQL server from the binaries installed on",
        "this machine (sudo apt-get install postgresql), and removes it when it ends.",
        string.Empty);

    /// <summary>Reads the options from the command line arguments.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="options">The options, when the arguments are valid.</param>
    /// <param name="error">What is wrong with the arguments, when they are not.</param>
    /// <returns>True when the arguments are valid.</returns>
    public static bool TryParse(IReadOnlyList<string> args, out SampleOptions options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = new SampleOptions(null, false);
        error = null;
        string? connectionString = null;
        var showHelp = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? value;
            if (arg is "-h" or "--help" or "-?")
            {
                showHelp = true;
                continue;
            }

            if (arg == ConnectionOption)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error = "The option --connection needs a value: --connection \"Host=...;Username=...;Database=...\".";
                    return false;
                }

                value = args[++i];
            }
            else if (arg.StartsWith(ConnectionOption + "=", StringComparison.Ordinal))
            {
                value = arg[(ConnectionOption.Length + 1)..];
            }
            else
            {
                error = arg.StartsWith('-')
                    ? $"Unknown option '{arg}'. The sample takes --connection <connection string> and --help."
                    : $"Unexpected argument '{arg}'. To give a connection string, write --connection \"{arg}\".";
                return false;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                error = "The option --connection needs a non-empty connection string.";
                return false;
            }

            if (connectionString is not null)
            {
                error = "The option --connection is given twice; give one connection string.";
                return false;
            }

            connectionString = value;
        }

        if (connectionString is not null && !IsValidConnectionString(connectionString, out var reason))
        {
            error = "The connection string given with --connection is not valid: " + reason;
            return false;
        }

        options = new SampleOptions(connectionString, showHelp);
        return true;
    }

    private static bool IsValidConnectionString(string connectionString, out string? reason)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            reason = null;
            return true;
        }
        catch (ArgumentException exception)
        {
            reason = exception.Message.EndsWith('.') ? exception.Message : exception.Message + ".";
            return false;
        }
    }
}
