using System;

namespace ServerTools.Infrastructure;

/// <summary>
/// What ServerTools' exceptions carry beside their message: an entity's key, which can be personal data (an e-mail
/// address, a national id), goes to <see cref="Exception.Data"/>, which applications can read and default logging does not
/// print, and never into the message, which logs and error reports do print.
/// </summary>
internal static class ErrorData
{
    /// <summary>The <see cref="Exception.Data"/> entry of the entity's key, as <c>Name = value</c> pairs (<c>Id = 7</c>).</summary>
    public const string EntityKey = "ServerTools.EntityKey";

    /// <summary>Adds <paramref name="key"/> to <paramref name="exception"/>'s data under <see cref="EntityKey"/>, and returns the exception.</summary>
    public static TException WithEntityKey<TException>(TException exception, string key)
        where TException : Exception
    {
        exception.Data[EntityKey] = key;
        return exception;
    }
}
