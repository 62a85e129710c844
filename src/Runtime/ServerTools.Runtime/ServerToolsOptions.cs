using System;
using System.Collections.Generic;

namespace ServerTools;

/// <summary>Settings of ServerTools for one <c>DbContext</c>, given to <see cref="ServerToolsDbContextOptionsBuilderExtensions.UseServerTools"/>.</summary>
public sealed class ServerToolsOptions
{
    /// <summary>The audit trail's settings.</summary>
    public AuditingOptions Auditing { get; } = new();

    /// <summary>The settings of <see cref="TrackedAttribute">[Tracked]</see> entities' hooks and outbox.</summary>
    public TrackingOptions Tracking { get; } = new();

    /// <summary>
    /// The settings of the business rule engine (<see cref="IExceptionRuleEngine"/>), read by
    /// <c>AddServerTools</c>; <c>UseServerTools</c> ignores them.
    /// </summary>
    public RuleOptions Rules { get; } = new();

    /// <summary>The clock that stamps audit logs and outbox messages. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Whether a SaveChanges that deletes entities first loads the dependents that the database would delete or change
    /// itself, by the <c>ON DELETE CASCADE</c> or <c>ON DELETE SET NULL</c> foreign key constraint of a relationship (<see cref="Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade"/>,
    /// EF Core's default for a required relationship, or <see cref="Microsoft.EntityFrameworkCore.DeleteBehavior.SetNull"/>), when they are
    /// <see cref="AuditedAttribute">[Audited]</see> or <see cref="TrackedAttribute">[Tracked]</see> (or the links of a
    /// many-to-many navigation, or reached through such a cascade), and the context has not loaded them: EF Core then
    /// deletes them (or sets their foreign key to null) in the save, and their audit logs and outbox changes are written
    /// with it, in its transaction. One query per relationship and level of the cascade, only in a save that deletes an
    /// entity such a relationship starts from. Default: on. Off, the database deletes them with no log or change.
    /// </summary>
    public bool LoadCascadedDependents { get; set; } = true;
}

/// <summary>Settings of the audit trail.</summary>
public sealed class AuditingOptions
{
    /// <summary>
    /// Whether <see cref="AuditedAttribute">[Audited]</see> entities are logged. Default: on. The audit tables stay in
    /// the model either way (EF caches one model per context type), so migrations do not depend on this switch.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// User ids whose changes are not logged, such as a system account that imports data. Compared ordinally with
    /// <see cref="AuditActor.UserId"/>.
    /// </summary>
    public ISet<string> ExcludedUserIds { get; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>Settings of <see cref="TrackedAttribute">[Tracked]</see> entities in SaveChanges.</summary>
public sealed class TrackingOptions
{
    /// <summary>
    /// Whether hooks run and changes are written to the outbox. Default: on. The outbox table stays in the model
    /// either way, so migrations do not depend on this switch.
    /// </summary>
    public bool Enabled { get; set; } = true;
}
