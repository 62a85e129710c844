using System;

namespace ServerTools.Rules;

/// <summary>The types a data rule can work with, and their names as a rule's author writes them.</summary>
internal static class RuleTypes
{
    /// <summary><paramref name="type"/> without <see cref="Nullable{T}"/>.</summary>
    public static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    /// <summary>Whether <paramref name="type"/> is a <see cref="Nullable{T}"/>.</summary>
    public static bool IsNullableValue(Type type) => Nullable.GetUnderlyingType(type) is not null;

    /// <summary>The type that can also hold null: <c>int?</c> for <c>int</c>; reference and nullable types unchanged.</summary>
    public static Type Lift(Type type) => type.IsValueType && !IsNullableValue(type) ? typeof(Nullable<>).MakeGenericType(type) : type;

    /// <summary>Whether <paramref name="type"/> (or its nullable form) is int, long, decimal or double.</summary>
    public static bool IsNumeric(Type type)
    {
        type = Underlying(type);
        return type == typeof(int) || type == typeof(long) || type == typeof(decimal) || type == typeof(double);
    }

    /// <summary>Whether a rule can read a property of <paramref name="type"/> as a value (numbers, bool, string, dates, enums).</summary>
    public static bool IsScalar(Type type)
    {
        type = Underlying(type);
        return IsNumeric(type) || type == typeof(bool) || type == typeof(string) || type == typeof(DateTime)
            || type == typeof(DateOnly) || type.IsEnum;
    }

    /// <summary>
    /// Whether a rule can navigate into <paramref name="type"/> (or its nullable form) through its schema members: an
    /// application class or struct. Types of .NET and its libraries (System.*, Microsoft.*), delegates, arrays,
    /// pointers, interfaces and open generics are never navigated, so a rule cannot reach their properties.
    /// </summary>
    public static bool IsEntity(Type type)
    {
        type = Underlying(type);
        if (IsScalar(type) || type.IsPrimitive || type.IsArray || type.IsPointer || type.IsByRef || type.IsInterface
            || type.ContainsGenericParameters || typeof(Delegate).IsAssignableFrom(type) || !(type.IsClass || type.IsValueType))
        {
            return false;
        }

        var ns = type.Namespace ?? "";
        return !(IsNamespace(ns, "System") || IsNamespace(ns, "Microsoft") || IsNamespace(ns, "Npgsql"));
    }

    /// <summary>The type as a rule's author writes it: <c>int</c>, <c>decimal?</c>, <c>string</c>, <c>OrderState</c>.</summary>
    public static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean when !type.IsEnum => "bool",
            TypeCode.Char when !type.IsEnum => "char",
            TypeCode.Int32 when !type.IsEnum => "int",
            TypeCode.Int64 when !type.IsEnum => "long",
            TypeCode.Decimal => "decimal",
            TypeCode.Double => "double",
            TypeCode.Single => "float",
            TypeCode.String => "string",
            _ => type.Name,
        };
    }

    private static bool IsNamespace(string ns, string root)
        => ns.StartsWith(root, StringComparison.Ordinal) && (ns.Length == root.Length || ns[root.Length] == '.');
}
