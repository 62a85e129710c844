using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// An application's unit-of-work interceptor: begins a transaction when a save starts without one, and leaves it open for
/// the application to commit. EF runs it after ServerTools' interceptor (registered after UseServerTools()).
/// </summary>
internal sealed class BeginUnitOfWork : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context!.Database.CurrentTransaction is null)
        {
            eventData.Context.Database.BeginTransaction();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context!.Database.CurrentTransaction is null)
        {
            await eventData.Context.Database.BeginTransactionAsync(cancellationToken);
        }

        return result;
    }
}
