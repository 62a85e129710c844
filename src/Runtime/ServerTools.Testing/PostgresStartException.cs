using System;

namespace ServerTools.Testing;

/// <summary>
/// Thrown when a private PostgreSQL server could not be created or started. The message holds the
/// failing command's output or the last lines of the server log.
/// </summary>
public sealed class PostgresStartException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public PostgresStartException()
        : this("The PostgreSQL server could not be started.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed, with the server's own output.</param>
    public PostgresStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What failed, with the server's own output.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public PostgresStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
