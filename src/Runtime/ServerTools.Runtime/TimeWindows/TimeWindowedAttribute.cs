using System;

namespace ServerTools;

/// <summary>
/// Gives an entity opening hours: weekly <see cref="TimeWindow"/>s and dated <see cref="SpecialDay"/>s, read in the
/// entity's time zone. At compile time ServerTools adds to the (partial) class the collections <c>TimeWindows</c> and
/// <c>SpecialDays</c> (stored as JSON columns) and the methods <c>IsOpenAt</c>, <c>NextOpening</c>, <c>NextClosing</c>
/// and <c>OpenIntervals</c>, and writes a queryable <c>WhereOpenAt</c> that PostgreSQL answers, each row in its own
/// time zone.
/// </summary>
/// <remarks>
/// The time zone is an IANA id (<c>Europe/Paris</c>): the constant <see cref="TimeZone"/>, or the string property
/// named by <see cref="TimeZoneProperty"/>, or UTC when neither is given. How daylight-saving changes are handled is
/// stated in docs/time-windows.md.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TimeWindowedAttribute : Attribute
{
    /// <summary>The IANA id of the time zone of every row, such as <c>Europe/Paris</c>. Default: UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The name of the string property that holds each row's IANA time zone id (use <c>nameof</c>).</summary>
    public string? TimeZoneProperty { get; set; }
}
