using System;
using System.Collections.Generic;
using System.Linq;
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
    /// <summary>Checks the changed definitions; true when some definition changed (added, modified or deleted).</summary>
    public static bool Validate(DbContext context)
    {
        var changed = false;
        List<string>? added = null;
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
            }
        }

        if (added is not null)
        {
            RefuseTakenIds(context, added);
        }

        return changed;
    }

    /// <summary>
    /// Refuses a new definition whose id a stored one has, with what to do, instead of the primary key's violation
    /// that EF Core reports as "An error occurred while saving the entity changes". One query, only for a save that
    /// adds definitions.
    /// </summary>
    private static void RefuseTakenIds(DbContext context, List<string> ids)
    {
        var taken = ServerToolsTables.Rows<ExceptionRuleDefinition>(context).AsNoTracking()
            .Where(definition => ids.Contains(definition.Id))
            .Select(static definition => definition.Id)
            .OrderBy(static id => id)
            .ToList();
        if (taken.Count > 0)
        {
            throw new InvalidOperationException(
                $"A data rule with the id '{taken[0]}' is stored already. Rule ids are unique: edit the stored definition (load it, change it, "
                + "save it) or give this one another id. Nothing was saved.");
        }
    }
}
