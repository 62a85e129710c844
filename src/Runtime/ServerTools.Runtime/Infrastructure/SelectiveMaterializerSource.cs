using System;
using System.Linq;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.Internal;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Auditing;
using ServerTools.TimeWindows;

namespace ServerTools.Infrastructure;

/// <summary>
/// The context's materializer source, which compiles the code that creates entities from a query's rows, made to pass
/// ServerTools' materialization interceptors (<see cref="AuditReadMaterializer"/>, <see cref="TimeWindowReadCheck"/>) only
/// to the entity types they act on. EF Core compiles every entity type's materializer with interception once any
/// materialization interceptor is registered: per entity, a dictionary with two delegates per property and four calls of
/// the interceptors, for nothing where they do nothing (docs/benchmarks.md). The types they act on get the source as the
/// provider registered it, with every interceptor; the others get a second instance of the same type built without
/// ServerTools' two, so the application's own materialization interceptors still apply to every type, as without
/// ServerTools.
/// </summary>
internal sealed class SelectiveMaterializerSource(IStructuralTypeMaterializerSource intercepted, IStructuralTypeMaterializerSource others)
    : IStructuralTypeMaterializerSource
{
    /// <summary>
    /// The source for the context's internal services: <paramref name="registered"/> itself when there is no second instance
    /// of its type to make (it was registered as an instance or a factory, or its type takes no
    /// <see cref="StructuralTypeMaterializerSourceDependencies"/>), and then every type is intercepted, as in EF Core.
    /// </summary>
    public static IStructuralTypeMaterializerSource Create(IServiceProvider provider, IStructuralTypeMaterializerSource registered, Type? type)
    {
#pragma warning disable EF1001 // EF Core's own dependencies record: the provider's subclass takes it, and ServerTools passes a copy.
        if (type is null
            || provider.GetService<StructuralTypeMaterializerSourceDependencies>() is not { } dependencies
            || !type.GetConstructors().Any(static c => c.GetParameters().Any(static p => p.ParameterType == typeof(StructuralTypeMaterializerSourceDependencies))))
        {
            return registered;
        }

        var interceptors = dependencies.SingletonInterceptors.ToList();
        var theirs = interceptors.Where(static i => i is not (AuditReadMaterializer or TimeWindowReadCheck)).ToList();
        if (theirs.Count == interceptors.Count)
        {
            return registered;
        }

        var others = (IStructuralTypeMaterializerSource)ActivatorUtilities.CreateInstance(provider, type, dependencies with { SingletonInterceptors = theirs });
#pragma warning restore EF1001
        return new SelectiveMaterializerSource(registered, others);
    }

    public Expression CreateMaterializeExpression(StructuralTypeMaterializerSourceParameters parameters, Expression materializationContextExpression)
        => For(parameters.StructuralType).CreateMaterializeExpression(parameters, materializationContextExpression);

    public Func<MaterializationContext, object> GetMaterializer(IEntityType entityType) => For(entityType).GetMaterializer(entityType);

    public Func<MaterializationContext, object> GetMaterializer(IComplexType complexType) => intercepted.GetMaterializer(complexType);

    public Func<MaterializationContext, object> GetEmptyMaterializer(IEntityType entityType) => For(entityType).GetEmptyMaterializer(entityType);

    public Func<MaterializationContext, object> GetEmptyMaterializer(IComplexType complexType) => intercepted.GetEmptyMaterializer(complexType);

    /// <summary>
    /// The source for a structural type: a complex type is left as EF Core has it (EF intercepts the entities that hold it,
    /// not the complex object); an entity type is intercepted when one of ServerTools' interceptors acts on its entities.
    /// </summary>
    private IStructuralTypeMaterializerSource For(ITypeBase structuralType)
        => structuralType is not IEntityType entityType || AuditReadMaterializer.ActsOn(entityType) || TimeWindowReadCheck.ActsOn(entityType)
            ? intercepted
            : others;
}
