using System.Data.Common;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData.ProviderServices;
using Pgvector;

namespace RefineMemory.Postgres;

/// <summary>Converts between records (through the VectorData model's accessors) and column values.</summary>
internal static class PostgresRecordMapper
{
    /// <summary>The value written for a property: vectors become pgvector values (checked against the declared dimension).</summary>
    public static object? ToColumn(PropertyModel property, object record, bool halfVectors, string collection)
    {
        object? value = property.GetValueAsObject(record);
        if (property is not VectorPropertyModel vector || value is null)
        {
            return value;
        }

        ReadOnlyMemory<float> memory = value switch
        {
            ReadOnlyMemory<float> m => m,
            float[] a => a,
            Embedding<float> e => e.Vector,
            _ => throw new NotSupportedException($"Vector property '{property.ModelName}' holds a {value.GetType().Name}."),
        };
        return ToVector(memory, vector, halfVectors, collection);
    }

    public static object ToVector(ReadOnlyMemory<float> memory, VectorPropertyModel vector, bool halfVectors, string collection)
    {
        if (memory.Length != vector.Dimensions)
        {
            throw new DimensionMismatchException($"A vector for property '{vector.ModelName}' of collection '{collection}'", vector.Dimensions, memory.Length);
        }

        return halfVectors ? new HalfVector(ToHalves(memory.Span)) : new Vector(memory);
    }

    /// <summary>Reads one row (columns in the order of <paramref name="properties"/>) into a new record.</summary>
    public static TRecord ToRecord<TRecord>(CollectionModel model, IReadOnlyList<PropertyModel> properties, DbDataReader reader)
    {
        var record = model.CreateRecord<TRecord>();
        for (int i = 0; i < properties.Count; i++)
        {
            var property = properties[i];
            object? value = reader.IsDBNull(i) ? null : reader.GetValue(i);
            property.SetValueAsObject(record!, FromColumn(property, value));
        }

        return record;
    }

    private static object? FromColumn(PropertyModel property, object? value)
    {
        Type type = Nullable.GetUnderlyingType(property.Type) ?? property.Type;
        if (value is null)
        {
            return null;
        }

        if (property is VectorPropertyModel)
        {
            ReadOnlyMemory<float> memory = value switch
            {
                Vector v => v.Memory,
                HalfVector h => FromHalves(h.Memory.Span),
                _ => throw new InvalidDataException($"Column of vector property '{property.ModelName}' holds a {value.GetType().Name}."),
            };
            return type == typeof(float[]) ? memory.ToArray()
                : type == typeof(Embedding<float>) ? new Embedding<float>(memory)
                : memory;
        }

        if (PostgresModelBuilder.ElementType(type) is { } element && value is Array array)
        {
            if (type.IsArray)
            {
                return array;
            }

            var list = (System.Collections.IList)Activator.CreateInstance(type)!;
            foreach (object? item in array)
            {
                list.Add(item);
            }

            return list;
        }

        return type == typeof(DateTimeOffset) && value is DateTime utc ? new DateTimeOffset(utc, TimeSpan.Zero)
            : type == typeof(object) ? value
            : value.GetType() == type ? value
            : Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Half[] ToHalves(ReadOnlySpan<float> values)
    {
        var halves = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
        }

        return halves;
    }

    private static float[] FromHalves(ReadOnlySpan<Half> values)
    {
        var floats = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            floats[i] = (float)values[i];
        }

        return floats;
    }
}
