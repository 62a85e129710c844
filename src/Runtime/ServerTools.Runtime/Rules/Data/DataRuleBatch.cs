using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Data;

/// <summary>
/// What a SaveChanges does for data rules: every added or modified <see cref="ExceptionRuleDefinition"/> is checked as
/// the engine will run it, so a rule that could not run, or that the application's engine would not read
/// (<see cref="UnreadDataRules.RefuseSave"/>), is refused before it is written (the save writes nothing and the
/// definition stays in the context, to be fixed and saved again); and the engines of this process read the rules again
/// once the save is done.
/// </summary>
internal static class DataRuleBatch
{
    /// <summary>
    /// Checks the changed definitions; true when some definition changed (added, modified or deleted).
    /// <paramref name="added"/>: the ids of the definitions added by this save and not deleted in it (a definition
    /// replaced by one of the same id is both), for <see cref="RefuseTakenIdsAsync"/>; null when there are none.
    /// </summary>
    public static bool Validate(DbContext context, out List<string>? added)
    {
        var changed = false;
        added = null;
        List<string>? deleted = null;
        foreach (var entry in context.ChangeTracker.Entries<ExceptionRuleDefinition>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                UnreadDataRules.RefuseSave(context, entry.Entity);

                DataRuleCompiler.Validate(context.Model, entry.Entity);
                changed = true;
                if (entry.State == EntityState.Added)
                {
                    (added ??= []).Add(entry.Entity.Id);
                }
            }
            else if (entry.State == EntityState.Deleted)
            {
                changed = true;
                (deleted ??= []).Add(entry.Entity.Id);
            }
        }

        if (added is not null && deleted is not null)
        {
            added.RemoveAll(deleted.Contains);
        }

        if (added is { Count: 0 })
        {
            added = null;
        }

        if (added is not null)
        {
            // Once per context, after ServerTools' own handler (the interceptor subscribes before it validates).
            context.SaveChangesFailed -= RefuseIdTakenMeanwhile;
            context.SaveChangesFailed += RefuseIdTakenMeanwhile;
        }

        if (changed)
        {
            InvalidateWhenCompleted(context);
        }

        return changed;
    }

    /// <summary>
    /// Whether <paramref name="command"/>, run through <paramref name="context"/>, is an <c>ExecuteUpdate</c> or
    /// <c>ExecuteDelete</c> that may have written data rules: it names their table. (One that only reads the table, in a
    /// subquery, makes the engines read it again, needlessly but harmlessly.)
    /// </summary>
    public static bool MayWriteDefinitions(DbContext context, CommandSource source, string command)
        => source is CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete
            && context.Model.FindEntityType(typeof(ExceptionRuleDefinition))?.GetTableName() is { } table
            && command.Contains(table, StringComparison.Ordinal);

    /// <summary>
    /// A save in a System.Transactions transaction (an ambient <see cref="TransactionScope"/>, or one the context was
    /// enlisted in) commits or rolls back when that transaction completes, where no EF Core transaction interceptor runs:
    /// the engines read the rules again then. Until then they run the committed rules (<see cref="DataRuleStore"/> reads
    /// outside the ambient transaction). A save that fails leaves one needless read behind.
    /// </summary>
    public static void InvalidateWhenCompleted(DbContext context)
    {
        if ((context.Database.GetEnlistedTransaction() ?? Transaction.Current) is { } transaction)
        {
            transaction.TransactionCompleted += static (_, _) => DataRuleStore.Invalidate();
        }
    }

    /// <summary>
    /// Refuses a new definition whose id a stored one has, with what to do, instead of the primary key's violation
    /// that EF Core reports as "An error occurred while saving the entity changes". One query, only for a save that
    /// adds definitions; asynchronous in SaveChangesAsync.
    /// </summary>
    public static async Task RefuseTakenIdsAsync(DbContext context, List<string> ids, bool async, CancellationToken cancellationToken)
    {
        var query = ServerToolsTables.Rows<ExceptionRuleDefinition>(context).AsNoTracking()
            .Where(definition => ids.Contains(definition.Id))
            .Select(static definition => definition.Id)
            .OrderBy(static id => id);
        string? taken;
        try
        {
            taken = async ? await query.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) : query.FirstOrDefault();
        }
        catch (Exception error) when (ServerToolsTables.PostgresError(error) is { } postgres && ServerToolsTables.Explain(
            postgres,
            ServerToolsTables.TableOf<ExceptionRuleDefinition>(context.Model),
            "ServerTools reads it to refuse a data rule whose id is taken, before this save stores the rule: nothing of the save is stored.") is { } explained)
        {
            throw explained;
        }

        if (taken is not null)
        {
            throw new InvalidOperationException(IdTaken([taken]));
        }
    }

    /// <summary>
    /// The same refusal when another save stored the id between <see cref="RefuseTakenIdsAsync"/>'s query and this save's
    /// INSERT (two administrators adding one id at once): the primary key's violation, which EF Core reports as a
    /// <see cref="DbUpdateException"/>, becomes the <see cref="InvalidOperationException"/> the check raises, with it as the
    /// inner exception. Thrown from the context's SaveChangesFailed event, which EF Core raises in its catch block, so it
    /// replaces the exception SaveChanges throws; the save wrote nothing and the definitions stay added in the context.
    /// </summary>
    private static void RefuseIdTakenMeanwhile(object? sender, SaveChangesFailedEventArgs args)
    {
        if (sender is not DbContext context
            || args.Exception is not DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } violation } failure
            || context.Model.FindEntityType(typeof(ExceptionRuleDefinition)) is not { } definitions
            || violation.TableName != definitions.GetTableName()
            || violation.ConstraintName != definitions.FindPrimaryKey()?.GetName())
        {
            return;
        }

        var ids = failure.Entries
            .Where(static entry => entry is { State: EntityState.Added, Entity: ExceptionRuleDefinition })
            .Select(static entry => ((ExceptionRuleDefinition)entry.Entity).Id)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        throw new InvalidOperationException(IdTaken(ids), failure);
    }

    private static string IdTaken(List<string> ids)
        => (ids.Count == 1 ? $"A data rule with the id '{ids[0]}' is stored already." : $"A data rule with one of the ids {string.Join(", ", ids.Select(static id => $"'{id}'"))} is stored already.")
            + " Rule ids are unique: edit the stored definition (load it, change it, save it) or give this one another id. Nothing was saved.";
}
