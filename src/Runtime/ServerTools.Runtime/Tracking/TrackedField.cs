using System;
using System.ComponentModel;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Update;
using ServerTools.Auditing;

namespace ServerTools.Tracking;

/// <summary>One tracked field of an entity type: its stable name. See <see cref="TrackedField{TEntity, TValue}"/>.</summary>
public abstract class TrackedField
{
    private protected TrackedField(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The property name, as written to the outbox and to <see cref="TrackedFieldChange.Field"/>.</summary>
    public string Name { get; }

    /// <summary>The CLR type of the field's values.</summary>
    public abstract Type ValueType { get; }

    /// <summary>Whether the entity implements this field's <c>On{Name}Changed</c> hook.</summary>
    public abstract bool HasHook { get; }

    /// <summary>Runs the hook for an entity of this field's type or a derived one (see <see cref="TrackedField{TEntity}.RunHook"/>).</summary>
    internal abstract bool RunHookOn(object entity, IUpdateEntry values, IProperty property);
}

/// <summary>A tracked field of <typeparamref name="TEntity"/>, whatever its value type.</summary>
/// <typeparam name="TEntity">The tracked entity type.</typeparam>
public abstract class TrackedField<TEntity> : TrackedField
    where TEntity : class
{
    private protected TrackedField(string name)
        : base(name)
    {
    }

    /// <summary>Runs the entity's hook when the field's original and current values differ (typed, no boxing); true when it ran.</summary>
    internal abstract bool RunHook(TEntity entity, IUpdateEntry values, IProperty property);

    internal sealed override bool RunHookOn(object entity, IUpdateEntry values, IProperty property) => RunHook((TEntity)entity, values, property);

    /// <summary>The field's original and current values when they differ (typed, no boxing), or null.</summary>
    internal abstract TrackedValues? Changed(IUpdateEntry values, IProperty property);

    /// <summary>The field's original value, of a deleted entity.</summary>
    internal abstract TrackedValues Original(IUpdateEntry values, IProperty property);

    /// <summary>The field's current value as invariant text.</summary>
    internal abstract string? Text(IUpdateEntry values, IProperty property);
}

/// <summary>
/// A tracked field of <typeparamref name="TEntity"/> with values of type <typeparamref name="TValue"/>: how its values
/// are written as text and read back, and the entity's <c>On{Name}Changed</c> hook. Generated code creates one per
/// tracked property, in the entity's <c>TrackedFields</c> class; subscribers pass it to
/// <see cref="TrackedChange{T}.TryGet{TValue}(TrackedField{T, TValue}, out TValue, out TValue)"/> for typed old and new values.
/// </summary>
/// <typeparam name="TEntity">The tracked entity type.</typeparam>
/// <typeparam name="TValue">The property type.</typeparam>
public sealed class TrackedField<TEntity, TValue> : TrackedField<TEntity>
    where TEntity : class
{
    private readonly TrackedValueFormat<TValue> _format;
    private readonly Action<TEntity, TValue, TValue>? _hook;

    /// <summary>Creates the field. Called by generated code.</summary>
    /// <param name="name">The property name.</param>
    /// <param name="format">How values are written as text and read back, usually one of <see cref="TrackedValueFormats"/>.</param>
    /// <param name="hook">Calls the entity's <c>On{Name}Changed(oldValue, newValue)</c> partial method.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TrackedField(string name, TrackedValueFormat<TValue> format, Action<TEntity, TValue, TValue>? hook = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(format);
        _format = format;
        _hook = hook;
    }

    /// <inheritdoc/>
    public override Type ValueType => typeof(TValue);

    /// <inheritdoc/>
    public override bool HasHook => _hook is not null;

    /// <summary>Writes <paramref name="value"/> as the text the outbox stores.</summary>
    public string? Format(TValue value) => _format.Format(value);

    /// <summary>Reads a value back from the text the outbox stores (<see langword="default"/> for null).</summary>
    /// <exception cref="InvalidOperationException">
    /// The field's text is decided by the EF Core model (a converted value or a collection): read it with
    /// <see cref="TrackedChange{T}.TryGet{TValue}(TrackedField{T, TValue}, out TValue, out TValue)"/>.
    /// </exception>
    public TValue Parse(string? text) => text is null ? default! : _format.Parse(text);

    /// <summary>Whether the field's text is decided by the EF Core model, so reading it back needs the model's property.</summary>
    internal bool IsFromModel => _format.IsFromModel;

    /// <summary>Reads a value back from the text the outbox stores for <paramref name="property"/>, the model's property of this field.</summary>
    internal TValue Parse(string? text, IProperty property) => text is null ? default! : _format.For(property).Parse(text);

    internal override bool RunHook(TEntity entity, IUpdateEntry values, IProperty property)
    {
        var oldValue = values.GetOriginalValue<TValue>(property);
        var newValue = values.GetCurrentValue<TValue>(property);
        if (_hook is null || Same(property, oldValue, newValue))
        {
            return false;
        }

        _hook(entity, oldValue, newValue);
        return true;
    }

    internal override TrackedValues? Changed(IUpdateEntry values, IProperty property)
    {
        var oldValue = values.GetOriginalValue<TValue>(property);
        var newValue = values.GetCurrentValue<TValue>(property);
        return Same(property, oldValue, newValue) ? null : Capture(property, oldValue, newValue, deleted: false);
    }

    internal override TrackedValues Original(IUpdateEntry values, IProperty property)
        => Capture(property, values.GetOriginalValue<TValue>(property), default!, deleted: true);

    internal override string? Text(IUpdateEntry values, IProperty property) => _format.For(property).Format(values.GetCurrentValue<TValue>(property));

    /// <summary>
    /// The values of a change. A value whose text the model decides (a converted value, a collection the entity may change
    /// again once the save returns) is written as text now, with the property's format; the others when the row is encoded.
    /// </summary>
    private TrackedValues Capture(IProperty property, TValue oldValue, TValue newValue, bool deleted)
    {
        if (!_format.IsFromModel)
        {
            return new Values(this, oldValue, newValue, deleted);
        }

        var format = _format.For(property);
        return new Texts(new PendingLine(Name, format.Format(oldValue), deleted ? null : format.Format(newValue)));
    }

    /// <summary>
    /// Whether two values are the same by the property's own comparer, the one EF's change detection uses, so hooks, the
    /// outbox and what EF writes agree (a comparer that ignores case makes "abc" and "ABC" one value for all three).
    /// </summary>
    private static bool Same(IProperty property, TValue left, TValue right)
    {
        // EF gives every property a comparer of its own type; the untyped call is the same comparer, should it not be.
        var comparer = property.GetValueComparer();
        return comparer is ValueComparer<TValue> typed ? typed.Equals(left, right) : comparer.Equals(left, right);
    }

    /// <summary>A change of this field: its old and new value as read at the capture, formatted when the outbox row is encoded.</summary>
    private sealed class Values(TrackedField<TEntity, TValue> field, TValue oldValue, TValue newValue, bool deleted) : TrackedValues
    {
        public override PendingLine Format()
            => new(field.Name, field._format.Format(oldValue), deleted ? null : field._format.Format(newValue));
    }
}

/// <summary>A change whose values were written as text when it was captured.</summary>
internal sealed class Texts(PendingLine line) : TrackedValues
{
    public override PendingLine Format() => line;
}

/// <summary>
/// A tracked field's old and new values, typed, as read when the save started. They are formatted as text on any thread
/// when the outbox row is encoded (ahead, on the thread pool): EF keeps no reference to these copies, so they cannot
/// change meanwhile.
/// </summary>
internal abstract class TrackedValues
{
    /// <summary>The field's name and its values as invariant text (no new value for a deleted entity).</summary>
    public abstract PendingLine Format();
}
