using System;
using Npgsql;
using ServerTools.Testing;

namespace ServerTools.Sample;

/// <summary>A failure the sample explains itself, such as a database that already holds shop data.</summary>
public sealed class SampleException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SampleException()
    {
    }

    /// <summary>Creates the exception with the message shown to the user.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public SampleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message shown to the user and its cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public SampleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Turns a failure into the one paragraph a person reads on standard error.</summary>
internal static class Failures
{
    private const string ConnectionHint =
        "Check the connection string given with --connection and that the server is running, "
        + "or leave --connection out to use a private server.";

    public static string Describe(Exception exception, bool userDatabase) => exception switch
    {
        PostgresNotInstalledException => "The sample could not start its private PostgreSQL server. " + exception.Message
            + " Or give a server you run: --connection \"Host=...;Username=...;Database=...\".",
        PostgresStartException => "The sample's private PostgreSQL server did not start. " + exception.Message,
        SampleException => exception.Message,
        _ when Find<NpgsqlException>(exception) is { } database => userDatabase
            ? "The sample failed on the database given with --connection: " + WithCause(database) + " " + ConnectionHint
            : "The sample failed on its private PostgreSQL server: " + WithCause(database),
        _ => $"The sample failed: {Innermost(exception).GetType().Name}: {Innermost(exception).Message}",
    };

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string WithCause(Exception exception)
    {
        var cause = Innermost(exception);
        var message = exception.Message.TrimEnd('.');
        return ReferenceEquals(cause, exception) ? message + "." : $"{message} ({cause.Message.TrimEnd('.')}).";
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
