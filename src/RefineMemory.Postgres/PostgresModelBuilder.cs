using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace RefineMemory.Postgres;

/// <summary>Which .NET property types the connector stores, and in which PostgreSQL column types.</summary>
internal sealed class PostgresModelBuilder() : CollectionModelBuilder(BuildingOptions)
{
    private const string VectorTypes = "ReadOnlyMemory<float>, float[] or Embedding<float>";

    private static readonly CollectionModelBuildingOptions BuildingOptions = new()
    {
        RequiresAtLeastOneVector = false,
        SupportsMultipleVectors = true,
    };

    private static readonly Dictionary<Type, string> Scalars = new()
    {
        [typeof(string)] = "text",
        [typeof(bool)] = "boolean",
        [typeof(short)] = "smallint",
        [typeof(int)] = "integer",
        [typeof(long)] = "bigint",
        [typeof(float)] = "real",
        [typeof(double)] = "double precision",
        [typeof(decimal)] = "numeric",
        [typeof(Guid)] = "uuid",
        [typeof(DateTime)] = "timestamp",
        [typeof(DateTimeOffset)] = "timestamptz",
    };

    /// <summary>The column type of a key or data property (arrays and lists become PostgreSQL arrays).</summary>
    public static string ColumnType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Scalars.TryGetValue(type, out string? scalar))
        {
            return scalar;
        }

        return ElementType(type) is { } element && Scalars.TryGetValue(element, out string? inner)
            ? inner + "[]"
            : throw new NotSupportedException($"Properties of type {type.Name} are not stored by the PostgreSQL connector.");
    }

    /// <summary>The element type of an array or <see cref="List{T}"/> property, else null.</summary>
    public static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GenericTypeArguments[0]
        : null;

    public static bool IsVectorType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(ReadOnlyMemory<float>) || type == typeof(float[]) || type == typeof(Embedding<float>);
    }

    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        Type type = keyProperty.Type;
        if (type != typeof(string) && type != typeof(Guid) && type != typeof(int) && type != typeof(long) && type != typeof(object))
        {
            throw new NotSupportedException($"Key property '{keyProperty.ModelName}' has type {type.Name}; the PostgreSQL connector takes string, Guid, int or long keys.");
        }

        base.ValidateKeyProperty(keyProperty);
    }

    protected override bool IsDataPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = "string, bool, short, int, long, float, double, decimal, Guid, DateTime, DateTimeOffset, or arrays/lists of them";
        type = Nullable.GetUnderlyingType(type) ?? type;
        return Scalars.ContainsKey(type) || (ElementType(type) is { } element && Scalars.ContainsKey(element));
    }

    protected override bool IsVectorPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = VectorTypes;
        return IsVectorType(type);
    }
}
