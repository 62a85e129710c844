using System;

namespace ServerTools.Sample.Scenario;

/// <summary>
/// The scenario's clock: it starts at a fixed moment and moves only when told, so every run stores and
/// prints the same timestamps.
/// </summary>
/// <param name="start">The first moment, in UTC (PostgreSQL's <c>timestamp with time zone</c> takes UTC).</param>
internal sealed class ScenarioClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() => _now;

    public DateTimeOffset Advance(TimeSpan by)
    {
        _now += by;
        return _now;
    }
}
