// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): the generator and the analyzers
// agree on the property types the audit trail takes (ST1004 reports those it cannot write); the runtime's
// AuditValueFormatter writes the supported ones as text, and AuditFieldAccess decides the others from the model.
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>
/// The property types the audit trail writes as text: those it writes itself (<see cref="IsSupported"/>), and those whose
/// form the run time takes from the model (<see cref="IsModelValue"/>).
/// </summary>
internal static class AuditValueTypes
{
    /// <summary>
    /// True for single-column types the audit writes as text: numbers, <c>bool</c>, <c>char</c>, <c>string</c>,
    /// <c>decimal</c>, <c>DateTime</c>, <c>DateTimeOffset</c>, <c>DateOnly</c>, <c>TimeOnly</c>, <c>TimeSpan</c>,
    /// <c>Guid</c>, enums, <c>byte[]</c>, and their nullable forms.
    /// </summary>
    public static bool IsSupported(ITypeSymbol type)
    {
        type = Underlying(type);
        if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte } || type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_String:
            case SpecialType.System_DateTime:
                return true;
        }

        return type is INamedTypeSymbol { ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } named
               && named.Name is "Guid" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan";
    }

    /// <summary>
    /// True for a value the generator lists as a field although the audit trail does not write its type itself, because
    /// EF Core maps it to a column of its own only in ways the run time can read from the model: a struct (a strongly
    /// typed id or a <c>Money</c> with a value converter, <c>BigInteger</c>), or an array or collection of values
    /// (<c>int[]</c>, <c>List&lt;string&gt;</c>, <c>IList&lt;CustomerId&gt;</c>: a primitive collection), each also
    /// nullable. The run time logs the value its converter stores, a primitive collection as a JSON array, a value
    /// without converter by its invariant text, and nothing for a path the model does not map as a property. A class (a
    /// navigation, an owned or complex type) is not one, nor is a collection of classes other than <c>string</c> and
    /// <c>byte[]</c> (navigations, value objects).
    /// </summary>
    public static bool IsModelValue(ITypeSymbol type)
    {
        if (IsSupported(type))
        {
            return false;
        }

        type = Underlying(type);
        return type.TypeKind == TypeKind.Struct
               || (ElementType(type) is { } element && (IsSupported(element) || Underlying(element).TypeKind == TypeKind.Struct));
    }

    /// <summary>
    /// True for a type, or an element type of an array or collection, that the audit trail cannot write whatever the
    /// model says: one of Npgsql's own value types (namespace <c>NpgsqlTypes</c>) that has no invariant text
    /// (<c>NpgsqlRange&lt;T&gt;</c>, <c>NpgsqlPoint</c> and the other geometric types, <c>NpgsqlInet</c>,
    /// <c>NpgsqlCidr</c>, <c>NpgsqlInterval</c>, <c>NpgsqlTid</c>, <c>NpgsqlLogSequenceNumber</c>, <c>NpgsqlCube</c>).
    /// Npgsql maps them to columns of their own, without a value converter, so the run time has no text to log.
    /// </summary>
    public static bool HasNoText(ITypeSymbol type)
    {
        type = Underlying(type);
        if (ElementType(type) is { } element)
        {
            type = Underlying(element);
        }

        return type is INamedTypeSymbol { TypeKind: TypeKind.Struct, ContainingNamespace: { Name: "NpgsqlTypes", ContainingNamespace.IsGlobalNamespace: true } } named
               && !named.AllInterfaces.Any(static i => i is { Name: "IFormattable", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } });
    }

    /// <summary>The element type of an array, or of a type that is or implements <c>IEnumerable&lt;T&gt;</c>; null for other types.</summary>
    public static ITypeSymbol? ElementType(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            return array.ElementType;
        }

        var sequence = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } named
            ? named
            : type.AllInterfaces.FirstOrDefault(static i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);
        return sequence?.TypeArguments[0];
    }

    /// <summary>The type inside <c>Nullable&lt;T&gt;</c>, or the type itself.</summary>
    public static ITypeSymbol Underlying(ITypeSymbol type)
        => type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
}
