using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using ServerTools.Auditing;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Storage;

/// <summary>
/// What a SaveChanges does for stored violations (<see cref="StoredRuleViolation"/>), in the transaction of the change:
/// <list type="bullet">
/// <item>It writes the violation rows the context added, changed or removed itself, by entity and rule rather than by
/// row id, so that two contexts that check one record at once both save (EF Core would fail the second with the unique
/// index's violation, or a concurrency exception for a row the first deleted): a new row of a rule the table has a row
/// of updates that row, keeping its detection time and, unless this check ignored the warning or the rule became
/// blocking, its ignore mark; a changed row writes the columns the context changed (and is inserted again when the other
/// deleted it: the check saved last wins), unless the change ignores the warning: an ignore is recorded only while the row
/// is there, so a violation the other removed (its check found it resolved) is not brought back by an ignore of it; a
/// removed row is deleted if it is there.</item>
/// <item>It deletes the violations of the entities the save deletes, and of those it inserts with a key of their own (a
/// natural key, or an id set by the application): the rows a deleted entity of that key left behind (deleted by
/// <c>ExecuteDelete</c> or SQL) are not the new entity's.</item>
/// </list>
/// The rows are taken out of EF Core's save when it starts (<see cref="Take"/>) and written in one batch before the
/// save's first statement (<see cref="WriteAsync"/>), or on their own when EF Core writes nothing else; after the save the
/// context tracks them as saved (<see cref="Accept"/>), or, when the save does not accept its changes, as still to be
/// saved (<see cref="Hold"/>); a save that fails gives them back as they were (<see cref="Restore"/>), to be saved again.
/// Only on PostgreSQL (Npgsql); elsewhere EF Core writes the rows itself.
/// </summary>
internal sealed class StoredViolationWrites
{
    private static readonly ConditionalWeakTable<IModel, Statements?> s_statements = [];

    private readonly DbContext _context;
    private readonly Statements _sql;
    private readonly List<Write> _writes;
    private readonly Purge? _purge;
    private bool _written;
    private Guid? _writtenIn;

    private StoredViolationWrites(DbContext context, Statements sql, List<Write> writes, Purge? purge)
    {
        _context = context;
        _sql = sql;
        _writes = writes;
        _purge = purge;
    }

    private static volatile bool s_rulesInUse;

    /// <summary>
    /// Whether this process works with rules: it has code rules (<see cref="ExceptionRuleRegistry"/>), configured data rules
    /// (<see cref="RuleOptions.UseDataRules{TContext}"/>) or stored violations (<c>CheckRulesAsync</c>). Only then does a save
    /// delete the violations of the entities it deletes or inserts with a key of their own; an application without rules
    /// pays no statement for them (and needs no privilege on the table).
    /// </summary>
    internal static bool RulesInUse => s_rulesInUse || ExceptionRuleRegistry.Sets.Length > 0;

    /// <summary>Notes that this process works with rules (see <see cref="RulesInUse"/>).</summary>
    internal static void NoteRulesInUse() => s_rulesInUse = true;

    /// <summary>The context whose save this is.</summary>
    public DbContext Context => _context;

    /// <summary>Whether the writes are still to be made in this save (EF Core ran no statement of its own).</summary>
    public bool Pending => !_written;

    /// <summary>
    /// Takes the violation rows the context added, changed or removed out of EF Core's save (they are no longer tracked
    /// until <see cref="Accept"/> or <see cref="Restore"/>). Null when the save has nothing to do with stored violations:
    /// no such row, and no entity added or deleted. Changes must have been detected.
    /// </summary>
    public static StoredViolationWrites? Take(DbContext context)
    {
        if (context.Database.ProviderName != DatabaseProviders.Npgsql || StatementsOf(context) is not { } sql)
        {
            // EF Core writes the rows itself, and would store an undefined Severity as its number.
            RefuseUndefinedSeverities(context);
            return null;
        }

        var tracker = context.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        List<Write> writes = [];
        Purge? purge = null;
        var rulesInUse = RulesInUse;
        try
        {
            // Without rules in the process nothing is purged, so only the violation rows (added by hand) are looked at, and
            // no entry of the application's entities is allocated.
            foreach (var entry in rulesInUse ? tracker.Entries() : tracker.Entries<StoredRuleViolation>())
            {
                if (entry.Entity is StoredRuleViolation row)
                {
                    if (entry.State is EntityState.Added or EntityState.Modified)
                    {
                        RefuseUndefinedSeverity(context, row);
                    }

                    switch (entry.State)
                    {
                        case EntityState.Added:
                            writes.Add(new Write(row, EntityState.Added, Overwritten(row, null)));
                            break;
                        case EntityState.Modified:
                            writes.Add(new Write(row, EntityState.Modified, Overwritten(row, entry)));
                            break;
                        case EntityState.Deleted:
                            writes.Add(new Write(row, EntityState.Deleted, []));
                            break;
                    }
                }
                else if (rulesInUse && entry.State is EntityState.Added or EntityState.Deleted && OwnKey(entry) is { } key)
                {
                    (purge ??= new Purge()).Add(key, inserted: entry.State == EntityState.Added);
                }
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }

        if (writes.Count == 0 && purge is null)
        {
            return null;
        }

        foreach (var write in writes)
        {
            context.Entry(write.Row).State = EntityState.Detached;
        }

        return new StoredViolationWrites(context, sql, writes, purge);
    }

    /// <summary>The check of <see cref="RefuseUndefinedSeverity"/>, for every row the context adds or changes.</summary>
    private static void RefuseUndefinedSeverities(DbContext context)
    {
        var tracker = context.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries<StoredRuleViolation>())
            {
                if (entry.State is EntityState.Added or EntityState.Modified)
                {
                    RefuseUndefinedSeverity(context, entry.Entity);
                }
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>
    /// Refuses to write a row whose Severity is no member of <see cref="RuleSeverity"/>: one read from a row that SQL wrote
    /// with another text (<see cref="RuleSeverityConverter.Undefined"/>), or a number cast to the enum. Written, it would
    /// replace what the table holds with a value that no query finds; a changed row is refused too, as its upsert inserts
    /// the Severity when another context deleted the row meanwhile. The message names the rule and the entity type, not the
    /// entity's key (which can be personal data).
    /// </summary>
    private static void RefuseUndefinedSeverity(DbContext context, StoredRuleViolation row)
    {
        if (Enum.IsDefined(row.Severity))
        {
            return;
        }

        var table = ServerToolsTables.TableOf<StoredRuleViolation>(context.Model);
        var read = row.Severity == RuleSeverityConverter.Undefined
            ? $" (the row was read from the table {table} with a text that is neither 'Warning' nor 'Blocking', written by SQL, which reads as {(int)row.Severity})"
            : "";
        throw new InvalidOperationException(
            $"The stored violation of rule '{row.RuleId}' on the entity type {row.EntityType} has the Severity {(int)row.Severity}, which is neither Warning nor Blocking{read}, "
            + "so SaveChanges does not write it. Set its Severity to RuleSeverity.Warning or RuleSeverity.Blocking, or remove the row; checking the entity "
            + "again (CheckRulesAsync) sets the current severity, or removes the row when the rule no longer fails. This save wrote nothing.");
    }

    /// <summary>
    /// Makes the writes on <paramref name="connection"/>, in <paramref name="transaction"/> (or in the connection's ambient
    /// one); once per transaction, as a save that its execution strategy retries runs again in a new one. Before the save's
    /// first statement, the entities to purge are those EF Core is about to insert or delete; with no statement of EF
    /// Core's, there are none.
    /// </summary>
    public async Task WriteAsync(DbConnection connection, DbTransaction? transaction, bool async, CancellationToken cancellationToken)
    {
        var transactionId = _context.Database.CurrentTransaction?.TransactionId;
        if (_written && transactionId == _writtenIn)
        {
            return;
        }

        foreach (var write in _writes)
        {
            write.Returned = null;
        }

        var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction?)transaction);
        try
        {
            if (_context.Database.GetCommandTimeout() is { } timeout)
            {
                batch.Timeout = timeout;
            }

            var upserts = Fill(batch);
            if (batch.BatchCommands.Count > 0)
            {
                NpgsqlDataReader reader;
                try
                {
                    reader = async ? await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : batch.ExecuteReader();
                }
                catch (PostgresException error) when (ServerToolsTables.Explain(
                    error,
                    _sql.Table,
                    "ServerTools keeps the stored violations of the rules there (CheckRulesAsync), and clears those of the entities a save "
                    + "inserts or deletes, so this save's transaction cannot commit: none of its changes are stored.") is { } explained)
                {
                    throw explained;
                }

                try
                {
                    foreach (var write in upserts)
                    {
                        if (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
                        {
                            write.Returned = Read(reader);
                        }
                        else if (!write.OnlyIfStored)
                        {
                            throw ErrorData.WithEntityKey(
                                new InvalidOperationException(
                                    $"PostgreSQL returned no row for the stored violation of rule {write.Row.RuleId} of a {write.Row.EntityType} (its key is in "
                                    + $"the exception's Data[\"{ErrorData.EntityKey}\"]): the upsert into {_sql.Table} wrote nothing, which a trigger (a BEFORE "
                                    + "trigger that returns NULL), a rule or a row-level security policy on that table does. ServerTools writes and reads the "
                                    + "rows of that table as they are: remove what drops them, or let it keep ServerTools' rows. The save fails (inside a "
                                    + "transaction of the application's, roll that back)."),
                                write.Row.EntityKey);
                        }

                        _ = async ? await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) : reader.NextResult();
                    }
                }
                finally
                {
                    if (async)
                    {
                        await reader.DisposeAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        reader.Dispose();
                    }
                }
            }
        }
        finally
        {
            batch.Dispose();
        }

        _written = true;
        _writtenIn = transactionId;
    }

    /// <summary>
    /// The purge, then the deletes, then the upserts; returns the upserts, in their order. Deletes go first so that a row
    /// the application removed and added again for the same entity and rule in one save ends up written, not deleted
    /// after its upsert.
    /// </summary>
    private List<Write> Fill(NpgsqlBatch batch)
    {
        if (_purge is { Entities.Count: > 0 })
        {
            var command = new NpgsqlBatchCommand(_sql.Purge);
            command.Parameters.Add(new NpgsqlParameter { Value = _purge.Entities.Select(static p => p.Type).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = _purge.Entities.Select(static p => p.Key).ToArray() });
            batch.BatchCommands.Add(command);
        }

        List<Write> upserts = [];
        foreach (var write in _writes)
        {
            if (_purge?.Drops(write.Row, write.State) == true)
            {
                continue;
            }

            if (write.State == EntityState.Deleted)
            {
                var command = new NpgsqlBatchCommand(_sql.Delete);
                AddKey(command, write.Row);
                batch.BatchCommands.Add(command);
            }
            else
            {
                upserts.Add(write);
            }
        }

        foreach (var write in upserts)
        {
            batch.BatchCommands.Add(Command(write));
        }

        return upserts;
    }

    /// <summary>
    /// The rows the save wrote, for SaveChanges to count: those upserted or updated, and those deleted (a row the table no
    /// longer had included). An ignore of a row the table no longer has wrote nothing.
    /// </summary>
    public int Written => _writes.Count(static w => w.State == EntityState.Deleted || w.Returned is not null);

    /// <summary>
    /// After a save that accepts its changes (<c>SaveChanges()</c>): the rows written are tracked as saved, with the values
    /// the table has now; those removed, those not written (an ignore of a row the table no longer has), and those of
    /// deleted or reinserted entities that the purge removed, are no longer tracked.
    /// </summary>
    public void Accept() => Settle(accept: true);

    /// <summary>
    /// After a save that does not accept its changes (<c>SaveChanges(acceptAllChangesOnSuccess: false)</c>, as an execution
    /// strategy runs a transaction of the application's): EF Core leaves its own entries added, modified or deleted, with
    /// the keys the database gave them, for the application's <c>ChangeTracker.AcceptAllChanges()</c> after the commit, or
    /// for the same save again when the transaction failed and the strategy runs it again. The rows are left the same way:
    /// a new row is tracked as added with the id and values the table returned (a real key, not a temporary one, so that
    /// <c>AcceptAllChanges</c> makes it unchanged), a changed row as modified in the columns it wrote, with the values the
    /// table returned, a removed one as deleted. <c>AcceptAllChanges</c> then leaves them as <see cref="Accept"/> would
    /// have. A save that runs again (its transaction rolled back) takes them again and writes them again: by entity and
    /// rule, so the id a new row got in the rolled-back attempt does not matter, and with the values the table returned,
    /// which are those the first attempt wrote or kept, unless another context changed the row between the attempts. The
    /// rows that were not written are no longer tracked, as after <see cref="Accept"/>: a save that runs again would
    /// leave them out again.
    /// </summary>
    public void Hold() => Settle(accept: false);

    private void Settle(bool accept)
    {
        var tracker = _context.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            SettleRows(accept);
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private void SettleRows(bool accept)
    {
        var local = _context.Set<StoredRuleViolation>().Local;
        List<StoredRuleViolation> tracked = [];
        foreach (var write in _writes)
        {
            var row = write.Row;
            if (write.State == EntityState.Deleted)
            {
                if (!accept && local.FindEntry(row.Id) is null)
                {
                    _context.Attach(row).State = EntityState.Deleted;
                }

                continue;
            }

            if (write.Returned is not { } values)
            {
                continue;
            }

            values.ApplyTo(row);
            EntityEntry<StoredRuleViolation> entry;
            if (local.FindEntry(row.Id) is { } other && !ReferenceEquals(other.Entity, row))
            {
                // The context tracks the table's row already (loaded while this one was added): that instance stays.
                entry = other;
                values.ApplyTo(entry.Entity);
                entry.OriginalValues.SetValues(entry.CurrentValues);
                entry.State = EntityState.Unchanged;
            }
            else
            {
                entry = !accept && write.State == EntityState.Added ? _context.Add(row) : _context.Attach(row);
            }

            if (!accept && entry.State == EntityState.Unchanged)
            {
                foreach (var property in write.Changed)
                {
                    entry.Property(property).IsModified = true;
                }
            }

            tracked.Add(entry.Entity);
        }

        if (_purge is { Entities.Count: > 0 } purge)
        {
            var stale = _context.ChangeTracker.Entries<StoredRuleViolation>()
                .Where(e => purge.Entities.Contains((e.Entity.EntityType, e.Entity.EntityKey)) && !tracked.Contains(e.Entity))
                .ToList();
            foreach (var entry in stale)
            {
                entry.State = EntityState.Detached;
            }
        }
    }

    /// <summary>After a save that failed: the rows are tracked again as they were when it started, to be saved again.</summary>
    public void Restore()
    {
        foreach (var write in _writes)
        {
            write.Returned = null;
            if (_context.Entry(write.Row).State != EntityState.Detached)
            {
                continue;
            }

            switch (write.State)
            {
                case EntityState.Added:
                    _context.Add(write.Row);
                    break;
                case EntityState.Modified:
                    var entry = _context.Attach(write.Row);
                    foreach (var property in write.Changed)
                    {
                        entry.Property(property).IsModified = true;
                    }

                    break;
                case EntityState.Deleted:
                    _context.Remove(_context.Attach(write.Row).Entity);
                    break;
            }
        }
    }

    /// <summary>
    /// The properties whose stored value a row overwrites when its rule has a row already: a new row (<paramref name="entry"/>
    /// null) writes what the check found (severity, message, failed, checked at) and its ignore mark when it has one; a
    /// changed row writes what changed. A blocking row clears the ignore mark, which a blocking violation cannot keep.
    /// The detection time of a new row never replaces the stored one: the violation stood since then.
    /// </summary>
    private static string[] Overwritten(StoredRuleViolation row, EntityEntry? entry)
    {
        List<string> changed = [];
        if (entry is null)
        {
            changed.AddRange([nameof(StoredRuleViolation.Severity), nameof(StoredRuleViolation.Message), nameof(StoredRuleViolation.Failed), nameof(StoredRuleViolation.CheckedAt)]);
            if (row.IgnoredAt is not null)
            {
                changed.AddRange(Statements.IgnoreMark);
            }
        }
        else
        {
            foreach (var property in Statements.Written)
            {
                if (entry.Property(property).IsModified)
                {
                    changed.Add(property);
                }
            }
        }

        if (row.Severity == RuleSeverity.Blocking)
        {
            changed.AddRange(Statements.IgnoreMark.Where(p => !changed.Contains(p)));
        }

        return [.. changed];
    }

    /// <summary>The upsert of a row, or the update of one that is written only if the table has it (<see cref="Write.OnlyIfStored"/>).</summary>
    private NpgsqlBatchCommand Command(Write write)
    {
        var command = new NpgsqlBatchCommand(write.OnlyIfStored ? _sql.Update(write.Changed) : _sql.Upsert(write.Changed));
        AddKey(command, write.Row);
        var row = write.Row;
        command.Parameters.Add(new NpgsqlParameter { Value = _sql.Severity(row.Severity) });
        command.Parameters.Add(new NpgsqlParameter { Value = row.Message });
        command.Parameters.Add(new NpgsqlParameter { Value = row.Failed });
        command.Parameters.Add(new NpgsqlParameter { Value = row.DetectedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = row.CheckedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)row.IgnoredAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)row.IgnoredByUserId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)row.IgnoredByUserName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return command;
    }

    private static void AddKey(NpgsqlBatchCommand command, StoredRuleViolation row)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = row.EntityType });
        command.Parameters.Add(new NpgsqlParameter { Value = row.EntityKey });
        command.Parameters.Add(new NpgsqlParameter { Value = row.RuleId });
    }

    private Returned Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        _sql.SeverityOf(reader.GetValue(1)),
        reader.GetString(2),
        reader.GetBoolean(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8));

    /// <summary>
    /// The entities whose stored violations the save deletes: those EF Core is about to delete, and those it is about to
    /// insert with a key of their own (a key the database generates is new, and no stored violation has it).
    /// </summary>
    private sealed class Purge
    {
        private readonly HashSet<(string Type, string Key)> _inserted = [];

        /// <summary>The (type, key) of each entity.</summary>
        public HashSet<(string Type, string Key)> Entities { get; } = [];

        /// <summary>Notes an entity the save deletes, or inserts (<paramref name="inserted"/>) with a key of its own.</summary>
        public void Add((string Type, string Key) entity, bool inserted)
        {
            Entities.Add(entity);
            if (inserted)
            {
                _inserted.Add(entity);
            }
        }

        /// <summary>
        /// Whether the purge replaces the write of <paramref name="row"/>: every row of a deleted entity, and the rows of an
        /// inserted entity's key that were not added for it (rows of the entity that had the key before).
        /// </summary>
        public bool Drops(StoredRuleViolation row, EntityState state)
        {
            var entity = (row.EntityType, row.EntityKey);
            return Entities.Contains(entity) && !(state == EntityState.Added && _inserted.Contains(entity));
        }
    }

    /// <summary>
    /// The (type, key) of an application's entity that the save deletes or inserts, as stored violations name it; null
    /// for an insert whose key the database generates, or a key that cannot be written as text (CheckRulesAsync refuses
    /// such an entity, so it has no stored violations).
    /// </summary>
    private static (string Type, string Key)? OwnKey(EntityEntry entry)
    {
        if (!IsApplications(entry.Metadata) || entry.Metadata.FindPrimaryKey() is not { } key)
        {
            return null;
        }

        var values = entry.Values();
        if (entry.State == EntityState.Added && key.Properties.Any(values.HasTemporaryValue))
        {
            return null;
        }

        try
        {
            return (entry.Metadata.Name, AuditKey.Of(values, key.Properties, original: false));
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="type"/> is one of the application's entity types that rules check: not a table of
    /// ServerTools', an owned type or a shared-type entity (such as the join entity of a many-to-many relationship).
    /// </summary>
    private static bool IsApplications(IEntityType type)
        => type.ClrType.Assembly != typeof(StoredRuleViolation).Assembly && !type.IsOwned() && !type.HasSharedClrType;

    private static Statements? StatementsOf(DbContext context)
        => s_statements.GetValue(context.Model, model => Statements.For(model, context.GetService<ISqlGenerationHelper>()));

    /// <summary>A row taken out of EF Core's save: what to write, and what the table returned.</summary>
    private sealed class Write(StoredRuleViolation row, EntityState state, string[] changed)
    {
        public StoredRuleViolation Row { get; } = row;

        public EntityState State { get; } = state;

        /// <summary>The properties written over a stored row of the same entity and rule.</summary>
        public string[] Changed { get; } = changed;

        /// <summary>
        /// Whether the row is written only if the table has it: a changed row that ignores its warning. A user ignores a
        /// warning that was stored; if another context removed it since (its check found the violation resolved), the
        /// ignore is not recorded, rather than the violation stored again with it.
        /// </summary>
        public bool OnlyIfStored => State == EntityState.Modified && Row.IgnoredAt is not null && Changed.Contains(nameof(StoredRuleViolation.IgnoredAt));

        public Returned? Returned { get; set; }
    }

    /// <summary>A stored row as the upsert returned it.</summary>
    private sealed record Returned(
        long Id, RuleSeverity Severity, string Message, bool Failed, DateTimeOffset DetectedAt, DateTimeOffset CheckedAt,
        DateTimeOffset? IgnoredAt, string? IgnoredByUserId, string? IgnoredByUserName)
    {
        public void ApplyTo(StoredRuleViolation row)
        {
            row.Id = Id;
            row.Severity = Severity;
            row.Message = Message;
            row.Failed = Failed;
            row.DetectedAt = DetectedAt;
            row.CheckedAt = CheckedAt;
            row.IgnoredAt = IgnoredAt;
            row.IgnoredByUserId = IgnoredByUserId;
            row.IgnoredByUserName = IgnoredByUserName;
        }
    }

    /// <summary>The SQL of one model's violations table: its name and columns as the model maps them.</summary>
    private sealed class Statements
    {
        public static readonly string[] IgnoreMark = [nameof(StoredRuleViolation.IgnoredAt), nameof(StoredRuleViolation.IgnoredByUserId), nameof(StoredRuleViolation.IgnoredByUserName)];

        /// <summary>The columns an upsert writes besides the entity and rule, in the order of its parameters.</summary>
        public static readonly string[] Written =
        [
            nameof(StoredRuleViolation.Severity), nameof(StoredRuleViolation.Message), nameof(StoredRuleViolation.Failed),
            nameof(StoredRuleViolation.DetectedAt), nameof(StoredRuleViolation.CheckedAt), .. IgnoreMark,
        ];

        private static readonly string[] s_key = [nameof(StoredRuleViolation.EntityType), nameof(StoredRuleViolation.EntityKey), nameof(StoredRuleViolation.RuleId)];

        private readonly Dictionary<string, string> _columns;
        private readonly string _table;
        private readonly string _insert;
        private readonly string _where;
        private readonly string _returning;
        private readonly Dictionary<string, string> _statements = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();
        private readonly IProperty _severity;

        private Statements(StoreObjectIdentifier name, string table, Dictionary<string, string> columns, IProperty severity)
        {
            Table = name.DisplayName();
            _table = table;
            _columns = columns;
            _severity = severity;
            string[] inserted = [.. s_key, .. Written];
            _insert = $"INSERT INTO {table} AS v ({string.Join(", ", inserted.Select(p => columns[p]))}) VALUES ({string.Join(", ", inserted.Select((_, i) => $"${i + 1}"))})"
                + $" ON CONFLICT ({string.Join(", ", s_key.Select(p => columns[p]))}) DO UPDATE SET ";
            _returning = " RETURNING " + string.Join(", ", new[] { nameof(StoredRuleViolation.Id) }.Concat(Written).Select(p => "v." + columns[p]));
            Purge = $"DELETE FROM {table} WHERE ({columns[nameof(StoredRuleViolation.EntityType)]}, {columns[nameof(StoredRuleViolation.EntityKey)]}) IN (SELECT * FROM unnest($1::text[], $2::text[]))";
            Delete = $"DELETE FROM {table} WHERE {string.Join(" AND ", s_key.Select((p, i) => $"{columns[p]} = ${i + 1}"))}";
            _where = " WHERE " + string.Join(" AND ", s_key.Select((p, i) => $"v.{columns[p]} = ${i + 1}"));
        }

        /// <summary>The table, for messages (<c>servertools_rule_violations</c>).</summary>
        public string Table { get; }

        /// <summary>Deletes the rows of the entities whose types and keys are the two array parameters.</summary>
        public string Purge { get; }

        /// <summary>Deletes the row of one entity and rule (type, key, rule id), if there is one.</summary>
        public string Delete { get; }

        /// <summary>
        /// Inserts a row (parameters: type, key, rule id, then <see cref="Written"/>), or, when its entity and rule have one,
        /// writes <paramref name="changed"/> over it; returns the stored row.
        /// </summary>
        public string Upsert(string[] changed)
            => Cached("upsert:", changed, () =>
            {
                // With nothing to write over, the row is "updated" to itself, so that RETURNING gives it.
                var set = changed.Length == 0
                    ? $"{_columns[nameof(StoredRuleViolation.RuleId)]} = v.{_columns[nameof(StoredRuleViolation.RuleId)]}"
                    : string.Join(", ", changed.Select(p => $"{_columns[p]} = EXCLUDED.{_columns[p]}"));
                return _insert + set + _returning;
            });

        /// <summary>
        /// Writes <paramref name="changed"/> over the row of the entity and rule if the table has one (parameters as for
        /// <see cref="Upsert"/>); returns it, or no row.
        /// </summary>
        public string Update(string[] changed)
            => Cached("update:", changed, () =>
                $"UPDATE {_table} AS v SET " + string.Join(", ", changed.Select(p => $"{_columns[p]} = ${s_key.Length + Array.IndexOf(Written, p) + 1}")) + _where + _returning);

        private string Cached(string kind, string[] changed, Func<string> build)
        {
            var name = kind + string.Join(",", changed);
            lock (_lock)
            {
                if (!_statements.TryGetValue(name, out var sql))
                {
                    sql = build();
                    _statements[name] = sql;
                }

                return sql;
            }
        }

        /// <summary>The value the table stores for <paramref name="severity"/>, through the model's conversion.</summary>
        public object Severity(RuleSeverity severity) => _severity.GetTypeMapping().Converter?.ConvertToProvider(severity) ?? severity;

        public RuleSeverity SeverityOf(object stored) => (RuleSeverity)(_severity.GetTypeMapping().Converter?.ConvertFromProvider(stored) ?? stored);

        /// <summary>
        /// The statements of <paramref name="model"/>'s violations table; null when the model does not map it, or when it
        /// has no unique index on entity type, key and rule (the application configured it otherwise), which the upsert needs.
        /// </summary>
        public static Statements? For(IModel model, ISqlGenerationHelper sql)
        {
            if (model.FindEntityType(typeof(StoredRuleViolation)) is not { } type
                || type.GetTableName() is not { } name
                || !type.GetIndexes().Any(static i => i.IsUnique && i.Properties.Count == s_key.Length && i.Properties.All(static p => s_key.Contains(p.Name))))
            {
                return null;
            }

            var table = StoreObjectIdentifier.Table(name, type.GetSchema());
            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in s_key.Concat(Written).Append(nameof(StoredRuleViolation.Id)))
            {
                if (type.FindProperty(property)?.GetColumnName(table) is not { } column)
                {
                    return null;
                }

                columns[property] = sql.DelimitIdentifier(column);
            }

            return new Statements(table, sql.DelimitIdentifier(table.Name, table.Schema), columns, type.FindProperty(nameof(StoredRuleViolation.Severity))!);
        }
    }
}
