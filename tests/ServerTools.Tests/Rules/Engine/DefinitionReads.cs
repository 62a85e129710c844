using System;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>Counts the commands that read the table of rule definitions (synchronous or not); the others are left out.</summary>
internal sealed class DefinitionReads : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Note(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Note(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Note(command);
        return result;
    }

    private void Note(DbCommand command)
    {
        if (command.CommandText.Contains("servertools_rule_definitions", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
