using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Data;

/// <summary>
/// What a SaveChanges does for data rules: every added or modified <see cref="ExceptionRuleDefinition"/> is checked as
/// the engine will run it, so a rule that could not run is refused before it is written (the save writes nothing and
/// the definition stays in the context, to be fixed and saved again); and the engines of this process read the rules
/// again once the save is done.
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

        if (changed)
        {
            InvalidateWhenCompleted(context);
        }

        return changed;
    }

    /// <summary>
    /// A save in a System.Transactions transaction (an ambient <see cref="TransactionScope"/>, or one the context was
    /// enlisted in) commits or rolls back when that transaction completes, where no EF Core transaction interceptor runs:
    /// the engines read the rules again then. Until then they run the committed rules (<see cref="DataRuleStore"/> reads
    /// outside the ambient transaction). A save that fails leaves one needless read behind.
    /// </summary>
    private static void InvalidateWhenCompleted(DbContext context)
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
        var taken = async ? await query.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) : query.FirstOrDefault();
        if (taken is not null)
        {
            throw new InvalidOperationException(
                $"A data rule with the id '{taken}' is stored already. Rule ids are unique: edit the stored definition (load it, change it, "
                + "save it) or give this one another id. Nothing was saved.");
        }
    }
}
