using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ServerTools.Auditing;
using ServerTools.Infrastructure;

namespace ServerTools.Tracking;

/// <summary>
/// The statements of the outbox, built once per model from its mapping of <see cref="OutboxMessage"/> (renamed tables,
/// columns and JSON names honoured), with quoted identifiers and positional parameters only: the binary COPY that
/// writes new messages, the queries with which a dispatcher locks the due ones, and the statement that records a pass's
/// deliveries.
/// </summary>
internal sealed class OutboxSql
{
    private const string AnnotationName = "ServerTools:OutboxSql";

    private OutboxSql(IModel model, ISqlGenerationHelper sql)
    {
        var outbox = ServerToolsTables.EntityType<OutboxMessage>(model);
        var table = StoreObjectIdentifier.Table(outbox.GetTableName()!, outbox.GetSchema());
        var (fields, fieldNames) = AuditLineJsonNames.Of(outbox, nameof(OutboxMessage.Fields));

        string Column(string property) => sql.DelimitIdentifier(
            outbox.FindProperty(property)?.GetColumnName(table)
            ?? throw new InvalidOperationException($"'{nameof(OutboxMessage)}.{property}' is not mapped to a column of {table.DisplayName()}."));

        TextEnumColumn.Require(outbox, nameof(OutboxMessage.Operation), table);
        TextEnumColumn.Require(outbox, nameof(OutboxMessage.State), table);
        var name = sql.DelimitIdentifier(table.Name, table.Schema);
        CopyMessages = $"COPY {name} ({Column(nameof(OutboxMessage.Id))}, {Column(nameof(OutboxMessage.EntityType))}, " +
                       $"{Column(nameof(OutboxMessage.EntityKey))}, {Column(nameof(OutboxMessage.Operation))}, " +
                       $"{sql.DelimitIdentifier(fields.GetContainerColumnName()!)}, {Column(nameof(OutboxMessage.UserId))}, " +
                       $"{Column(nameof(OutboxMessage.UserName))}, {Column(nameof(OutboxMessage.TenantId))}, " +
                       $"{Column(nameof(OutboxMessage.Timestamp))}, {Column(nameof(OutboxMessage.State))}, " +
                       $"{Column(nameof(OutboxMessage.Attempts))}, {Column(nameof(OutboxMessage.NextAttemptAt))}) FROM STDIN (FORMAT BINARY)";
        string Of(string alias, string property) => $"{alias}.{Column(property)}";
        string ColumnsOf(string alias) =>
            $"{Of(alias, nameof(OutboxMessage.Id))}, {Of(alias, nameof(OutboxMessage.EntityType))}, {Of(alias, nameof(OutboxMessage.EntityKey))}, " +
            $"{Of(alias, nameof(OutboxMessage.Operation))}, {alias}.{sql.DelimitIdentifier(fields.GetContainerColumnName()!)}::text, " +
            $"{Of(alias, nameof(OutboxMessage.UserId))}, {Of(alias, nameof(OutboxMessage.UserName))}, {Of(alias, nameof(OutboxMessage.TenantId))}, " +
            $"{Of(alias, nameof(OutboxMessage.Timestamp))}, {Of(alias, nameof(OutboxMessage.Attempts))}, {Of(alias, nameof(OutboxMessage.NextAttemptAt))}, " +
            $"{Of(alias, nameof(OutboxMessage.Sequence))}, {Of(alias, nameof(OutboxMessage.HandledBy))}";

        // The filter of the index of pending changes by entity, word for word, so that PostgreSQL uses that index.
        var state = Column(nameof(OutboxMessage.State));
        var pending = TrackingModelConvention.PendingFilter(outbox.FindProperty(nameof(OutboxMessage.State))!.GetColumnName(table)!);
        var type = Column(nameof(OutboxMessage.EntityType));
        var key = Column(nameof(OutboxMessage.EntityKey));
        var sequence = Column(nameof(OutboxMessage.Sequence));
        var nextAttemptAt = Column(nameof(OutboxMessage.NextAttemptAt));
        var id = Column(nameof(OutboxMessage.Id));
        // Per type, so each is read in order from the index of due messages, within a window of that index: the first
        // so many due messages (from the first, or from a position), of which the earliest pending one of each entity
        // is locked. The window is a subquery with a LIMIT, so a statement reads a bounded number of candidates however
        // many changes wait behind one entity's head, and it is read lazily: the claim stops as soon as it has a batch.
        // Each candidate is locked in a lateral subquery by its id, on the conditions that it is still pending and
        // still where the window read it; PostgreSQL checks them again on a row that another transaction changed
        // meanwhile, so a row whose due time moved (a failed attempt committed meanwhile) is left to the window of its
        // new place or to the next pass, and no two windows of a pass lock the same row. (Lateral, so that PostgreSQL
        // reads the window in order and stops early, instead of joining the whole window at once; the conditions other
        // than the id written so that no index can serve them, so that PostgreSQL finds the row by its id even when its
        // statistics predate a burst of pending changes.) Only when the window gives fewer than a batch does the second
        // part of the UNION run: the window's end, if due messages go on beyond it, as a row without an id, read in the
        // same snapshot, so that the next window starts right after this one's last row. The NOT EXISTS is kept a
        // subquery (OFFSET 0) that looks up each candidate's entity in the index of pending messages: made a join
        // instead, PostgreSQL may read the whole type's pending messages per candidate when the table's statistics are
        // not up to date (a fresh burst). Ordered by sequence, as the followers' EXISTS, so that PostgreSQL reads that
        // index: without it, when one entity holds most pending changes, it reads the table from its start for each
        // candidate (13 s instead of 1.3 s for a window of 100,000 on a table with 120,000 deleted rows). Row
        // comparisons, so that PostgreSQL uses them as conditions of the index scan. Whether a head has followers is
        // asked of the same index for the claimed heads only, so that a pass whose heads have none (entities with one
        // change each, a dispatcher that keeps up) does not ask for followers at all.
        string Claim(bool after)
        {
            var from = after ? $" AND (due.{nextAttemptAt}, due.{sequence}) >= ($5, $6)" : "";
            var window = $"FROM {name} AS due WHERE due.{pending} AND due.{type} = win.type AND due.{nextAttemptAt} <= $2{from} ORDER BY due.{nextAttemptAt}, due.{sequence}";
            return $"SELECT claimed.* FROM unnest($1::text[]) AS win(type) CROSS JOIN LATERAL ((SELECT {ColumnsOf("message")}, " +
                   $"EXISTS (SELECT 1 FROM {name} AS later WHERE later.{pending} AND later.{type} = message.{type} AND later.{key} = message.{key} " +
                   $"AND later.{sequence} > message.{sequence} ORDER BY later.{sequence} OFFSET 0) " +
                   $"FROM (SELECT due.{id} AS id, due.{nextAttemptAt} AS next, due.{sequence} AS sequence, due.{key} AS key {window} LIMIT $4) AS candidate " +
                   $"CROSS JOIN LATERAL (SELECT * FROM {name} AS held WHERE held.{id} = candidate.id AND (held.{state}, held.{nextAttemptAt}, held.{sequence}) " +
                   $"IS NOT DISTINCT FROM ('{nameof(OutboxState.Pending)}'::text, candidate.next, candidate.sequence) FOR UPDATE SKIP LOCKED) AS message " +
                   $"WHERE NOT EXISTS (SELECT 1 FROM {name} AS earlier WHERE earlier.{pending} AND earlier.{type} = win.type " +
                   $"AND earlier.{key} = candidate.key AND earlier.{sequence} < candidate.sequence ORDER BY earlier.{sequence} OFFSET 0) " +
                   "ORDER BY candidate.next, candidate.sequence LIMIT $3) " +
                   "UNION ALL (SELECT NULL, win.type, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, bound.next, bound.sequence, NULL, NULL FROM (" +
                   $"SELECT due.{nextAttemptAt} AS next, due.{sequence} AS sequence {window} OFFSET $4 LIMIT 1) AS bound) LIMIT $3) AS claimed";
        }

        ClaimHeads = Claim(after: false);
        ClaimHeadsAfter = Claim(after: true);

        // The followers are listed first, then locked by id: the dispatcher must tell which ones the lock skipped (another
        // transaction holds them), since none after a skipped one may be handed out before it.
        Followers =
            $"SELECT next.{id}, head.type, head.key FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS head(type, key, sequence, position) " +
            $"CROSS JOIN LATERAL (SELECT later.{id}, later.{sequence} FROM {name} AS later WHERE later.{pending} AND later.{type} = head.type " +
            $"AND later.{key} = head.key AND later.{sequence} > head.sequence ORDER BY later.{sequence} LIMIT $4) AS next " +
            $"ORDER BY head.position, next.{sequence} LIMIT $4";
        LockFollowers = $"SELECT {ColumnsOf("message")} FROM {name} AS message WHERE message.{pending} AND message.{id} = ANY($1) FOR UPDATE SKIP LOCKED";

        // One advisory lock per outbox table (two keys: ServerTools' class and the table's oid), shared by the passes and
        // taken alone by a redelivery; see PassLock.
        TableName = name;
        PassLock = FormattableString.Invariant($"SELECT CASE WHEN pg_try_advisory_xact_lock_shared({LockClass}, $1::regclass::oid::int) THEN pg_backend_pid() END");
        RedeliveryLock = FormattableString.Invariant($"SELECT pg_advisory_xact_lock({LockClass}, $1::regclass::oid::int)");
        // Of this database: databases made from one template have the same oids.
        var outboxLock = FormattableString.Invariant(
            $"l.locktype = 'advisory' AND l.database = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database()) AND l.classid = {LockClass} AND l.objid = $1::regclass::oid AND l.objsubid = 2");
        LocksHeld = $"SELECT CASE WHEN bool_or({outboxLock} AND l.mode = 'ExclusiveLock') THEN 'outbox' " +
                    "WHEN bool_or(NOT (l.locktype IN ('virtualxid', 'transactionid') OR l.mode = 'SIReadLock' OR l.locktype = 'relation' AND (l.mode = 'AccessShareLock' " +
                    "OR EXISTS (SELECT 1 FROM pg_class AS c WHERE c.oid = l.relation AND (c.relkind = 'S' OR c.relpersistence = 't'))))) " +
                    "THEN 'other' ELSE 'none' END " +
                    "FROM pg_locks AS l WHERE l.pid = pg_backend_pid() AND l.granted";
        PassHoldsLock = $"SELECT EXISTS (SELECT 1 FROM pg_locks AS l WHERE {outboxLock} AND l.pid = $2 AND l.granted)";
        LockSessions = "SELECT l.pid, a.usename::text, a.application_name, a.state, l.granted, l.mode = 'ExclusiveLock', " +
                       "extract(epoch FROM clock_timestamp() - a.xact_start)::float8 " +
                       $"FROM pg_locks AS l LEFT JOIN pg_stat_activity AS a ON a.pid = l.pid WHERE {outboxLock} AND l.pid IS DISTINCT FROM pg_backend_pid() " +
                       "ORDER BY l.granted DESC, a.xact_start NULLS LAST LIMIT 10";
        // The types one at a time from the index of due messages (a skip scan: one lookup per type, however many messages
        // each has), then each type's count, read from the same index up to $4 entries: so a backlog of millions of one
        // type costs no more than $4 entries, and PostgreSQL cannot prefer reading the whole table to count it.
        Waiting =
            $"WITH RECURSIVE types(type) AS ((SELECT {type} FROM {name} WHERE {state} = $1 ORDER BY {type} LIMIT 1) " +
            $"UNION ALL SELECT (SELECT next.{type} FROM {name} AS next WHERE next.{state} = $1 AND next.{type} > types.type ORDER BY next.{type} LIMIT 1) " +
            "FROM types WHERE types.type IS NOT NULL) " +
            "SELECT types.type, waiting.count, waiting.oldest FROM types CROSS JOIN LATERAL (SELECT count(*)::int AS count, min(due.at) AS oldest FROM " +
            $"(SELECT message.{nextAttemptAt} AS at FROM {name} AS message WHERE message.{state} = $1 AND message.{type} = types.type " +
            $"AND message.{nextAttemptAt} <= $2 ORDER BY message.{nextAttemptAt} LIMIT $4) AS due) AS waiting " +
            "WHERE types.type IS NOT NULL AND NOT (types.type = ANY($3::text[])) AND waiting.count > 0 ORDER BY types.type";

        // DeliveredAt is only informative: an application may leave it unmapped.
        var deliveredAt = outbox.FindProperty(nameof(OutboxMessage.DeliveredAt))?.GetColumnName(table) is { } deliveredAtColumn
            ? $", {sql.DelimitIdentifier(deliveredAtColumn)} = delivered.at"
            : "";
        MarkDelivered = $"UPDATE {name} AS message SET {state} = {{0}}, " +
                        $"{Column(nameof(OutboxMessage.Attempts))} = message.{Column(nameof(OutboxMessage.Attempts))} + 1, " +
                        $"{Column(nameof(OutboxMessage.HandledBy))} = NULL{deliveredAt} " +
                        $"FROM unnest({{1}}, {{2}}) AS delivered(id, at) WHERE message.{id} = delivered.id";
        FieldNames = fieldNames;
        Properties = outbox.GetProperties()
            .Where(property => property.GetColumnName(table) is not null)
            .ToDictionary(property => property.GetColumnName(table)!, property => property.Name, StringComparer.Ordinal);
        Properties.TryAdd(fields.GetContainerColumnName()!, nameof(OutboxMessage.Fields));
        LastErrorMaxLength = outbox.FindProperty(nameof(OutboxMessage.LastError))?.GetMaxLength();
        Fields = CopyJsonColumn.Of(
            table, fields, $"modelBuilder.Entity<OutboxMessage>().ComplexCollection(m => m.Fields, f => f.ToJson(\"{fields.GetContainerColumnName()}\").HasColumnType(\"{{type}}\"))");
    }

    /// <summary>The first key of the outbox's advisory lock (<see cref="PassLock"/>): "STOB" in ASCII, ServerTools' outbox.</summary>
    public const int LockClass = 0x53544F42;

    /// <summary>The outbox table's name, quoted (with its schema when the model gives one): <c>$1</c> of <see cref="PassLock"/> and <see cref="RedeliveryLock"/>.</summary>
    public string TableName { get; }

    /// <summary>
    /// Takes the outbox's advisory lock (keys <see cref="LockClass"/> and the oid of the table named <c>$1</c>, as the
    /// connection's search path finds it), shared, for the pass's transaction, and answers the session's process id; or
    /// answers null at once when a redelivery holds it or waits for it (<see cref="RedeliveryLock"/>). Every pass takes it
    /// before it claims a change; a pass that cannot hands out nothing. A redelivery makes a change pending again that may
    /// be earlier than a change of the same entity that a pass holds already (the claim looks for earlier pending changes
    /// only): so it waits until no pass is under way, and no pass starts until it commits.
    /// </summary>
    public string PassLock { get; }

    /// <summary>The outbox's advisory lock (<see cref="PassLock"/>; <c>$1</c> the table's name), alone, for the redelivery's transaction: waits for the passes under way.</summary>
    public string RedeliveryLock { get; }

    /// <summary>
    /// Which locks the session's transaction holds (<c>$1</c> the table's name): <c>outbox</c>, the outbox's lock alone (a
    /// redelivery made earlier in it); <c>other</c>, a lock another session may wait for (rows it wrote or locked, a table
    /// or advisory lock), since it holds more than its own ids, read locks of tables and the predicate locks of a
    /// serializable transaction, and locks of sequences (<c>nextval</c>) and of its temporary tables, which only DDL or
    /// its own session could wait for; or <c>none</c>. (Its transaction id is no such lock: a row it wrote or locked
    /// holds a lock of its table as well, and the id stays when a savepoint undoes the write.)
    /// </summary>
    public string LocksHeld { get; }

    /// <summary>Whether the session with process id <c>$2</c> holds the outbox's lock (<c>$1</c> the table's name).</summary>
    public string PassHoldsLock { get; }

    /// <summary>
    /// The other sessions that hold the outbox's lock or wait for it (<c>$1</c> the table's name), holders first, up to 10:
    /// process id (null for a prepared transaction), role, application name and state (null where this role may not see
    /// them), whether granted, whether alone (exclusive), and how many seconds its transaction has been open. Never a query.
    /// </summary>
    public string LockSessions { get; }

    /// <summary>The number of columns <see cref="CopyMessages"/> writes, the fields of each row.</summary>
    public const short ColumnCount = 12;

    /// <summary><c>COPY outbox (Id, EntityType, EntityKey, Operation, Fields, UserId, UserName, TenantId, Timestamp, State, Attempts, NextAttemptAt) FROM STDIN (FORMAT BINARY)</c>.</summary>
    public string CopyMessages { get; }

    /// <summary>
    /// Locks and reads the messages a pass hands out first, within the first window of the due messages of each entity
    /// type: for each type in <c>$1</c> (<c>text[]</c>), of the first <c>$4</c> pending messages due at <c>$2</c>, oldest
    /// first, up to <c>$3</c> that no earlier pending message of the same entity (type and key) precedes, skipping those
    /// another dispatcher holds. Columns as <see cref="OutboxReader"/> reads them, then whether a later pending message of
    /// the same entity follows (<see cref="FollowedColumn"/>). When a type has fewer than <c>$3</c> of them and its due
    /// messages go on beyond the window, one more row, without an id, gives the type and, as its due time and sequence,
    /// those of the first message after the window.
    /// </summary>
    public string ClaimHeads { get; }

    /// <summary>The ordinal of the column of <see cref="ClaimHeads"/> that tells whether later pending messages follow the head.</summary>
    public const int FollowedColumn = 13;

    /// <summary>
    /// <see cref="ClaimHeads"/> within a later window: the due messages from the due time <c>$5</c> and sequence <c>$6</c> on
    /// (inclusive).
    /// </summary>
    public string ClaimHeadsAfter { get; }

    /// <summary>
    /// The pending messages that follow the claimed ones of the same entity (types <c>$1</c>, keys <c>$2</c>, sequences
    /// <c>$3</c>), up to <c>$4</c> in all, grouped by head and in order within each: their id, entity type and key. No
    /// other dispatcher takes them while the first of each entity is held, so a pass delivers a run of one entity's
    /// changes at once; <see cref="LockFollowers"/> locks them.
    /// </summary>
    public string Followers { get; }

    /// <summary>
    /// Locks and reads the pending messages with ids <c>$1</c>, skipping those another transaction holds (an operator's
    /// redelivery, an update of the application's). Columns as <see cref="OutboxReader"/> reads them.
    /// </summary>
    public string LockFollowers { get; }

    /// <summary>
    /// The entity types other than <c>$3</c> (<c>text[]</c>) with messages in state <c>$1</c> due since <c>$2</c>: each type,
    /// how many (at most <c>$4</c>: as many means at least as many), and the earliest due time.
    /// </summary>
    public string Waiting { get; }

    /// <summary>The fields' column: ServerTools' <c>json</c>, or <c>jsonb</c> when mapped so.</summary>
    public CopyJsonColumn Fields { get; }

    /// <summary>
    /// Records the deliveries of one pass in one statement: <c>{0}</c> the delivered state, <c>{1}</c> the ids,
    /// <c>{2}</c> when each was delivered (parameters of <c>ExecuteSqlRaw</c>; the time is left out when the model does not
    /// map <see cref="OutboxMessage.DeliveredAt"/>); each message's attempts go up by one, and its handlers of earlier
    /// deliveries (<see cref="OutboxMessage.HandledBy"/>) are cleared.
    /// </summary>
    public string MarkDelivered { get; }

    /// <summary>
    /// The properties of <see cref="OutboxMessage"/> by the outbox's columns as the model names them, for the explanation of
    /// a column the table lacks.
    /// </summary>
    public Dictionary<string, string> Properties { get; }

    /// <summary>
    /// Whether <paramref name="column"/>, a column of the outbox as the model names it, is one of those the migration
    /// <c>OutboxDeliveryOrder</c> added: <see cref="OutboxMessage.Sequence"/> and <see cref="OutboxMessage.HandledBy"/>.
    /// </summary>
    public bool AddedByDeliveryOrder(string column)
        => Properties.TryGetValue(column, out var property) && property is nameof(OutboxMessage.Sequence) or nameof(OutboxMessage.HandledBy);

    /// <summary>The longest <see cref="OutboxMessage.LastError"/> the model allows (<c>HasMaxLength</c>), if it sets one.</summary>
    public int? LastErrorMaxLength { get; }

    /// <summary>The JSON property names of a field change, as EF reads them back.</summary>
    public AuditLineJsonNames FieldNames { get; }

    /// <summary>
    /// A command of <paramref name="db"/>'s open connection and current transaction, with its command timeout and positional
    /// parameters (<c>$1</c>, <c>$2</c>, ...).
    /// </summary>
    public static DbCommand Command(DbContext db, string query, params object[] parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = query;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (db.Database.GetCommandTimeout() is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        foreach (var value in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static OutboxSql For(DbContext context)
    {
        var model = context.Model;
        return model.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static state => new OutboxSql(state.Model, state.Sql),
            (Model: model, Sql: context.GetService<ISqlGenerationHelper>()));
    }
}
