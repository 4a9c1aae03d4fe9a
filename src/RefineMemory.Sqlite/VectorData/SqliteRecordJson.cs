using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>Data property values as one JSON object keyed by storage name, each value typed by its property.</summary>
internal static class SqliteRecordJson
{
    public static string Write(CollectionModel model, object?[] data)
    {
        var json = new JsonObject();
        for (int i = 0; i < data.Length; i++)
        {
            var property = model.DataProperties[i];
            json[property.StorageName] = data[i] is null ? null : JsonSerializer.SerializeToNode(data[i], property.Type);
        }

        return json.ToJsonString();
    }

    public static object?[] Read(CollectionModel model, string text)
    {
        using var document = JsonDocument.Parse(text);
        var data = new object?[model.DataProperties.Count];
        for (int i = 0; i < data.Length; i++)
        {
            var property = model.DataProperties[i];
            if (document.RootElement.TryGetProperty(property.StorageName, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                data[i] = value.Deserialize(property.Type);
            }
        }

        return data;
    }

    /// <summary>The SQLite JSON path of a property; storage names with a double quote are refused.</summary>
    public static string Path(PropertyModel property) =>
        property.StorageName.Contains('"', StringComparison.Ordinal)
            ? throw new NotSupportedException($"Property storage name '{property.StorageName}' contains a double quote, which the SQLite store cannot address.")
            : $"'$.\"{property.StorageName.Replace("'", "''", StringComparison.Ordinal)}\"'";
}
