using System;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.Infrastructure;

/// <summary>
/// The enum columns ServerTools writes and queries itself (the audit trail's and the outbox's operation, the outbox's
/// state) hold the member's name as text, as <c>UseServerTools()</c> maps them: its binary COPY writes the name, and
/// the dispatcher's statements compare it. A conversion to anything else is refused when the statements are built,
/// with a message, rather than failing later with PostgreSQL's complaint about binary data.
/// </summary>
internal static class TextEnumColumn
{
    /// <summary>Throws when <paramref name="property"/> of <paramref name="owner"/> is not stored as text.</summary>
    public static void Require(IEntityType owner, string property, StoreObjectIdentifier table)
    {
        var mapped = owner.FindProperty(property);
        var stored = mapped?.GetTypeMapping().Converter?.ProviderClrType ?? mapped?.ClrType;
        if (mapped is not null && stored != typeof(string))
        {
            throw new InvalidOperationException(
                $"'{owner.ClrType.Name}.{property}' is stored as {stored?.Name} in {table.DisplayName()}, but ServerTools writes and queries it as " +
                $"the member's name (text), as UseServerTools() maps it. Remove the conversion of {owner.ClrType.Name}.{property} from OnModelCreating.");
        }
    }
}
