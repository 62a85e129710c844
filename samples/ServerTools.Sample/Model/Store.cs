namespace ServerTools.Sample.Model;

/// <summary>
/// One of the shop's stores, with its opening hours: <c>[TimeWindowed]</c> generates the <c>TimeWindows</c> and
/// <c>SpecialDays</c> collections (stored as JSON), <c>IsOpenAt</c>, <c>NextOpening</c>, <c>NextClosing</c> and the
/// queryable <c>WhereOpenAt</c>, all read in the store's own time zone.
/// </summary>
[TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
public partial class Store
{
    /// <summary>The key.</summary>
    public int Id { get; set; }

    /// <summary>The store's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The IANA id of the store's time zone, such as <c>Europe/Berlin</c>.</summary>
    public string TimeZoneId { get; set; } = "UTC";
}
