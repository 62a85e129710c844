using System;

namespace ServerTools.Testing;

/// <summary>
/// Thrown when the PostgreSQL server programs (<c>initdb</c>, <c>pg_ctl</c>) cannot be found.
/// The message says which package to install and how to point ServerTools.Testing at the programs.
/// </summary>
public sealed class PostgresNotInstalledException : Exception
{
    /// <summary>Creates the exception with the standard message.</summary>
    public PostgresNotInstalledException()
        : this("PostgreSQL server programs were not found. " + PostgresBinaries.InstallHint)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was searched and how to fix it.</param>
    public PostgresNotInstalledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What was searched and how to fix it.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public PostgresNotInstalledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
