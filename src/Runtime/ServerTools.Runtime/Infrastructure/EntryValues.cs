using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;

namespace ServerTools.Infrastructure;

/// <summary>
/// An entry's values as EF keeps them, read without a wrapper. <see cref="EntityEntry.CurrentValues"/>,
/// <see cref="EntityEntry.OriginalValues"/> and <see cref="EntityEntry.Property(Microsoft.EntityFrameworkCore.Metadata.IProperty)"/>
/// allocate an object per call (and <c>Property</c> checks that the property belongs to the entry's type): capturing
/// an update of 10 audited fields made 14 of them. <see cref="IUpdateEntry"/> is EF's public view of an entry for providers
/// and extensions (its <c>GetCurrentValue</c>, <c>GetOriginalValue</c> and <c>IsModified</c> are what those wrappers
/// call).
/// </summary>
internal static class EntryValues
{
    /// <summary>The entry as EF's <see cref="IUpdateEntry"/>.</summary>
    public static IUpdateEntry Values(this EntityEntry entry)
    {
        // GetInfrastructure() returns EF's internal entry type, used here only as the public interface it implements.
#pragma warning disable EF1001
        return entry.GetInfrastructure();
#pragma warning restore EF1001
    }
}
