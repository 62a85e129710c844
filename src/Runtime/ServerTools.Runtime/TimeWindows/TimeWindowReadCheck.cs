using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Infrastructure;

namespace ServerTools.TimeWindows;

/// <summary>
/// Notes every <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entity EF Core creates from a query's rows, for
/// <see cref="TimeWindowReads"/> to check. A stateless singleton, as EF keeps materialization interceptors in its
/// compiled queries.
/// </summary>
internal sealed class TimeWindowReadCheck : IMaterializationInterceptor
{
    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        if (entity is ITimeWindowed windowed)
        {
            materializationData.Context.GetService<TimeWindowReads>().Add(materializationData.Context, windowed, materializationData.EntityType);
        }

        return entity;
    }

    /// <summary>
    /// Whether entities of <paramref name="entityType"/> are noted here: those of a [TimeWindowed] class; EF Core's
    /// interception is compiled into the materializers of these types only (<see cref="SelectiveMaterializerSource"/>).
    /// </summary>
    public static bool ActsOn(IEntityType entityType) => typeof(ITimeWindowed).IsAssignableFrom(entityType.ClrType);
}

/// <summary>
/// Checks the windows and special days of the <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entities a query
/// read, by the rules of <see cref="TimeWindow"/> and <see cref="SpecialDay"/>, when the query's data reader closes.
/// EF Core builds them from the <c>jsonb</c> columns without those checks (it uses their private constructors, and
/// fills the lists after the entity is created), so that an entry edited in the database around ServerTools (SQL,
/// another application) fails the query here, with the entity, its key, the column, the entry and the fix in the
/// message, rather than inside EF's materializer with none of them, or, for a special day, not at all. One instance
/// per context (scoped in EF's internal services); a pooled context's is reset when the context goes back to the pool, so
/// the entities of a query left open in one lease are never checked, or detached, in the next.
/// </summary>
internal sealed class TimeWindowReads : IDbCommandInterceptor, IResettableService
{
    private List<(ITimeWindowed Entity, IEntityType EntityType)>? _read;
    private DbContext? _context;

    public void Add(DbContext context, ITimeWindowed entity, IEntityType entityType)
    {
        (_read ??= []).Add((entity, entityType));
        _context = context;
    }

    public void ResetState()
    {
        _read = null;
        _context = null;
    }

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        ResetState();
        return Task.CompletedTask;
    }

    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (Fault() is { } fault)
        {
            // The reader must be closed before the connection runs another command; EF's own Close is then a no-op.
            eventData.DataReader.Close();
            throw fault;
        }

        return result;
    }

    public async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (Fault() is { } fault)
        {
            await eventData.DataReader.CloseAsync().ConfigureAwait(false);
            throw fault;
        }

        return result;
    }

    /// <summary>
    /// The error for the first entry read that breaks a rule, or null; and a fresh start for the next query. The entities
    /// with such an entry are no longer tracked, so that the next query that reads their rows reads them again, and fails.
    /// </summary>
    private InvalidOperationException? Fault()
    {
        var read = _read;
        var context = _context;
        _read = null;
        _context = null;
        InvalidOperationException? first = null;
        foreach (var (entity, entityType) in read ?? [])
        {
            if (Fault(entity, entityType) is { } fault)
            {
                first ??= fault;
                if (context?.Entry(entity) is { State: not EntityState.Detached } entry)
                {
                    entry.State = EntityState.Detached;
                }
            }
        }

        return first;
    }

    private static InvalidOperationException? Fault(ITimeWindowed entity, IEntityType entityType)
    {
        var windows = entity.TimeWindows;
        for (var i = 0; windows is not null && i < windows.Count; i++)
        {
            if (windows[i] is { } window && TimeWindowRules.WindowFault(window.Day, window.From, window.To) is { } fault)
            {
                return Fault(entityType, entity, nameof(ITimeWindowed.TimeWindows), i, Describe(window), fault.Message);
            }
        }

        var specialDays = entity.SpecialDays;
        for (var i = 0; specialDays is not null && i < specialDays.Count; i++)
        {
            if (specialDays[i] is { } day && TimeWindowRules.SpecialDayFault(day.Date, day.From, day.To) is { } fault)
            {
                return Fault(entityType, entity, nameof(ITimeWindowed.SpecialDays), i, Describe(day), fault.Message);
            }
        }

        return null;
    }

    private static InvalidOperationException Fault(IEntityType entityType, ITimeWindowed entity, string property, int index, string entry, string fault)
    {
        var table = entityType.GetTableName() ?? entityType.DisplayName();
        var column = entityType.FindComplexProperty(property)?.ComplexType.GetContainerColumnName() ?? property;
        var key = entityType.FindPrimaryKey()?.Properties.Where(static p => !p.IsShadowProperty()).ToList() ?? [];
        var kind = property == nameof(ITimeWindowed.TimeWindows) ? nameof(TimeWindow) : nameof(SpecialDay);
        var row = key.Count == 0 ? "" : $" (its key is in the exception's Data[\"{ErrorData.EntityKey}\"], left out of this message as a key can be personal data)";
        var error = new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"{entityType.DisplayName()} read from the database{row}: entry {index} of column \"{column}\" of table \"{table}\" ({entry}) ")
            + $"breaks a rule of {kind}: {fault} ServerTools checks entries when they are made, so this one was written around it (SQL, another "
            + $"application). Correct or remove it in the database (an UPDATE of the jsonb column \"{column}\" of that row), then save the entity "
            + "through a context so that the columns WhereOpenAt reads are written again.");
        return key.Count == 0
            ? error
            : ErrorData.WithEntityKey(error, string.Join(", ", key.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} = {p.GetGetter().GetClrValueUsingContainingEntity(entity) ?? "null"}"))));
    }

    private static string Describe(TimeWindow window)
        => string.Create(CultureInfo.InvariantCulture, $"Day {(int)window.Day}, From {TimeWindowRules.FormatExactly(window.From)}, To {TimeWindowRules.FormatExactly(window.To)}");

    private static string Describe(SpecialDay day)
        => $"Date {TimeWindowRules.Format(day.Date)}, From {Time(day.From)}, To {Time(day.To)}";

    private static string Time(TimeOnly? time) => time is { } value ? TimeWindowRules.FormatExactly(value) : "null";
}
