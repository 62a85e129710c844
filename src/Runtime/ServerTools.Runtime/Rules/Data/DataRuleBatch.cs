using Microsoft.EntityFrameworkCore;

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
        foreach (var entry in context.ChangeTracker.Entries<ExceptionRuleDefinition>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                DataRuleCompiler.Validate(context.Model, entry.Entity);
                changed = true;
            }
            else if (entry.State == EntityState.Deleted)
            {
                changed = true;
            }
        }

        return changed;
    }
}
