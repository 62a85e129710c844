using System;
using System.Threading;
using System.Threading.Tasks;
using System.Transactions;

namespace ServerTools.Tracking;

/// <summary>
/// Wakes the dispatchers of this process when a save commits tracked changes, so delivery does not wait for the next
/// poll: at the commit of EF's transaction, or of the ambient <see cref="Transaction"/> the save ran in. Other processes,
/// and commits made past EF (the application's own <c>NpgsqlTransaction</c>), are found at the next poll.
/// </summary>
internal static class OutboxSignal
{
    private static TaskCompletionSource s_next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every dispatcher waiting now.</summary>
    public static void Pulse() => Interlocked.Exchange(ref s_next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Wakes every dispatcher when <paramref name="ambient"/> (a <c>TransactionScope</c>'s transaction) commits.</summary>
    public static void PulseWhenCommitted(Transaction ambient) => ambient.TransactionCompleted += static (_, completed) =>
    {
        if (completed.Transaction?.TransactionInformation.Status == TransactionStatus.Committed)
        {
            Pulse();
        }
    };

    /// <summary>Wakes every dispatcher when <paramref name="ambient"/> ends, committed or not.</summary>
    public static void PulseWhenCompleted(Transaction ambient) => ambient.TransactionCompleted += static (_, _) => Pulse();

    /// <summary>
    /// The next pulse, to take before a pass and wait for after it (<see cref="WaitAsync"/>): a commit during the pass has
    /// then already completed it, and the pass that follows finds its changes, rather than the commit's pulse falling
    /// between the pass's query and the wait and being lost until the next poll.
    /// </summary>
    public static Task Next() => Volatile.Read(ref s_next).Task;

    /// <summary>Waits for <paramref name="pulse"/> (from <see cref="Next"/>) or <paramref name="timeout"/>, whichever comes first.</summary>
    public static async Task WaitAsync(Task pulse, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            await pulse.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The poll interval passed with no pulse: poll.
        }
    }
}
