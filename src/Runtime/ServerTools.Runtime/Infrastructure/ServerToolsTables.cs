using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.Infrastructure;

/// <summary>
/// The rows of ServerTools' own tables (audit logs, outbox messages, rule definitions and violations), which
/// <c>UseServerTools()</c> adds to a context's model: when the model lacks one, what to check, rather than EF Core's
/// "Cannot create a DbSet" that names neither.
/// </summary>
internal static class ServerToolsTables
{
    /// <summary>The rows of <typeparamref name="TRow"/>'s table in <paramref name="context"/>.</summary>
    /// <exception cref="InvalidOperationException">The model does not map <typeparamref name="TRow"/>.</exception>
    public static DbSet<TRow> Rows<TRow>(DbContext context)
        where TRow : class
    {
        _ = EntityType<TRow>(context.Model);
        return context.Set<TRow>();
    }

    /// <summary>The model's entity type of <typeparamref name="TRow"/>.</summary>
    /// <exception cref="InvalidOperationException">The model does not map <typeparamref name="TRow"/>.</exception>
    public static IEntityType EntityType<TRow>(IModel model)
        => model.FindEntityType(typeof(TRow)) ?? throw new InvalidOperationException(
            $"The model has no '{typeof(TRow).Name}': its table is mapped by UseServerTools(). Check that the options of this context call "
            + "UseServerTools() and that OnModelCreating does not Ignore() the type.");
}
