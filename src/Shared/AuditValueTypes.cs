// Compiled into both ServerTools.Generators and ServerTools.Analyzers (linked): the generator audits
// exactly the property types that the analyzers accept (ST1004 reports the others), and the runtime's
// AuditValueFormatter writes each of them as text.
using Microsoft.CodeAnalysis;

namespace ServerTools.Shared;

/// <summary>The property types the audit trail writes as text.</summary>
internal static class AuditValueTypes
{
    /// <summary>
    /// True for single-column types the audit writes as text: numbers, <c>bool</c>, <c>char</c>, <c>string</c>,
    /// <c>decimal</c>, <c>DateTime</c>, <c>DateTimeOffset</c>, <c>DateOnly</c>, <c>TimeOnly</c>, <c>TimeSpan</c>,
    /// <c>Guid</c>, enums, <c>byte[]</c>, and their nullable forms.
    /// </summary>
    public static bool IsSupported(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

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
}
