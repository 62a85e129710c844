using System.Linq;
using Microsoft.CodeAnalysis;
using ServerTools.Shared;

namespace ServerTools.Analyzers.Auditing;

/// <summary>The auditing attribute types of one compilation, resolved once, on first need.</summary>
internal sealed class AuditingSymbols
{
    private AuditingSymbols(INamedTypeSymbol audited, INamedTypeSymbol? auditIgnore, INamedTypeSymbol? auditMask)
    {
        Audited = audited;
        AuditIgnore = auditIgnore;
        AuditMask = auditMask;
    }

    public INamedTypeSymbol Audited { get; }

    public INamedTypeSymbol? AuditIgnore { get; }

    public INamedTypeSymbol? AuditMask { get; }

    /// <summary>The symbols of <paramref name="compilation"/>, or null when it does not reference ServerTools (no [Audited] type).</summary>
    public static AuditingSymbols? From(Compilation compilation)
        => compilation.GetTypeByMetadataName(AttributeNames.Audited) is { } audited
            ? new AuditingSymbols(
                audited,
                compilation.GetTypeByMetadataName(AttributeNames.AuditIgnore),
                compilation.GetTypeByMetadataName(AttributeNames.AuditMask))
            : null;

    /// <summary>True when <paramref name="type"/> itself is marked [Audited] (the attribute is not inherited).</summary>
    public bool IsAudited(ITypeSymbol type) => Find(type, Audited) is not null;

    /// <summary>True when <paramref name="type"/> or one of its base classes is marked [Audited].</summary>
    public bool IsAuditedOrDerived(ITypeSymbol type) => IsAudited(type) || NearestAuditedBase(type) is not null;

    /// <summary>
    /// The nearest base class of <paramref name="type"/> that is marked [Audited], or null: the class whose descriptor audits
    /// <paramref name="type"/> at run time when it is not [Audited] itself.
    /// </summary>
    public INamedTypeSymbol? NearestAuditedBase(ITypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (IsAudited(current))
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>The application of <paramref name="attribute"/> on <paramref name="symbol"/>, if any.</summary>
    public static AttributeData? Find(ISymbol symbol, INamedTypeSymbol? attribute)
        => attribute is null
            ? null
            : symbol.GetAttributes().FirstOrDefault(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute));
}
