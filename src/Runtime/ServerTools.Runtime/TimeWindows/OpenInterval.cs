using System;
using System.Globalization;

namespace ServerTools;

/// <summary>
/// A time during which an entity is open: from <see cref="Start"/> (open) to <see cref="End"/> (closed again). Both are
/// given with the UTC offset of the entity's time zone at that instant, so they print as local times.
/// </summary>
/// <param name="Start">The first instant of the interval.</param>
/// <param name="End">The first instant after it.</param>
public readonly record struct OpenInterval(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>How long the interval lasts.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>The interval as <c>2026-11-20 18:00+01:00 - 2026-11-21 02:00+01:00</c>.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Start:yyyy-MM-dd HH:mmzzz} - {End:yyyy-MM-dd HH:mmzzz}");
}
