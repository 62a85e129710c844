using System;
using System.Threading;
using System.Threading.Tasks;

namespace ServerTools.Tracking;

/// <summary>
/// Wakes the dispatchers of this process when a save commits tracked changes, so delivery does not wait for the next
/// poll. Other processes find the changes at their next poll.
/// </summary>
internal static class OutboxSignal
{
    private static TaskCompletionSource s_next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every dispatcher waiting now.</summary>
    public static void Pulse() => Interlocked.Exchange(ref s_next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for the next pulse or <paramref name="timeout"/>, whichever comes first.</summary>
    public static async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref s_next).Task.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The poll interval passed with no pulse: poll.
        }
    }
}
