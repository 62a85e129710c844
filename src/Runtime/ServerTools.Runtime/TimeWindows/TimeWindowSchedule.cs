using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ServerTools.Analyzers.TimeWindows;
using ServerTools.TimeWindows;

namespace ServerTools;

/// <summary>
/// Opening hours compiled for fast questions: weekly <see cref="TimeWindow"/>s and dated <see cref="SpecialDay"/>s in one
/// time zone. Immutable and thread-safe. A <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entity keeps one,
/// rebuilt when its windows, special days or time zone change.
/// </summary>
/// <remarks>
/// <para>Windows are local (wall-clock) times. How they meet daylight-saving changes: the schedule reads a clock that
/// never goes back. A window opens the first time the wall clock reads its opening time or later, and closes the first
/// time it reads its closing time or later. So when clocks jump forward, a window that opens inside the skipped hour
/// opens at the jump (and one that lies wholly inside it does not open that day); when clocks go back, the repeated
/// hour keeps the state of the moment before the change. docs/time-windows.md has examples.</para>
/// <para>Instants are answered between the years 0002 and 9998.</para>
/// </remarks>
public sealed class TimeWindowSchedule
{
    private const long TicksPerMinute = TimeSpan.TicksPerMinute;
    private const long TicksPerDay = TimeSpan.TicksPerDay;

    private static readonly ConcurrentDictionary<string, ZoneClock> s_clocks = new(StringComparer.Ordinal);
    private static readonly Func<TimeWindow, (string, string)?> s_windowFault = static w => TimeWindowRules.WindowFault(w.Day, w.From, w.To);
    private static readonly Func<SpecialDay, (string, string)?> s_specialDayFault = static d => TimeWindowRules.SpecialDayFault(d.Date, d.From, d.To);

    private readonly ZoneClock _clock;
    private readonly DayPlan[] _weekly;
    private readonly bool _weeklyClosed;
    private readonly int[] _specialDays;
    private readonly DayPlan[] _specialPlans;
    private readonly TimeWindow[] _windows;
    private readonly SpecialDay[] _specials;
    private readonly string? _timeZoneId;

    private TimeWindowSchedule(ZoneClock clock, string? timeZoneId, TimeWindow[] windows, SpecialDay[] specials, string owner)
    {
        _clock = clock;
        _timeZoneId = timeZoneId;
        _windows = windows;
        _specials = specials;

        var own = new List<(int, int)>[7];
        var spill = new List<(int, int)>[7];
        for (var day = 0; day < 7; day++)
        {
            own[day] = [];
            spill[day] = [];
        }

        foreach (var window in windows)
        {
            Add(own[(int)window.Day], spill[(int)window.Day], window.From, window.To);
        }

        _weekly = new DayPlan[7];
        for (var day = 0; day < 7; day++)
        {
            _weekly[day] = DayPlan.Of([.. own[day], .. spill[(day + 6) % 7]]);
        }

        _weeklyClosed = Array.TrueForAll(_weekly, static plan => plan.Count == 0);

        // Special dates: their own hours replace the weekly windows that start on them.
        var specialOwn = new SortedDictionary<int, (List<(int, int)> Own, List<(int, int)> Spill, SpecialDay? Closed, SpecialDay? Open)>();
        foreach (var special in specials)
        {
            var day = special.Date.DayNumber;
            if (!specialOwn.TryGetValue(day, out var entry))
            {
                entry = ([], [], null, null);
            }

            if (special.From is { } from && special.To is { } to)
            {
                Add(entry.Own, entry.Spill, from, to);
                entry.Open ??= special;
            }
            else
            {
                entry.Closed ??= special;
            }

            if (entry.Closed is { } closed && entry.Open is { } open)
            {
                throw new ArgumentException(
                    $"{owner}: the special days contradict each other on {TimeWindowRules.Format(special.Date)}: '{closed}' and '{open}'. "
                    + "A date is either closed or open with special hours; remove one of them.");
            }

            specialOwn[day] = entry;
        }

        var affected = new SortedSet<int>();
        foreach (var day in specialOwn.Keys)
        {
            affected.Add(day);
            affected.Add(day + 1);
        }

        _specialDays = [.. affected];
        _specialPlans = new DayPlan[_specialDays.Length];
        for (var i = 0; i < _specialDays.Length; i++)
        {
            var day = _specialDays[i];
            var ownToday = specialOwn.TryGetValue(day, out var today) ? today.Own : own[WeekDay(day)];
            var spillFromYesterday = specialOwn.TryGetValue(day - 1, out var yesterday) ? yesterday.Spill : spill[WeekDay(day - 1)];
            _specialPlans[i] = DayPlan.Of([.. ownToday, .. spillFromYesterday]);
        }
    }

    /// <summary>The time zone the windows are read in.</summary>
    public TimeZoneInfo TimeZone => _clock.Zone;

    /// <summary>The weekly windows.</summary>
    public IReadOnlyList<TimeWindow> Windows => _windows;

    /// <summary>The special days.</summary>
    public IReadOnlyList<SpecialDay> SpecialDays => _specials;

    /// <summary>Compiles a schedule in the time zone with the IANA id <paramref name="timeZoneId"/> (UTC when null).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="windows"/> is null.</exception>
    /// <exception cref="ArgumentException">An element is null, or the special days contradict each other.</exception>
    /// <exception cref="TimeZoneNotFoundException">The id is not a known IANA time zone id.</exception>
    public static TimeWindowSchedule Create(IEnumerable<TimeWindow> windows, IEnumerable<SpecialDay>? specialDays = null, string? timeZoneId = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return Create(windows, specialDays, timeZoneId ?? "UTC", nameof(TimeWindowSchedule));
    }

    /// <summary>Compiles a schedule in <paramref name="timeZone"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="windows"/> or <paramref name="timeZone"/> is null.</exception>
    /// <exception cref="ArgumentException">An element is null, or the special days contradict each other.</exception>
    public static TimeWindowSchedule Create(IEnumerable<TimeWindow> windows, IEnumerable<SpecialDay>? specialDays, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(timeZone);
        return new TimeWindowSchedule(
            ZoneClock.For(timeZone), null, CheckedArray(windows, nameof(TimeWindowSchedule), s_windowFault), CheckedArray(specialDays, nameof(TimeWindowSchedule), s_specialDayFault), nameof(TimeWindowSchedule));
    }

    /// <summary>
    /// The schedule of an entity's current windows, special days and time zone: <paramref name="cache"/> when it was
    /// compiled from the same ones, else a new one, stored in <paramref name="cache"/>. Called by generated code.
    /// </summary>
    /// <param name="cache">The entity's cached schedule.</param>
    /// <param name="windows">The entity's windows.</param>
    /// <param name="specialDays">The entity's special days.</param>
    /// <param name="timeZoneId">The entity's IANA time zone id.</param>
    /// <param name="owner">The entity's type, for error messages.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static TimeWindowSchedule For(ref TimeWindowSchedule? cache, List<TimeWindow> windows, List<SpecialDay> specialDays, string? timeZoneId, string owner)
    {
        var cached = cache;
        if (cached is not null && cached.IsCompiledFrom(windows, specialDays, timeZoneId))
        {
            return cached;
        }

        if (windows is null || specialDays is null)
        {
            throw new InvalidOperationException($"{owner}: {(windows is null ? "TimeWindows" : "SpecialDays")} is null. Set it to a list (empty when there are none).");
        }

        cached = Create(windows, specialDays, timeZoneId, owner);
        cache = cached;
        return cached;
    }

    /// <summary>Whether the schedule is open at <paramref name="instant"/>. At an opening instant it is open; at a closing instant, closed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is outside the years 0002 to 9998.</exception>
    public bool IsOpenAt(DateTimeOffset instant) => IsOpen(Utc(instant));

    /// <summary>
    /// The first instant at or after <paramref name="instant"/> at which the schedule opens: open from it on, closed just
    /// before. <paramref name="instant"/> itself when it is such an instant. Null when it never opens again.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is outside the years 0002 to 9998.</exception>
    public DateTimeOffset? NextOpening(DateTimeOffset instant)
    {
        var utc = Utc(instant);
        var intervals = new Intervals(this, utc);
        while (intervals.MoveNext(out var start, out _, out var continued))
        {
            if (start >= utc && !continued)
            {
                return At(start);
            }
        }

        return null;
    }

    /// <summary>
    /// The first instant at or after <paramref name="instant"/> at which the schedule closes: closed from it on, open just
    /// before. <paramref name="instant"/> itself when it is such an instant. Null when it never closes again (open around
    /// the clock from then on, or closed for good).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is outside the years 0002 to 9998.</exception>
    public DateTimeOffset? NextClosing(DateTimeOffset instant)
    {
        var utc = Utc(instant);
        var intervals = new Intervals(this, utc);
        while (intervals.MoveNext(out _, out var end, out _))
        {
            if (end >= utc)
            {
                return end == long.MaxValue ? null : At(end);
            }
        }

        return null;
    }

    /// <summary>
    /// The times the schedule is open between <paramref name="from"/> and <paramref name="to"/>, in order: each interval
    /// as long as it is open without a break, cut at <paramref name="from"/> and <paramref name="to"/>. The whole period
    /// is covered, however long; the work grows with its length (about a millisecond per year of daily windows).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="from"/> or <paramref name="to"/> is outside the years 0002 to 9998.</exception>
    public IReadOnlyList<OpenInterval> OpenIntervals(DateTimeOffset from, DateTimeOffset to)
    {
        var start = Utc(from);
        var end = Utc(to);
        if (end < start)
        {
            throw new ArgumentException($"The end of the period ({to:O}) is before its start ({from:O}).", nameof(to));
        }

        var result = new List<OpenInterval>();
        var intervals = new Intervals(this, start);
        while (intervals.MoveNext(out var open, out var close, out _) && open < end)
        {
            var first = Math.Max(open, start);
            var last = Math.Min(close, end);
            if (first < last)
            {
                result.Add(new OpenInterval(At(first), At(last)));
            }
        }

        return result;
    }

    /// <summary>The weekly plan as minutes of the week (Sunday 00:00 is 0), for the column <c>WhereOpenAt</c> reads.</summary>
    internal IEnumerable<(int Start, int End)> WeeklyMinutes()
    {
        for (var day = 0; day < 7; day++)
        {
            var plan = _weekly[day];
            for (var i = 0; i < plan.Count; i++)
            {
                yield return ((day * DayPlan.MinutesPerDay) + plan.Start(i), (day * DayPlan.MinutesPerDay) + plan.End(i));
            }
        }
    }

    /// <summary>The dates whose hours differ from the weekly ones: the special days and the days after them.</summary>
    internal IEnumerable<DateOnly> SpecialDates()
    {
        foreach (var day in _specialDays)
        {
            yield return DateOnly.FromDayNumber(day);
        }
    }

    /// <summary>The local hours of the <see cref="SpecialDates"/>.</summary>
    internal IEnumerable<(DateTime Start, DateTime End)> SpecialHours()
    {
        for (var i = 0; i < _specialDays.Length; i++)
        {
            var midnight = _specialDays[i] * TicksPerDay;
            var plan = _specialPlans[i];
            for (var j = 0; j < plan.Count; j++)
            {
                yield return (new DateTime(midnight + (plan.Start(j) * TicksPerMinute)), new DateTime(midnight + (plan.End(j) * TicksPerMinute)));
            }
        }
    }

    private static TimeWindowSchedule Create(IEnumerable<TimeWindow> windows, IEnumerable<SpecialDay>? specialDays, string? timeZoneId, string owner)
        => new(Clock(timeZoneId, owner), timeZoneId, CheckedArray(windows, owner, s_windowFault), CheckedArray(specialDays, owner, s_specialDayFault), owner);

    private static ZoneClock Clock(string? id, string owner)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new TimeZoneNotFoundException($"{owner} has no time zone: the id is {(id is null ? "null" : "empty")}. Set it to an IANA time zone id such as 'Europe/Paris'.");
        }

        if (s_clocks.TryGetValue(id, out var clock))
        {
            return clock;
        }

        if (NotAnId(id) is { } reason)
        {
            throw new TimeZoneNotFoundException($"{owner}: '{id}' is not an IANA time zone id: {reason}");
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw Unknown(id, owner, exception);
        }

        // .NET caches the zones it has read under a case-insensitive key, so 'europe/paris' is found once 'Europe/Paris'
        // was read in the process, and not before (the tz database's files are named case-sensitively): refused always,
        // as ST4001 refuses it in a constant, and with the message of an id not found, rather than found or not, or told
        // apart, by what ran before. 'utc' is no such case: .NET reads any spelling of UTC as UTC, whatever ran before,
        // and so does PostgreSQL.
        if (zone.HasIanaId
            && !string.Equals(zone.Id, id, StringComparison.Ordinal)
            && string.Equals(zone.Id, id, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            throw Unknown(id, owner, inner: null);
        }

        if (!zone.HasIanaId)
        {
            var hint = TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana) ? $" such as '{iana}'" : string.Empty;
            throw new TimeZoneNotFoundException(
                $"{owner}: '{id}' is a Windows time zone id. PostgreSQL knows IANA ids only, and WhereOpenAt asks it: use the IANA id{hint}.");
        }

        return s_clocks.GetOrAdd(id, ZoneClock.For(zone));
    }

    /// <summary>
    /// The error for <paramref name="id"/>, which names no zone of the tz database as written: with the id it means as ST4001
    /// finds it (<see cref="TimeZoneIds.Meant"/>: the id in its right case, the id a typo away), else with an example. Its
    /// message depends on the id alone, whatever zones the process has read before. The suggestion is looked for here
    /// only, on the error's path.
    /// </summary>
    private static TimeZoneNotFoundException Unknown(string id, string owner, Exception? inner)
    {
        var fix = TimeZoneIds.Meant(id) switch
        {
            { } meant when string.Equals(meant, id, StringComparison.OrdinalIgnoreCase) => $"Time zone ids are case-sensitive: write '{meant}'.",
            { } meant => $"Did you mean '{meant}'?",
            null => "Use an IANA time zone id such as 'Europe/Paris' or 'America/New_York'; TimeZoneInfo.GetSystemTimeZones() lists the ones this machine knows.",
        };
        return new TimeZoneNotFoundException($"{owner}: unknown time zone '{id}'. {fix}", inner);
    }

    /// <summary>
    /// Why <paramref name="id"/>, a file that .NET finds in the machine's tz database, is no IANA id, or null. The ids are
    /// the zones and links of the database (what ST4001 checks a constant against); .NET also reads the copies under
    /// <c>posix/</c> and <c>right/</c> and the machine's own zone, which PostgreSQL reads differently or not at all.
    /// </summary>
    private static string? NotAnId(string id)
    {
        foreach (var folder in (ReadOnlySpan<string>)["posix/", "right/"])
        {
            if (id.StartsWith(folder, StringComparison.OrdinalIgnoreCase))
            {
                var zone = id[folder.Length..];
                var leapSeconds = folder == "right/"
                    ? " whose clock counts leap seconds: PostgreSQL applies them and .NET does not, so the two would disagree for seconds after each change,"
                    : string.Empty;
                return $"it names the copy of '{zone}' in the tz database's {folder} folder,{leapSeconds} and the ids are the names outside it. Write '{zone}'.";
            }
        }

        return id.Equals("localtime", StringComparison.OrdinalIgnoreCase) || id.Equals("posixrules", StringComparison.OrdinalIgnoreCase)
            ? $"it names a file of the machine's tz database ({(id.Equals("localtime", StringComparison.OrdinalIgnoreCase) ? "the zone the machine is set to" : "the rules of POSIX TZ strings")}), "
                + "which may differ between the application's machine and the database server. Write the IANA id of the zone, such as 'Europe/Paris'."
            : null;
    }

    private static T[] CheckedArray<T>(IEnumerable<T>? items, string owner, Func<T, (string Message, string Parameter)?> fault)
        where T : class
    {
        T[] array = items is null ? [] : [.. items];
        for (var i = 0; i < array.Length; i++)
        {
            if (array[i] is null)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{owner}: {typeof(T).Name} {i} of {array.Length} is null. Remove it."));
            }

            // Only EF Core makes an entry without the checks (TimeWindowReads checks what it reads); this keeps out any other way.
            if (fault(array[i]) is { } problem)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{owner}: {typeof(T).Name} {i} of {array.Length} breaks a rule: {problem.Message}"));
            }
        }

        return array;
    }

    private static void Add(List<(int, int)> own, List<(int, int)> spill, TimeOnly from, TimeOnly to)
    {
        var start = (int)(from.Ticks / TicksPerMinute);
        var end = (int)(to.Ticks / TicksPerMinute);
        if (end > start)
        {
            own.Add((start, end));
            return;
        }

        own.Add((start, DayPlan.MinutesPerDay));
        if (end > 0)
        {
            spill.Add((0, end));
        }
    }

    /// <summary>The day of the week of a day number (0001-01-01, day 0, was a Monday).</summary>
    private static int WeekDay(int day) => (day + 1) % 7;

    private static long Utc(DateTimeOffset instant, [CallerArgumentExpression(nameof(instant))] string parameter = "")
        => ZoneClock.CheckedUtc(instant, parameter);

    private bool IsCompiledFrom(List<TimeWindow>? windows, List<SpecialDay>? specialDays, string? timeZoneId)
        => windows is not null
            && specialDays is not null
            && string.Equals(timeZoneId, _timeZoneId, StringComparison.Ordinal)
            && SameItems(CollectionsMarshal.AsSpan(windows), _windows)
            && SameItems(CollectionsMarshal.AsSpan(specialDays), _specials);

    private static bool SameItems<T>(ReadOnlySpan<T> current, T[] compiled)
        where T : class
    {
        if (current.Length != compiled.Length)
        {
            return false;
        }

        for (var i = 0; i < current.Length; i++)
        {
            if (!ReferenceEquals(current[i], compiled[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the schedule is open at <paramref name="utc"/> (UTC ticks): the clock's reading lies in its day's plan.</summary>
    private bool IsOpen(long utc)
    {
        var reading = _clock.Reading(utc);
        var day = (int)(reading / TicksPerDay);
        return PlanFor(day).Contains(reading - (day * TicksPerDay));
    }

    /// <summary>
    /// <paramref name="day"/>, or when the weekly windows are none, the first special date (or day after one) from it on,
    /// whose plan may have hours; <see cref="int.MaxValue"/> when there is none.
    /// </summary>
    private int NextDayWithHours(int day)
    {
        if (!_weeklyClosed)
        {
            return day;
        }

        var index = Array.BinarySearch(_specialDays, day);
        index = index >= 0 ? index : ~index;
        return index < _specialDays.Length ? _specialDays[index] : int.MaxValue;
    }

    private DayPlan PlanFor(int day)
    {
        var specials = _specialDays;
        if (specials.Length != 0 && day >= specials[0] && day <= specials[^1])
        {
            var index = Array.BinarySearch(specials, day);
            if (index >= 0)
            {
                return _specialPlans[index];
            }
        }

        return _weekly[WeekDay(day)];
    }

    private DateTimeOffset At(long utc)
    {
        var offset = _clock.Offset(utc);
        return offset % TicksPerMinute == 0
            ? new DateTimeOffset(utc + offset, new TimeSpan(offset))
            : TimeZoneInfo.ConvertTime(new DateTimeOffset(utc, TimeSpan.Zero), _clock.Zone);
    }

    /// <summary>
    /// The open intervals as instants (UTC ticks), in order, from the one open just before a given instant (or the
    /// first after it): each local interval mapped with <see cref="ZoneClock.FirstInstantReading"/>, the empty ones
    /// (wholly inside a skipped period) dropped, and those that touch merged. An end of <see cref="long.MaxValue"/>
    /// means open for ever.
    /// </summary>
    /// <remarks>
    /// An instant is open when the clock's reading at it lies in a local interval; the mapped interval of a local one is
    /// exactly the instants whose reading lies in it, so these intervals and <see cref="IsOpen"/> agree by construction.
    /// </remarks>
    private struct Intervals
    {
        private readonly TimeWindowSchedule _schedule;
        private LocalIntervals _local;
        private bool _hasNext;
        private bool _first;
        private long _nextStart;
        private long _nextEnd;

        public Intervals(TimeWindowSchedule schedule, long utc)
        {
            // Every interval that ends at or after utc ends after the clock's reading just before utc, so it is on or
            // after that reading's date (an interval from an earlier date that lasts until then is read from that date on).
            _schedule = schedule;
            _local = new LocalIntervals(schedule, (int)(schedule._clock.Reading(utc - 1) / TicksPerDay));
            _first = true;
            _hasNext = Read(out _nextStart, out _nextEnd);
        }

        /// <summary>
        /// The next interval; <paramref name="continued"/> when it was already open just before <paramref name="start"/>
        /// (only the first can be: it may have begun before the days read), so its start is no opening.
        /// </summary>
        public bool MoveNext(out long start, out long end, out bool continued)
        {
            if (!_hasNext)
            {
                start = end = 0;
                continued = false;
                return false;
            }

            start = _nextStart;
            end = _nextEnd;
            continued = _first && start > ZoneClock.MinTicks && _schedule.IsOpen(start - 1);
            _first = false;
            while (true)
            {
                _hasNext = end != long.MaxValue && Read(out _nextStart, out _nextEnd);
                if (!_hasNext || _nextStart != end)
                {
                    return true;
                }

                end = _nextEnd;
            }
        }

        private bool Read(out long start, out long end)
        {
            var clock = _schedule._clock;
            while (_local.MoveNext(out var localStart, out var localEnd))
            {
                start = clock.FirstInstantReading(localStart);
                end = localEnd == long.MaxValue ? long.MaxValue : clock.FirstInstantReading(localEnd);
                if (end > start)
                {
                    return true;
                }
            }

            start = end = 0;
            return false;
        }
    }

    /// <summary>
    /// The open intervals in local time (ticks), in order from a given day, merged across midnight, up to the last day
    /// a schedule answers for. Days without hours are skipped: when the weekly windows are none, straight to the next
    /// special date. Past the special dates the weekly plan repeats, so an interval that has run through seven whole
    /// days there is open for ever (end <see cref="long.MaxValue"/>).
    /// </summary>
    private struct LocalIntervals
    {
        /// <summary>The last local day read: the day after the latest instant answered for, in any offset.</summary>
        private static readonly int s_lastDay = (int)(ZoneClock.MaxTicks / TicksPerDay) + 2;

        private readonly TimeWindowSchedule _schedule;
        private int _day;
        private int _index;

        public LocalIntervals(TimeWindowSchedule schedule, int day)
        {
            _schedule = schedule;
            _day = day;
            _index = 0;
        }

        public bool MoveNext(out long start, out long end)
        {
            var specials = _schedule._specialDays;
            while (_day <= s_lastDay)
            {
                var plan = _schedule.PlanFor(_day);
                if (_index >= plan.Count)
                {
                    _day = _schedule.NextDayWithHours(_day + 1);
                    _index = 0;
                    continue;
                }

                var first = _day;
                start = (_day * TicksPerDay) + (plan.Start(_index) * TicksPerMinute);
                end = (_day * TicksPerDay) + (plan.End(_index) * TicksPerMinute);
                _index++;
                while (_index == plan.Count && plan.RunsToMidnight)
                {
                    // The days after the first up to _day are open all day; those past the special dates are weekly.
                    var weeklyFrom = specials.Length == 0 ? first : Math.Max(first, specials[^1]);
                    if (_day - weeklyFrom >= 7)
                    {
                        end = long.MaxValue;
                        return true;
                    }

                    var next = _schedule.PlanFor(_day + 1);
                    if (!next.StartsAtMidnight)
                    {
                        break;
                    }

                    _day++;
                    _index = 1;
                    plan = next;
                    end = (_day * TicksPerDay) + (plan.End(0) * TicksPerMinute);
                }

                return true;
            }

            start = end = 0;
            return false;
        }
    }
}
