using Microsoft.CodeAnalysis;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Common;

/// <summary>
/// The words of ST2006, ST3008 and ST4007 for a declaration that generated code cannot name because
/// <see cref="ObsoleteSymbols.IsErrorIn"/> or <see cref="ObsoleteSymbols.IsErrorBeside"/> holds for it: which part of it
/// is obsolete as an error.
/// </summary>
internal static class ObsoleteErrors
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// Why a member that generated code reads or calls through an instance is obsolete as an error
    /// (<see cref="ObsoleteSymbols.IsErrorOnInstance"/>): <c>it is</c> or <c>its getter is</c>, followed by
    /// <c>obsolete as an error</c>. The class that declares it does not count, as the compiler does not check it there.
    /// </summary>
    public static string OfMember(ISymbol member)
        => ObsoleteSymbols.IsErrorItself(member) ? "it is obsolete as an error" : "its getter is obsolete as an error";

    /// <summary>
    /// Why the type of a property is obsolete as an error: <c>its type 'T' is</c> one, or, when the mark is on a type it
    /// names (a type argument, an array's element, a containing type), <c>its type 'T' names</c> one.
    /// </summary>
    public static string OfType(ITypeSymbol type)
        => $"its type '{type.ToDisplayString(s_typeFormat)}' "
           + (ObsoleteSymbols.IsErrorItself(type) ? "is obsolete as an error" : "names a type that is obsolete as an error");
}
